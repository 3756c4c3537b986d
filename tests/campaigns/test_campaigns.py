"""The campaign as data: reference 2019 campaign, phases with extensions, the admin (issue 10)."""

import datetime

import pytest
from django.test import RequestFactory

from audit.actions import Action
from audit.models import AuditEvent
from campaigns import selectors
from campaigns.models import Campaign, Phase
from campaigns.reference import campaigns_load
from cases import services
from core.errors import DomainError
from tests.cases.payloads import case_payload, person_payload, unit_payload
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


# --------------------------------------------------------------------------- reports in campaigns


def test_a_report_for_a_month_outside_the_campaign_is_refused(agency, member, client, api):
    """January 2019 is the self-inspection month: no 附件1, with a message saying why."""
    from reports import services as report_services

    county = agency("ZJ", JINJIANG)
    with pytest.raises(DomainError) as refused:
        report_services.report_get_or_create(agency=county, month=D(2019, 1, 1))
    assert refused.value.fields["month"] == ["2019年1月不在任何专项整治的报送月份内。"]
    with pytest.raises(DomainError) as refused:
        report_services.report_get_or_create(
            agency=county, month=D(2019, 1, 1), campaign=Campaign.objects.get(code="sc-2019")
        )
    assert "2019年1月不是“2019年“挂证”专项整治”的报送月份（2019年2月—至今）" in (
        refused.value.message
    )
    clerk = member("ZJ", JINJIANG, "clerk")
    response = api(clerk).post(
        "/api/v1/reports/", {"agency": county.pk, "month": "2019-01"}, format="json"
    )
    assert response.status_code == 400
    assert "报送月份" in str(response.json())
    client.force_login(clerk)
    page = client.post(
        "/reports/open/", {"agency": county.pk, "month": "2019-01", "campaign": "sc-2019"}
    )
    assert page.status_code in (302, 409, 200)
    from reports.models import Report

    assert not Report.objects.exists()


def test_the_month_control_offers_only_the_campaigns_months_with_their_status(client, member):
    clerk = member("ZJ", JINJIANG, "clerk")
    client.force_login(clerk)
    page = client.get("/reports/", {"campaign": "sc-2019", "month": "2018-12"})
    nav = page.context["nav"]
    months = [choice.month for choice in nav.choices]
    assert months[-1] == D(2019, 2, 1)  # nothing before the first reported month
    assert months[0] <= D.today().replace(day=1)  # nothing after this month
    assert nav.month != D(2018, 12, 1)  # a month outside falls back to the default
    assert all(choice.status == "未报" for choice in nav.choices)
    assert "2019年2月 · 未报" in page.content.decode()


def test_a_second_campaign_has_its_own_months_and_reports(client, superuser, member, agency):
    """The 2024 round, added in the admin, reports its own cases in its own months; the 2019
    campaign's report of the same month carries only its own."""
    from reports import services as report_services
    from reports.models import Report
    from reports.navigation import month_nav

    client.force_login(superuser)
    assert client.post("/admin/campaigns/campaign/add/", _round_2024()).status_code == 302
    round_2024 = Campaign.objects.get(code="cn-2024")
    county = agency("ZJ", JINJIANG)
    clerk, filer = member("ZJ", JINJIANG, "clerk"), member("ZJ", JINJIANG, "reviewer")
    for seq, campaign in ((1, None), (2, "sc-2019")):
        case = services.case_create(
            actor=clerk,
            agency=county,
            campaign=campaign,
            **case_payload(
                opened_on=D(2024, 9, 2),
                persons=[person_payload(seq)],
                certificate_user_unit=unit_payload(seq),
            ),
        )
        services.case_decide(
            actor=clerk,
            case=case,
            decided_on=D(2024, 9, 20),
            outcome="established",
            measures=["revoke_registration", "blacklist"],
        )
    september = D(2024, 9, 1)
    mine = report_services.report_get_or_create(agency=county, month=september, campaign=round_2024)
    theirs = report_services.report_get_or_create(agency=county, month=september)
    assert (mine.campaign, theirs.campaign.code) == (round_2024, "sc-2019")
    for report in (mine, theirs):
        report_services.report_submit(report=report, submitted_by=filer)
    names = {
        r.campaign.code: list(r.current_revision.rows.values_list("name", flat=True))
        for r in Report.objects.select_related("campaign", "current_revision")
    }
    assert names == {"cn-2024": ["李1"], "sc-2019": ["李2"]}
    with pytest.raises(DomainError):  # the round reports 2024-08 … 2025-02 only
        report_services.report_get_or_create(
            agency=county, month=D(2025, 3, 1), campaign=round_2024
        )
    request = RequestFactory().get("/reports/", {"campaign": "cn-2024"})
    request.user = clerk
    nav = month_nav(request)
    assert [c.month for c in nav.choices] == [D(2025, m, 1) for m in (2, 1)] + [
        D(2024, m, 1) for m in (12, 11, 10, 9, 8)
    ]
    assert {c.month: c.status for c in nav.choices}[september] == "已报送"
