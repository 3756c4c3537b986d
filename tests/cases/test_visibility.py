"""Who sees which case: users at each level of ZJ and RS × cases at each level of both."""

import pytest

from agencies import permissions
from cases import selectors
from cases.models import Case, Evidence
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

LEVELS = {"province": "510000", "city": "510100", "county": "510104"}
SIBLING_COUNTY = "510105"  # 青羊区, beside 锦江区
OTHER_CITY_COUNTY = "510703"  # 涪城区 under 绵阳市
REGIONS = (*LEVELS.values(), SIBLING_COUNTY, OTHER_CITY_COUNTY)
SUBTREE = {
    "province": set(REGIONS),
    "city": {"510100", "510104", SIBLING_COUNTY},
    "county": {"510104"},
}


@pytest.fixture
def cases_everywhere(agency):
    """One case per (department, region)."""
    return {
        (dept, region): CaseFactory(agency=agency(dept, region))
        for dept in ("ZJ", "RS")
        for region in REGIONS
    }


@pytest.mark.parametrize("department", ["ZJ", "RS"])
@pytest.mark.parametrize("level", ["province", "city", "county"])
@pytest.mark.parametrize("role", ["clerk", "reviewer", "inspector"])
def test_each_user_sees_exactly_its_subtree(cases_everywhere, member, api, department, level, role):
    """A membership covers its agency and the agencies below it, in its own department only."""
    user = member(department, LEVELS[level], role)
    expected = {cases_everywhere[(department, r)].pk for r in SUBTREE[level]}
    assert set(selectors.case_list(user=user).values_list("pk", flat=True)) == expected
    listed = api(user).get("/api/v1/cases/?page_size=200").json()["results"]
    assert {row["id"] for row in listed} == expected
    for key, case in cases_everywhere.items():
        status = api(user).get(f"/api/v1/cases/{case.pk}/").status_code
        assert status == (200 if case.pk in expected else 404), key


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_writers_may_change_their_subtree_only(cases_everywhere, member, role):
    user = member("ZJ", LEVELS["city"], role)
    changeable = set(selectors.case_list(user=user, action="change").values_list("pk", flat=True))
    assert changeable == {cases_everywhere[("ZJ", r)].pk for r in SUBTREE["city"]}


def test_inspectors_change_nothing(cases_everywhere, member):
    user = member("ZJ", LEVELS["province"], "inspector")
    assert not selectors.case_list(user=user, action="change").exists()


def test_ministry_users_see_no_cases(cases_everywhere, member):
    """The ministry receives consolidated reports, not the case register."""
    assert not selectors.case_list(user=member("BU", "510000", "ministry")).exists()


def test_full_id_only_for_the_owning_chain(cases_everywhere, member):
    case = cases_everywhere[("ZJ", "510104")]
    assert permissions.user_can_unmask_case(user=member("ZJ", "510100", "reviewer"), case=case)
    assert permissions.user_can_unmask_case(user=member("ZJ", "510104", "clerk"), case=case)
    assert not permissions.user_can_unmask_case(user=member("ZJ", "510000", "inspector"), case=case)
    assert not permissions.user_can_unmask_case(
        user=member("ZJ", SIBLING_COUNTY, "clerk"), case=case
    )


def test_evidence_is_visible_exactly_where_its_case_is(cases_everywhere, member, agency):
    """For every user, the evidence they may view or change is that of the cases they may."""
    uploader = UserFactory()
    for case in cases_everywhere.values():
        Evidence.objects.create(
            case=case,
            file="evidence/x",
            original_name="x.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=uploader,
        )
    offered = cases_everywhere[("ZJ", "510104")]
    Case.objects.filter(pk=offered.pk).update(transfer_to=agency("RS", "510105"))
    users = [
        member(d, LEVELS[lvl], r)
        for d in ("ZJ", "RS")
        for lvl in LEVELS
        for r in ("clerk", "inspector")
    ] + [member("RS", "510105", "clerk"), member("BU", "510000", "ministry")]
    for user in users:
        for action in ("view", "change"):
            cases = set(Case.objects.restrict(user, action).values_list("pk", flat=True))
            files = set(Evidence.objects.restrict(user, action).values_list("case_id", flat=True))
            assert files == cases, (user, action)
