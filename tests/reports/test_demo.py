"""The demo reports: February and March 2019 reported to the ministry, April in progress."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from agencies import permissions
from audit.models import AuditEvent
from notifications.models import Notification
from reports import selectors, services
from reports.demo import demo_reports_create
from reports.models import Consolidation, Report, ReportRevision, ReportRow

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = (datetime.date(2019, m, 1) for m in (1, 2, 3, 4))


def seed():
    call_command("seed_demo", stdout=StringIO())


def user(username):
    return get_user_model().objects.get(username=username)


def report(department, region, month):
    return Report.objects.select_related("agency", "current_revision").get(
        agency__department__code=department, agency__region__code=region, month=month
    )


def test_february_and_march_reach_the_ministry_and_january_has_no_annex1(reference, client):
    """Both months are approved up to 住建厅, consolidated and reported; the ministry downloads.
    January, before the campaign's first reported month, has no 附件1 at all."""
    seed()
    assert not Report.objects.filter(kind=Report.Kind.ANNEX1, month__lt=FEB).exists()
    for month in (FEB, MAR):
        statuses = {
            d.agency.department.code: d.status_label
            for d in selectors.province_status(user=user("province_reviewer"), month=month)
        }
        assert statuses == dict.fromkeys(("ZJ", "RS", "JT", "SL", "TX"), "已通过")
    ministry = user("ministry")
    visible = selectors.consolidation_list(user=ministry)
    assert [c.month for c in visible] == [MAR, FEB]
    assert {c.status for c in visible} == {Consolidation.Status.REPORTED}
    client.force_login(ministry)
    for consolidation in visible:
        response = client.get(reverse("reports:consolidation_xlsx", args=[consolidation.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_february_rows_roll_up_the_chengdu_chain(reference):
    """锦江区 and 青羊区 roll up through 成都市 into 住建厅's report; quiet offices file zero."""
    seed()
    province = report("ZJ", "510000", FEB)
    origins = set(
        ReportRow.objects.filter(revision=province.current_revision).values_list(
            "origin_name", flat=True
        )
    )
    assert origins == {
        "成都市锦江区住房和城乡建设局",
        "成都市青羊区住房和城乡建设局",
        "成都市住房和城乡建设局",
    }
    # Signed by 住建厅's own 负责人, approved by another 住建厅 reviewer (never on the form).
    revision = province.current_revision
    assert (revision.preparer_name, revision.signer_name) == ("马骏", "孙丽华")
    assert revision.signer_phone.startswith("028-")
    assert revision.reviewed_by == user("province_reviewer")
    for department in ("JT", "SL", "TX"):
        zero = report(department, "510000", FEB)
        assert zero.status == Report.Status.APPROVED
        assert zero.current_revision.row_count == 0


def test_april_waits_for_chengdu_and_for_qingyang_to_resubmit(reference):
    """锦江区's April report awaits the city reviewer; 青羊区's was returned with a reason;
    锦江区人社局's, prepared by its clerk, awaits its reviewer's sign-off."""
    seed()
    jinjiang, qingyang = report("ZJ", "510104", APR), report("ZJ", "510105", APR)
    assert jinjiang.status == Report.Status.SUBMITTED
    assert permissions.user_can_review_report(user=user("city_reviewer"), report=jinjiang)
    assert qingyang.status == Report.Status.RETURNED
    assert "实际工作单位" in qingyang.return_reason
    assert permissions.user_can_prepare_report(user=user("county2_clerk"), report=qingyang)
    rs_jinjiang = report("RS", "510104", APR)
    assert rs_jinjiang.status == Report.Status.PREPARED
    assert permissions.user_can_sign_report(user=user("rs_county_reviewer"), report=rs_jinjiang)
    assert Notification.objects.filter(
        user=user("rs_county_reviewer"), key__startswith="report-prepared:"
    ).exists()
    assert set(Report.objects.filter(month=APR).values_list("agency__region__code", flat=True)) == {
        "510104",
        "510105",
    }
    assert not Consolidation.objects.filter(month=APR).exists()


def test_running_seed_demo_again_creates_nothing(reference):
    """A second run adds no report, revision, consolidation, audit event or notification."""
    seed()
    # Someone approves 锦江区's April report by hand; a later run must not undo or repeat it.
    services.report_approve(report=report("ZJ", "510104", APR), approved_by=user("city_reviewer"))
    models = (Report, ReportRevision, ReportRow, Consolidation, AuditEvent, Notification)
    before = {model: model.objects.count() for model in models}
    seed()
    assert demo_reports_create() == 0
    assert {model: model.objects.count() for model in models} == before
    assert report("ZJ", "510104", APR).status == Report.Status.APPROVED
    assert report("ZJ", "510105", APR).status == Report.Status.RETURNED


def test_demo_filing_times_are_plausible_days_of_each_months_filing_window(reference):
    """申报时间 and the other steps fall on working days after the month ended and before each
    stage's deadline, in the chain's order; never today."""
    from django.utils import timezone

    from reports import deadlines

    seed()
    local = timezone.localtime
    revisions = (
        ReportRevision.objects.select_related("report__agency")
        .filter(report__kind=Report.Kind.ANNEX1)
        .exclude(submitted_at__isnull=True)
    )
    assert revisions.count() == 2 * 11 + 2  # February and March, and two of April
    for revision in revisions:
        filed = revision.report
        due = deadlines.due_date(filed.agency.level, filed.month)
        submitted = local(revision.submitted_at).date()
        assert deadlines.filing_opens(filed.month) <= submitted <= due, revision
        assert deadlines.is_working_day(submitted)
        assert revision.prepared_at <= revision.submitted_at
        if revision.reviewed_at:
            assert revision.reviewed_at > revision.submitted_at
    for consolidation in Consolidation.objects.all():
        due = deadlines.due_date("consolidation", consolidation.month)
        assert consolidation.created_at < consolidation.reported_at
        assert local(consolidation.reported_at).date() <= due
    today = timezone.localdate()
    assert not revisions.filter(submitted_at__date=today).exists()
    prepared = report("RS", "510104", APR)  # awaiting sign-off: prepared in May 2019
    assert local(prepared.current_revision.prepared_at).date() < today
    assert prepared.current_revision.submitted_at is None


def test_the_self_inspection_summaries_are_in_progress(reference):
    """成都市's summary is approved, 绵阳市's awaits the department, 成都市人社局's was returned,
    住建厅's department summary awaits its 负责人; all filed in February 2019."""
    seed()
    summaries = {
        (r.agency.department.code, r.agency.region.code): r
        for r in Report.objects.filter(kind=Report.Kind.SUMMARY).select_related(
            "agency__department", "agency__region", "current_revision"
        )
    }
    statuses = {key: report.status for key, report in summaries.items()}
    assert statuses == {
        ("ZJ", "510100"): Report.Status.APPROVED,
        ("ZJ", "510700"): Report.Status.SUBMITTED,
        ("RS", "510100"): Report.Status.RETURNED,
        ("ZJ", "510000"): Report.Status.PREPARED,
    }
    chengdu = summaries["ZJ", "510100"].current_revision
    assert chengdu.summary.work_done.startswith("按照省级方案部署")
    assert chengdu.submitted_at.date() <= datetime.date(2019, 2, 12)
