from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self):
        # Each app declares its job kinds in ``job_kinds.py`` (cases: the Excel import), so this
        # app, below them all, imports none of them (Django's admin autodiscovery, the same way).
        autodiscover_modules("job_kinds")
