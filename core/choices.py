"""Choice labels looked up once per language.

``Model.get_FOO_display()`` builds a dictionary of every choice, hashing each lazy label (one
translation look-up apiece), on every call; a 50-row list called it 150 times per request. The
labels of a choices class are fixed per language, so they are read once.
"""

from functools import lru_cache

from django.utils.translation import get_language


@lru_cache(maxsize=256)
def _labels(choices, language: str | None) -> dict:
    return {value: str(label) for value, label in choices.choices}


def label(choices, value) -> str:
    """Return ``choices``' label for ``value`` in the active language, as ``get_FOO_display``
    does (the value itself when it is not a choice, e.g. an empty outcome)."""
    return _labels(choices, get_language()).get(value, str(value))
