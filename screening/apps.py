from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "screening"
    verbose_name = "比对排查"

    def ready(self):
        from leads.rules import register_rules
        from screening.rosters import RULES

        register_rules(RULES)
