from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "机构与人员"

    def ready(self):
        from agencies.auth import connect_signals

        connect_signals()
