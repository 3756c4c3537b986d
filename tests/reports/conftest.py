"""Helpers for the monthly report tests: decided cases with parties and measures."""

import datetime

import pytest

from cases.models import Measure
from tests.factories import CaseFactory, CasePartyFactory, DecisionFactory


def decided_case(
    agency,
    *,
    on=datetime.date(2019, 3, 20),
    parties=1,
    outcome="established",
    measures=("revoke_registration", "reregistration_ban", "blacklist"),
    **decision_fields,
):
    """Create a case of ``agency`` decided ``on`` with ``parties`` persons and their measures."""
    case = CaseFactory(agency=agency)
    members = [CasePartyFactory(case=case, position=i) for i in range(parties)]
    decision = DecisionFactory(case=case, decided_on=on, outcome=outcome, **decision_fields)
    for party in members:
        for kind in measures:
            Measure.objects.create(decision=decision, kind=kind, party=party)
    return case


@pytest.fixture
def make_case():
    return decided_case
