"""The admin: superusers only, memberships audited, no search by a field it hides (issue 8)."""

import pytest

from agencies.models import Membership
from audit.models import AuditEvent
from tests.conftest import agency_at
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(reference):
    return UserFactory(is_superuser=True, is_staff=True)


def test_staff_who_are_not_superusers_cannot_open_the_admin(client, member):
    """A clerk given the staff flag still reads only through the visibility rule, not the admin."""
    clerk = member("ZJ", "510104", "clerk", is_staff=True)
    client.force_login(clerk)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get("/admin/cases/case/").status_code == 302


def test_a_membership_granted_in_the_admin_is_audited(client, superuser, reference):
    """Adding a role in the admin goes through the service and records who granted it."""
    user = UserFactory()
    agency = agency_at("ZJ", "510104")
    client.force_login(superuser)
    response = client.post(
        "/admin/agencies/membership/add/",
        {"user": user.pk, "agency": agency.pk, "role": "clerk"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=user)
    event = AuditEvent.objects.get(action="membership.added")
    assert (event.actor, event.target_id) == (superuser, str(membership.pk))


def test_a_membership_removed_in_the_admin_is_audited(client, superuser, member):
    """Deleting a role in the admin records who took it away."""
    clerk = member("ZJ", "510104", "clerk")
    membership = clerk.memberships.get()
    client.force_login(superuser)
    response = client.post(f"/admin/agencies/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.actor == superuser
    assert event.data == {"username": clerk.username, "role": "clerk"}


def test_the_admin_does_not_find_a_person_by_the_number_it_masks(client, superuser):
    """The person list shows numbers masked, so searching by a full number finds nothing."""
    person = PersonFactory(name="赵某")
    client.force_login(superuser)
    page = client.get("/admin/cases/person/", {"q": person.id_number}).content.decode()
    assert "赵某" not in page
    assert "赵某" in client.get("/admin/cases/person/", {"q": "赵"}).content.decode()
