"""The one visibility rule over a matrix of users × objects at every level of two departments."""

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import Agency
from audit.models import AuditEvent
from audit.services import audit_record

pytestmark = pytest.mark.django_db

LEVELS = {"province": "510000", "city": "510100", "county": "510104"}
OTHER_COUNTY = "510105"  # 青羊区: a sibling of the county above
OTHER_CITY_COUNTY = "510703"  # 涪城区 under 绵阳市: another branch of the tree


def objects_at(agency_fn):
    """One audit event per (department, region) so that each object has a known owning agency."""
    events = {}
    for dept in ("ZJ", "RS"):
        for region in (*LEVELS.values(), OTHER_COUNTY, OTHER_CITY_COUNTY):
            target = agency_fn(dept, region)
            events[(dept, region)] = audit_record(
                actor=None, action="test.object", target=target, agency=target
            )
    return events


def expected_regions(level: str) -> set[str]:
    if level == "province":
        return {*LEVELS.values(), OTHER_COUNTY, OTHER_CITY_COUNTY}
    if level == "city":
        return {"510100", "510104", OTHER_COUNTY}
    return {"510104"}


@pytest.mark.parametrize("department", ["ZJ", "RS"])
@pytest.mark.parametrize("level", ["province", "city", "county"])
@pytest.mark.parametrize("role", ["clerk", "reviewer", "inspector"])
def test_each_user_sees_exactly_its_subtree(agency, member, department, level, role):
    """A membership covers its agency and every agency below it, in its own department only."""
    events = objects_at(agency)
    user = member(department, LEVELS[level], role)
    visible = set(
        AuditEvent.objects.restrict(user).filter(action="test.object").values_list("pk", flat=True)
    )
    expected = {events[(department, region)].pk for region in expected_regions(level)}
    assert visible == expected

    agencies = set(Agency.objects.restrict(user).values_list("department__code", "region__code"))
    assert (department, LEVELS[level]) in agencies
    assert all(dept == department for dept, _ in agencies)
    assert ("ZJ" if department == "RS" else "RS", LEVELS[level]) not in agencies


def test_county_clerk_does_not_see_a_sibling_county(agency, member):
    user = member("ZJ", "510104", "clerk")
    assert not Agency.objects.restrict(user).filter(region__code=OTHER_COUNTY).exists()


def test_inspectors_read_but_do_not_change(agency, member):
    user = member("ZJ", "510000", "inspector")
    assert Agency.objects.restrict(user, "view").exists()
    assert not Agency.objects.restrict(user, "change").exists()


def test_ministry_users_see_no_ordinary_objects(agency, member):
    """The ministry sees only what is reported upward to it (decided by each model)."""
    objects_at(agency)
    user = member("BU", "510000", "ministry")
    assert not AuditEvent.objects.restrict(user).exists()
    assert not Agency.objects.restrict(user).exists()


def test_anonymous_and_inactive_users_see_nothing(agency, member):
    objects_at(agency)
    assert not AuditEvent.objects.restrict(AnonymousUser()).exists()
    user = member("ZJ", "510000", "reviewer", is_active=False)
    assert not AuditEvent.objects.restrict(user).exists()


def test_superusers_see_everything(agency, django_user_model):
    events = objects_at(agency)
    admin = django_user_model.objects.create_superuser("root", "", "x")
    assert AuditEvent.objects.restrict(admin).filter(action="test.object").count() == len(events)


def test_a_deactivated_agency_grants_nothing(agency, member):
    user = member("ZJ", "510104", "clerk")
    Agency.objects.filter(department__code="ZJ", region__code="510104").update(is_active=False)
    assert not Agency.objects.restrict(user).exists()
