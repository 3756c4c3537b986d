"""Choice labels looked up once per language.

``Model.get_FOO_display()`` builds a dictionary of every choice, hashing each lazy label (one
translation look-up apiece), on every call; a 50-row list called it 150 times per request. The
labels of a choices class (or a model field) are fixed per language, so they are read once.
"""

from functools import lru_cache

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def label(choices, value) -> str:
    """Return ``choices``' label for ``value`` in the active language, as ``get_FOO_display``
    does (the value itself when it is not a choice, e.g. an empty outcome)."""
    return _labels(choices, get_language()).get(value, str(value))


@lru_cache(maxsize=512)
def _field_labels(field, language: str | None) -> dict:
    return {make_hashable(value): str(text) for value, text in field.flatchoices}


class ChoiceLabels:
    """Model mixin, listed before ``models.Model``: every ``get_FOO_display()`` of the model
    becomes a dictionary look-up with the same result as Django's (the label in the active
    language, else the value itself). Django binds ``cls._get_FIELD_display`` when it adds the
    ``get_FOO_display`` methods, so the mixin's version is the one they call. On the HTML
    list pages Django's version was 13 % of the request (docs/performance.md §14)."""

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name, overridden)
        value = getattr(self, field.attname)
        text = _field_labels(field, get_language()).get(make_hashable(value), value)
        return force_str(text, strings_only=True)
