from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home dashboard: reads every app, imported by none."""

    name = "home"
    verbose_name = "首页"
