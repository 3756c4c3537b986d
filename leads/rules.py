"""The names of the rules data-driven sources record on their leads (``Lead.rule``).

The screening app registers its comparison rules here when it loads (``ScreeningConfig.ready``),
so the lead list can filter by rule and show its label without importing the app above it.
"""

_LABELS: dict[str, object] = {}


def register_rules(labels: dict) -> None:
    """Add rule codes with their (lazy) Chinese labels."""
    _LABELS.update(labels)


def rule_choices() -> list[tuple[str, str]]:
    """Return the known rules as choices, in registration order."""
    return [(code, str(label)) for code, label in _LABELS.items()]


def rule_label(code: str) -> str:
    """Return a rule's label, or the code itself when no app registered it."""
    return str(_LABELS.get(code, code))
