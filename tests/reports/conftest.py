"""Helpers for the monthly report tests: decided cases with parties and measures."""

import datetime

import pytest

from cases.models import Measure, Outcome
from tests.factories import CaseFactory, CasePartyFactory, DecisionFactory

OUTCOME_FIELDS = ("exemption", "self_corrected", "self_correction_text")


def SC2019() -> int:  # noqa: N802 — reads as the constant it stands for
    """Return the id of the 2019 campaign (the reference data every test database holds)."""
    from tests.factories import _campaign

    return _campaign("sc-2019").pk


def decided_case(
    agency,
    *,
    on=datetime.date(2019, 3, 20),
    parties=1,
    outcome="established",
    measures=("revoke_registration", "reregistration_ban", "blacklist"),
    **decision_fields,
):
    """Create a case of ``agency`` decided ``on`` with ``parties`` persons, each given
    ``outcome`` and ``measures`` (and the outcome fields among ``decision_fields``)."""
    case = CaseFactory(agency=agency)
    members = [CasePartyFactory(case=case, position=i) for i in range(parties)]
    per_party = {k: decision_fields.pop(k) for k in OUTCOME_FIELDS if k in decision_fields}
    decision = DecisionFactory(case=case, decided_on=on, **decision_fields)
    for party in members:
        result = Outcome.objects.create(
            decision=decision, role="person", party=party, result=outcome, **per_party
        )
        for kind in measures:
            Measure.objects.create(outcome=result, kind=kind)
    return case


@pytest.fixture
def make_case():
    return decided_case
