from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The bottom layer: errors, API plumbing, the paginator, admin bases; imports no app."""

    name = "core"
    verbose_name = "公共组件"
