"""Whether a party's 自查自纠 is supported.

The plan: 在自查自纠期间，对整改到位的，可视情况不再追究. A decision may therefore mark a party
self-corrected (not pursued) only where something supports it:

- a rectified self-inspection declaration of the case's campaign naming the person (or, for the
  unit or HR agency, declared by it) — the declarations app, above this one, registers the
  finder in its ``ready()``; or
- a rectification date (整改日期) inside the campaign's self-inspection phase, extensions
  included (a situation rectified in time but never declared on paper).

The support found is recorded on the outcome (``self_correction_basis``) and shown with it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.models import Phase
from campaigns.selectors import phase_of
from core.months import day_label


@dataclass(frozen=True)
class Support:
    basis: str  # what the outcome records, e.g. 自查自纠申报 ZJ-510104-ZC2019-0001
    on: datetime.date | None = None  # the rectification date it gives


# A finder: (case, party or None, unit or None) -> Support or None.
_FINDERS: list[Callable] = []


def register(finder: Callable) -> None:
    """Add a finder of support (once)."""
    if finder not in _FINDERS:
        _FINDERS.append(finder)


def self_inspection_window(campaign) -> tuple[datetime.date, datetime.date] | None:
    """Return the self-inspection phase's first and last day, extensions included."""
    phase = phase_of(campaign, Phase.Kind.SELF_INSPECTION)
    return (phase.starts_on, phase.effective_end) if phase else None


def support_for(case, *, party=None, unit=None, corrected_on=None) -> Support | None:
    """Return what supports a 自查自纠 of ``party`` (a case party) or ``unit`` in ``case``."""
    for finder in _FINDERS:
        found = finder(case, party, unit)
        if found is not None:
            return found
    window = self_inspection_window(case.campaign)
    if corrected_on and window and window[0] <= corrected_on <= window[1]:
        return Support(
            _("整改日期%(day)s在自查自纠阶段内") % {"day": day_label(corrected_on)}, corrected_on
        )
    return None


def unsupported_message(case, name: str) -> str:
    """Return why a 自查自纠 of ``name`` is refused, naming the phase's dates."""
    window = self_inspection_window(case.campaign)
    if window is None:
        return _("%(name)s：“%(campaign)s”没有自查自纠阶段，不能认定自查自纠。") % {
            "name": name,
            "campaign": case.campaign,
        }
    return _(
        "%(name)s：未找到本专项整治中该对象整改到位的自查自纠申报；如在自查自纠阶段"
        "（%(start)s至%(end)s）内已整改到位，请填写整改日期，否则请取消“自查自纠”。"
    ) % {"name": name, "start": day_label(window[0]), "end": day_label(window[1])}
