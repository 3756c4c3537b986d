"""Each app's reference and demo data loaders, found through its AppConfig.

An app that owns reference data defines ``load_reference_data()`` on its AppConfig (returning the
number of new rows per kind, in Chinese) and may list ``analyze_after_load`` tables; an app with
demo data defines ``load_demo_data()`` (returning a line to print). The project-level commands
``load_reference_data`` and ``seed_demo`` call them in INSTALLED_APPS order, so no app seeds
another and this bottom layer imports none of them by name.
"""

from collections.abc import Iterator

from django.apps import AppConfig, apps


def _with(method: str) -> Iterator[AppConfig]:
    return (config for config in apps.get_app_configs() if hasattr(config, method))


def reference_configs() -> Iterator[AppConfig]:
    """Yield the app configs that load reference data, in INSTALLED_APPS order."""
    return _with("load_reference_data")


def demo_configs() -> Iterator[AppConfig]:
    """Yield the app configs that load demo data, in INSTALLED_APPS order."""
    return _with("load_demo_data")
