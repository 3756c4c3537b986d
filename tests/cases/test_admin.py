"""The admin lists the case register (read-only) and lets admins extend certificate types."""

import pytest
from django.urls import reverse

from cases import services
from tests.cases.payloads import case_payload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "case",
    "caseparty",
    "caselink",
    "casesequence",
    "certificate",
    "certificatetype",
    "decision",
    "evidence",
    "person",
    "unit",
]


def test_admin_pages_open_and_cases_are_read_only(client, agency, member):
    clerk = member("ZJ", "510104", "clerk")
    case = services.case_create(actor=clerk, agency=agency("ZJ", "510104"), **case_payload())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in MODELS:
        if model == "caseparty":
            continue  # shown inline on the case
        response = client.get(reverse(f"admin:cases_{model}_changelist"))
        assert response.status_code == 200, model
    page = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert case.parties.get().person.id_number not in page.content.decode()
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.get(reverse("admin:cases_certificatetype_add")).status_code == 200
