"""The permission predicates as one table: role × level × department × verb.

Each row is a user (department, region, role); each column a question the app asks
``agencies.permissions``. The objects: a case of 成都市锦江区住建局 offered to 青羊区,
锦江区's report, 人社厅's province report, and the province consolidation (draft, reported).
"""

from types import SimpleNamespace

import pytest

from agencies import permissions
from tests.conftest import agency_at

pytestmark = pytest.mark.django_db

VERBS = (
    "enter",
    "change",
    "reopen",
    "unmask_case",
    "receive",
    "prepare",
    "sign",
    "review",
    "unmask_report",
    "review_rs",
    "unmask_rs",
    "consolidate",
    "unmask_draft",
    "unmask_reported",
)
X, _ = True, False
TABLE = {
    # (department, region, role): one answer per verb, in the order of VERBS
    ("ZJ", "510104", "clerk"): (X, X, _, X, _, X, _, _, X, _, _, _, _, _),
    ("ZJ", "510104", "reviewer"): (X, X, X, X, _, X, X, _, X, _, _, _, _, _),
    ("ZJ", "510104", "inspector"): (_, _, _, _, _, _, _, _, _, _, _, _, _, _),
    ("ZJ", "510105", "clerk"): (_, _, _, _, X, _, _, _, _, _, _, _, _, _),
    ("ZJ", "510100", "clerk"): (X, X, _, X, X, _, _, _, X, _, _, _, _, _),
    ("ZJ", "510100", "reviewer"): (X, X, X, X, X, _, _, X, X, _, _, _, _, _),
    ("ZJ", "510000", "clerk"): (X, X, _, X, X, _, _, _, X, _, _, _, _, _),
    ("ZJ", "510000", "reviewer"): (X, X, X, X, X, _, _, _, X, X, X, X, X, X),
    ("ZJ", "510000", "inspector"): (_, _, _, _, _, _, _, _, _, _, _, _, _, _),
    ("RS", "510104", "clerk"): (_, _, _, _, _, _, _, _, _, _, _, _, _, _),
    ("RS", "510000", "reviewer"): (_, _, _, _, _, _, _, _, _, _, X, _, _, _),
    ("BU", "510000", "ministry"): (_, _, _, _, _, _, _, _, _, _, _, _, _, X),
}


def answers(user) -> tuple[bool, ...]:
    jinjiang, qingyang = agency_at("ZJ", "510104"), agency_at("ZJ", "510105")
    case = SimpleNamespace(agency=jinjiang, transfer_to=qingyang, transfer_to_id=qingyang.pk)
    report = SimpleNamespace(agency=jinjiang, agency_id=jinjiang.pk)
    rs = agency_at("RS", "510000")
    rs_report = SimpleNamespace(agency=rs, agency_id=rs.pk)
    draft, reported = SimpleNamespace(is_reported=False), SimpleNamespace(is_reported=True)
    p = permissions
    return (
        p.user_can_enter_case(user=user, agency=jinjiang),
        p.user_can_change_case(user=user, case=case),
        p.user_can_reopen_case(user=user, case=case),
        p.user_can_unmask_case(user=user, case=case),
        p.user_can_receive_transfer(user=user, case=case),
        p.user_can_prepare_report(user=user, report=report),
        p.user_can_sign_report(user=user, report=report),
        p.user_can_review_report(user=user, report=report),
        p.user_can_unmask_report(user=user, report=report),
        p.user_can_review_report(user=user, report=rs_report),
        p.user_can_unmask_report(user=user, report=rs_report),
        p.user_can_consolidate(user=user),
        p.user_can_unmask_consolidation(user=user, consolidation=draft),
        p.user_can_unmask_consolidation(user=user, consolidation=reported),
    )


@pytest.mark.parametrize("who", list(TABLE), ids=lambda w: "-".join(w))
def test_each_role_at_each_level_may_do_exactly_its_verbs(member, who):
    """The predicates answer as the table says, verb by verb."""
    user = member(*who)
    got = dict(zip(VERBS, answers(user), strict=True))
    expected = dict(zip(VERBS, TABLE[who], strict=True))
    assert got == expected


def test_anonymous_and_inactive_users_may_do_nothing(member, reference):
    """Nobody logged out, and nobody deactivated, passes any predicate."""
    from django.contrib.auth.models import AnonymousUser

    inactive = member("ZJ", "510000", "reviewer")
    inactive.is_active = False
    assert not any(answers(AnonymousUser()))
    assert not any(answers(inactive))


def test_a_superuser_acts_as_every_working_role(reference):
    """Administrators repair data anywhere: every predicate answers yes."""
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    assert all(answers(admin))


def test_report_reviewers_and_staff_are_the_users_the_predicates_name(member, reference):
    """Who is notified of a submission is who may review it, of a preparation who may sign it;
    staff are the agency's writers."""
    city_reviewer = member("ZJ", "510100", "reviewer")
    member("ZJ", "510100", "clerk")
    consolidator = member("ZJ", "510000", "reviewer")
    jinjiang, rs = agency_at("ZJ", "510104"), agency_at("RS", "510000")
    county_report = SimpleNamespace(agency=jinjiang, agency_id=jinjiang.pk)
    assert list(permissions.report_reviewers(county_report)) == [city_reviewer]
    province_report = SimpleNamespace(agency=rs, agency_id=rs.pk)
    assert list(permissions.report_reviewers(province_report)) == [consolidator]
    assert list(permissions.report_signers(province_report)) == []
    assert list(
        permissions.report_signers(SimpleNamespace(agency_id=agency_at("ZJ", "510000").pk))
    ) == [consolidator]
    writers = permissions.agency_staff([agency_at("ZJ", "510100").pk], permissions.WRITE_ROLES)
    assert writers.count() == 2
