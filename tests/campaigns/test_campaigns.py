"""The campaign as data: reference 2019 campaign, phases with extensions, the admin (issue 10)."""

import datetime

import pytest

from audit.actions import Action
from audit.models import AuditEvent
from campaigns import selectors
from campaigns.models import Campaign, Phase
from campaigns.reference import campaigns_load
from cases import services
from core.errors import DomainError
from tests.cases.payloads import case_payload
from tests.cases.test_services import JINJIANG
from tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def superuser(reference):
    return UserFactory(is_superuser=True, is_staff=True)


def test_the_2019_campaign_is_reference_data_with_its_phases_and_extensions(reference):
    campaign = Campaign.objects.get(code="sc-2019")
    assert campaign.first_reported_month == D(2019, 2, 1)
    assert campaign.basis == "建办市〔2018〕57号"
    phases = {p.kind: p for p in selectors.campaigns_all()[-1].phases.all()}
    inspection = phases[Phase.Kind.SELF_INSPECTION]
    assert (inspection.starts_on, inspection.ends_on) == (D(2019, 1, 1), D(2019, 1, 31))
    assert inspection.effective_end == D(2019, 3, 31)  # the national supplementary notice
    assert inspection.summary_due_city == D(2019, 2, 12)
    assert inspection.summary_due_province == D(2019, 2, 15)
    assert phases[Phase.Kind.INVESTIGATION].effective_end == D(2019, 8, 31)
    assert phases[Phase.Kind.SUPERVISION].effective_end == D(2019, 9, 30)
    assert campaigns_load() == 0  # loading twice creates nothing


def test_reporting_months_run_from_the_first_month_to_this_month(reference):
    campaign = Campaign.objects.get(code="sc-2019")
    months = selectors.reporting_months(campaign, today=D(2019, 5, 20))
    assert months == [D(2019, 5, 1), D(2019, 4, 1), D(2019, 3, 1), D(2019, 2, 1)]
    campaign.last_reported_month = D(2019, 3, 1)
    assert selectors.reporting_months(campaign, today=D(2019, 5, 20))[0] == D(2019, 3, 1)


def test_a_case_outside_every_campaign_is_refused_with_a_chinese_message(agency, member):
    clerk = member("ZJ", JINJIANG, "clerk")
    with pytest.raises(DomainError) as refused:
        services.case_create(
            actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload(opened_on=D(2018, 12, 30))
        )
    assert "2019年1月1日" in refused.value.fields["opened_on"][0]


def _round_2024(**overrides) -> dict:
    fields = {
        "code": "cn-2024",
        "name": "工程建设领域专业技术人员职业资格“挂证”等违法违规行为专项治理",
        "short_name": "2024年专项治理",
        "document_number": "建办市函〔2024〕283号",
        "basis": "",
        "starts_on": "2024-08-01",
        "ends_on": "2025-02-28",
        "first_reported_month": "2024-08-01",
        "last_reported_month": "2025-02-01",
        "compares_housing_fund": "on",
        "notes": "",
        "phases-TOTAL_FORMS": "1",
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
        "phases-0-kind": "investigation",
        "phases-0-starts_on": "2024-08-01",
        "phases-0-ends_on": "2025-02-28",
    }
    return {**fields, **overrides}


def test_an_admin_adds_the_2024_round_without_code_and_cases_join_it(client, superuser, member):
    client.force_login(superuser)
    response = client.post("/admin/campaigns/campaign/add/", _round_2024())
    assert response.status_code == 302, response.content.decode()[:2000]
    round_2024 = Campaign.objects.get(code="cn-2024")
    assert round_2024.phases.get().kind == Phase.Kind.INVESTIGATION
    actions = set(AuditEvent.objects.filter(actor=superuser).values_list("action", flat=True))
    assert {Action.CAMPAIGN_SAVED, Action.CAMPAIGN_PHASES_SAVED} <= actions
    assert selectors.campaign_current(D(2024, 10, 1)) == round_2024
    assert selectors.campaign_current(D(2026, 11, 1)).code == "sc-2019"  # open-ended
    clerk = member("ZJ", JINJIANG, "clerk")
    from agencies.models import Agency

    where = Agency.objects.get(department__code="ZJ", region__code=JINJIANG)
    during = services.case_create(
        actor=clerk, agency=where, **case_payload(opened_on=D(2024, 9, 2))
    )
    assert during.campaign == round_2024
    named = services.case_create(
        actor=clerk, agency=where, campaign="sc-2019", **case_payload(opened_on=D(2024, 9, 3))
    )
    assert named.campaign.code == "sc-2019"


def test_the_admin_refuses_dates_that_would_strand_a_case(client, superuser, member, agency):
    clerk = member("ZJ", JINJIANG, "clerk")
    services.case_create(
        actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload(opened_on=D(2019, 3, 1))
    )
    campaign = Campaign.objects.get(code="sc-2019")
    client.force_login(superuser)
    data = {
        "code": "sc-2019",
        "name": campaign.name,
        "short_name": campaign.short_name,
        "document_number": "",
        "basis": campaign.basis,
        "starts_on": "2019-06-01",
        "ends_on": "",
        "first_reported_month": "2019-02-01",
        "last_reported_month": "",
        "notes": "",
        "phases-TOTAL_FORMS": "0",
        "phases-INITIAL_FORMS": "0",
        "phases-MIN_NUM_FORMS": "0",
        "phases-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/campaigns/campaign/{campaign.pk}/change/", data)
    assert response.status_code == 200
    assert "案件（2019年3月1日）" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.starts_on == D(2019, 1, 1)
