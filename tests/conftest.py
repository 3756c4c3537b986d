"""Shared fixtures: reference data loaded once into the test database, users with memberships."""

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from agencies.services import reference_data_load
from cases.reference import certificate_types_load
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load regions, departments and agencies once for the whole session."""
    with django_db_blocker.unblock():
        reference_data_load()
        certificate_types_load()


@pytest.fixture
def reference(db):
    """Ensure reference data exists (transactional tests flush it away; loading is idempotent)."""
    if not Agency.objects.exists():
        reference_data_load()
    certificate_types_load()  # idempotent; two queries when the types are present


def agency_at(department: str, region: str) -> Agency:
    return Agency.objects.select_related("department", "region").get(
        department__code=department, region__code=region
    )


@pytest.fixture
def agency(reference):
    """Return a function looking up an agency by department code and region code."""
    return agency_at


@pytest.fixture
def member(reference):
    """Return a function creating a user with one membership: member("ZJ", "510104", "clerk")."""

    def make(department: str, region: str, role: str = "clerk", **user_fields):
        user = UserFactory(**user_fields)
        Membership.objects.create(user=user, agency=agency_at(department, region), role=role)
        return user

    return make


@pytest.fixture
def api():
    """Return a function giving an API client authenticated as ``user`` (or anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
