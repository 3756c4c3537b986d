"""``core.choices``: the labels of ``ChoiceLabels.get_FOO_display`` are Django's own."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from core.choices import ChoiceLabels


def _first_party(model) -> bool:
    """A model of this repository's apps (not Django's or a library's)."""
    return model._meta.app_config.path.startswith(str(settings.BASE_DIR)) and ".venv" not in (
        model._meta.app_config.path
    )


def _models_with_choices():
    for model in apps.get_models():
        if not _first_party(model):
            continue
        fields = [f for f in model._meta.concrete_fields if f.choices]
        if fields:
            yield model, fields


def test_every_model_with_choices_uses_the_mixin():
    missing = [m.__name__ for m, _ in _models_with_choices() if not issubclass(m, ChoiceLabels)]
    assert missing == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_equal_djangos_for_every_choice_and_an_unknown_value(language):
    checked = 0
    with translation.override(language):
        for model, fields in _models_with_choices():
            for field in fields:
                values = [value for value, _ in field.flatchoices] + ["not-a-choice", None]
                for value in values:
                    instance = model()
                    setattr(instance, field.attname, value)
                    ours = getattr(instance, f"get_{field.name}_display")()
                    djangos = models.Model._get_FIELD_display(instance, field)
                    assert ours == djangos, (model.__name__, field.name, value)
                    assert type(ours) is type(djangos)
                    checked += 1
    assert checked > 100
