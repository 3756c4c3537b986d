"""The demo cases load through the services, once."""

import pytest

from cases.demo import demo_cases_create
from cases.models import Case, CaseLink, Decision, Outcome

pytestmark = pytest.mark.django_db


def test_demo_cases_are_created_once_across_months_and_outcomes(reference):
    assert demo_cases_create() == 30
    assert demo_cases_create() == 0
    assert Case.objects.count() == 30
    months = {d.strftime("%Y-%m") for d in Decision.objects.values_list("decided_on", flat=True)}
    assert {"2019-02", "2019-03", "2019-04", "2019-05"} <= months
    outcomes = set(Outcome.objects.filter(role="person").values_list("result", "self_corrected"))
    assert outcomes == {("established", True), ("established", False), ("not_established", False)}
    assert set(Case.objects.values_list("status", flat=True)) == {
        "registered",
        "investigating",
        "decided",
        "closed",
    }
    assert Case.objects.filter(agency__department__code="RS").exists()
    # the RS case reuses a ZJ person: linked across departments
    assert CaseLink.objects.filter(
        from_case__agency__department__code="RS", to_case__agency__department__code="ZJ"
    ).exists()
