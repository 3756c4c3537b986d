"""附件1 is signed by the reporting agency's own people: its clerk prepares, its reviewer signs.

填表人 and 负责人 with their phones are frozen in the revision when it is signed off; the parent's
reviewer approves and is recorded apart, never printed as 负责人 (issue 9).
"""

import datetime
import io

import pytest
from openpyxl import load_workbook

from agencies.models import Profile
from audit.models import AuditEvent
from core.errors import ConflictError, DomainError, PermissionDeniedError
from home.selectors import dashboard_for
from notifications.models import Notification
from reports import selectors, services
from reports.models import Report, ReportRevision
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def county(agency):
    decided_case(agency("ZJ", "510104"), parties=2)
    return agency("ZJ", "510104")


@pytest.fixture
def people(member):
    """The county's clerk and reviewer and the city's reviewer, each with name and phone."""
    return {
        "clerk": member(
            "ZJ", "510104", "clerk", first_name="王丽", profile__office_phone="028-86651234"
        ),
        "signer": member(
            "ZJ", "510104", "reviewer", first_name="陈建国", profile__office_phone="13800000000"
        ),
        "city": member(
            "ZJ", "510100", "reviewer", first_name="黄伟", profile__office_phone="028-61881202"
        ),
    }


def report_for(agency, month=MARCH):
    return services.report_get_or_create(agency=agency, month=month)


def workbook_footer(client, user, report) -> list[str]:
    client.force_login(user)
    response = client.get(f"/reports/{report.pk}/annex1.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return [cell.value for cell in ws[ws.max_row] if cell.value]


def test_a_county_reports_footer_names_the_countys_own_preparer_and_signer_with_phones(
    client, county, people
):
    """Read back from the workbook: 填表人 the county's clerk, 负责人 its reviewer, with phones."""
    report = services.report_prepare(report=report_for(county), prepared_by=people["clerk"])
    report = services.report_sign(report=report, signed_by=people["signer"])
    services.report_approve(report=report, approved_by=people["city"])
    footer = workbook_footer(client, people["city"], report)
    assert footer[0] == "填表人：王丽  联系电话：028-86651234"
    assert footer[1] == "负责人：陈建国  联系电话：13800000000"
    assert footer[2].startswith("申报时间：")
    assert footer[2] != "申报时间：　　年　　月　　日"


def test_a_clerk_prepared_report_is_not_submitted_to_the_city_until_the_county_reviewer_signs(
    client, county, people
):
    """Prepared, the report is 待签发 for the city: no notice, nothing to approve, not counted;
    the county's reviewer is told and signs, and only then the city sees it submitted."""
    report = services.report_prepare(report=report_for(county), prepared_by=people["clerk"])
    assert report.status == Report.Status.PREPARED
    city = people["city"]
    (child,) = [
        c
        for c in selectors.children_status(user=city, agency=county.parent, month=MARCH)
        if c.agency == county
    ]
    assert child.status_label == "待签发"
    assert dashboard_for(user=city).pending_review == []
    assert not Notification.objects.filter(user=city).exists()
    with pytest.raises(ConflictError, match="待签发"):
        services.report_approve(report=report, approved_by=city)
    with pytest.raises(PermissionDeniedError):  # the city never signs a county's form
        services.report_sign(report=report, signed_by=city)
    client.force_login(city)
    assert 'id="approve-report"' not in client.get(f"/reports/{report.pk}/").content.decode()

    assert Notification.objects.filter(
        user=people["signer"], key__startswith="report-prepared:"
    ).exists()
    assert not Notification.objects.filter(user=people["clerk"]).exists()  # not told of own work
    services.report_sign(report=report, signed_by=people["signer"])
    assert dashboard_for(user=city).pending_review == [{"month": MARCH, "n": 1}]
    assert Notification.objects.filter(user=city, key__startswith="report-submitted:").exists()
    assert services.report_approve(report=report, approved_by=city).status == "approved"


def test_the_parents_reviewer_never_appears_as_the_signer(client, api, county, people):
    """After the city approves, the form's 负责人 is still the county's reviewer; the city's
    reviewer is recorded as reviewer only and appears nowhere in the workbook or the API."""
    report = services.report_submit(report=report_for(county), submitted_by=people["signer"])
    services.report_approve(report=report, approved_by=people["city"])
    revision = ReportRevision.objects.get(pk=report.current_revision_id)
    assert (revision.signer_name, revision.signed_by) == ("陈建国", people["signer"])
    assert revision.reviewed_by == people["city"]
    client.force_login(people["city"])
    data = client.get(f"/reports/{report.pk}/annex1.xlsx").content
    cells = [c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    assert not any("黄伟" in str(value) for value in cells if value)
    assert any(str(value).startswith("负责人：陈建国") for value in cells if value)
    detail = api(people["city"]).get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["current_revision"]["signer_name"] == "陈建国"
    assert "黄伟" not in str(detail)


def test_a_reviewer_who_prepares_signs_and_submits_in_one_step(county, people):
    """The county's reviewer is 填表人 and 负责人 at once; the report goes straight up."""
    report = services.report_submit(report=report_for(county), submitted_by=people["signer"])
    assert report.status == Report.Status.SUBMITTED
    revision = report.current_revision
    assert (revision.preparer_name, revision.signer_name) == ("陈建国", "陈建国")
    assert revision.submitted_at is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(report.pk), action__startswith="report.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["report.created", "report.prepared", "report.submitted"]
    assert not Notification.objects.filter(key__startswith="report-prepared:").exists()


def test_a_user_without_a_real_name_is_refused_and_sent_to_their_profile(client, county, member):
    """Neither a clerk nor a reviewer without a real name may prepare or sign; the message says
    where to set it, and the report page links to the profile page."""
    clerk = member("ZJ", "510104", "clerk", profile=False)
    reviewer = member("ZJ", "510104", "reviewer", profile=False)
    report = report_for(county)
    for call in (
        lambda: services.report_prepare(report=report, prepared_by=clerk),
        lambda: services.report_submit(report=report, submitted_by=reviewer),
    ):
        with pytest.raises(DomainError, match="个人信息") as refused:
            call()
        assert "real_name" in refused.value.fields
    client.force_login(clerk)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'href="/accounts/profile/"' in page
    response = client.post(f"/reports/{report.pk}/submit/", follow=True)
    assert "个人信息" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.revisions.count()) == (Report.Status.DRAFT, 0)

    named = member("ZJ", "510104", "clerk", first_name="王丽")
    services.report_prepare(report=report, prepared_by=named)
    with pytest.raises(DomainError, match="个人信息"):
        services.report_sign(report=report, signed_by=reviewer)
    Profile.objects.create(user=reviewer, real_name="陈建国", office_phone="028-86651235")
    assert services.report_sign(report=report, signed_by=reviewer).status == "submitted"


def test_the_names_on_a_revision_are_frozen_when_signed(county, people):
    """A later change of profile leaves the signed revision as it was."""
    report = services.report_submit(report=report_for(county), submitted_by=people["signer"])
    Profile.objects.filter(user=people["signer"]).update(real_name="陈国建", office_phone="")
    revision = ReportRevision.objects.get(pk=report.current_revision_id)
    assert (revision.signer_name, revision.signer_phone) == ("陈建国", "13800000000")


def test_a_prepared_report_is_withdrawn_with_a_reason_and_prepared_again(county, people):
    """The reviewer declines to sign: the clerk is told why, fixes it and prepares revision 2."""
    report = services.report_prepare(report=report_for(county), prepared_by=people["clerk"])
    with pytest.raises(DomainError) as refused:
        services.report_withdraw(report=report, withdrawn_by=people["signer"], reason=" ")
    assert "reason" in refused.value.fields
    with pytest.raises(PermissionDeniedError):
        services.report_withdraw(report=report, withdrawn_by=people["city"], reason="越级")
    report = services.report_withdraw(
        report=report, withdrawn_by=people["signer"], reason="第2行文号有误"
    )
    assert (report.status, report.current_revision) == (Report.Status.DRAFT, None)
    first = report.revisions.get(number=1)
    assert (first.outcome, first.return_reason) == ("withdrawn", "第2行文号有误")
    notice = Notification.objects.get(user=people["clerk"], key__startswith="report-withdrawn:")
    assert "第2行文号有误" in notice.body
    with pytest.raises(ConflictError):
        services.report_sign(report=report, signed_by=people["signer"])
    report = services.report_prepare(report=report, prepared_by=people["clerk"])
    assert report.current_revision.number == 2


def test_a_returned_report_withdrawn_again_stays_returned(county, people):
    """Withdrawing a re-preparation puts the report back to 已退回 with the city's revision."""
    report = services.report_submit(report=report_for(county), submitted_by=people["signer"])
    services.report_return(report=report, returned_by=people["city"], reason="缺少文号")
    report = services.report_prepare(report=report, prepared_by=people["clerk"])
    report = services.report_withdraw(report=report, withdrawn_by=people["clerk"], reason="再核")
    assert report.status == Report.Status.RETURNED
    assert report.current_revision.number == 1
    assert report.return_reason == "缺少文号"
