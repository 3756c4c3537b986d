"""The approval chain: county → city → provincial department → 住建厅 → ministry."""

import datetime
import threading

import pytest
from django.db import connection

from core.errors import ConflictError, DomainError
from notifications.models import Notification
from reports import annex1, selectors, services
from reports.models import Consolidation, Report
from tests.factories import campaign_2019
from tests.reports.conftest import decided_case

MARCH = datetime.date(2019, 3, 1)
APRIL = datetime.date(2019, 4, 1)
OTHER_DEPARTMENTS = ("RS", "JT", "SL", "TX")


def report_for(agency, month=MARCH):
    return services.report_get_or_create(agency=agency, month=month)


def file_report(report, member, department, region):
    """Prepare and sign ``report`` in one step as a reviewer of its agency."""
    return services.report_submit(
        report=report, submitted_by=member(department, region, "reviewer")
    )


def approve_other_departments(member, agency, consolidator, month=MARCH):
    """File zero reports for RS, JT, SL, TX at province level and approve them as 住建厅."""
    for code in OTHER_DEPARTMENTS:
        report = file_report(report_for(agency(code, "510000"), month), member, code, "510000")
        services.report_approve(report=report, approved_by=consolidator)


@pytest.mark.django_db
def test_full_chain_with_a_return_and_resubmission(agency, member):
    """Rows climb county → city → 住建厅 → consolidation; the ministry sees it once reported."""
    county, city, province = agency("ZJ", "510104"), agency("ZJ", "510100"), agency("ZJ", "510000")
    decided_case(county, parties=2)
    decided_case(city)
    county_clerk = member("ZJ", "510104", "clerk", first_name="县录入员")
    county_reviewer = member("ZJ", "510104", "reviewer", first_name="县负责人")
    city_reviewer = member("ZJ", "510100", "reviewer", first_name="市审核员")
    city_clerk = member("ZJ", "510100", "clerk", first_name="市录入员")
    consolidator = member("ZJ", "510000", "reviewer", first_name="厅审核员")
    province_signer = member("ZJ", "510000", "reviewer", first_name="厅负责人")
    province_clerk = member("ZJ", "510000", "clerk", first_name="厅录入员")
    ministry = member("BU", "510000", "ministry")

    county_report = services.report_prepare(report=report_for(county), prepared_by=county_clerk)
    assert county_report.status == Report.Status.PREPARED
    county_report = services.report_sign(report=county_report, signed_by=county_reviewer)
    assert county_report.status == Report.Status.SUBMITTED
    assert county_report.current_revision.preparer_name == "县录入员"
    assert county_report.current_revision.signer_name == "县负责人"
    assert county_report.current_revision.row_count == 2

    with pytest.raises(DomainError):  # only the parent agency's reviewer decides
        services.report_approve(report=county_report, approved_by=county_clerk)
    services.report_return(report=county_report, returned_by=city_reviewer, reason="身份证号有误")
    county_report.refresh_from_db()
    assert county_report.status == Report.Status.RETURNED
    assert Notification.objects.filter(user=county_clerk, title__contains="被退回").exists()

    county_report = services.report_prepare(report=county_report, prepared_by=county_clerk)
    county_report = services.report_sign(report=county_report, signed_by=county_reviewer)
    assert county_report.revisions.count() == 2
    services.report_approve(report=county_report, approved_by=city_reviewer)
    county_report.refresh_from_db()
    assert county_report.current_revision.signer_name == "县负责人"  # never the city's reviewer
    assert county_report.current_revision.reviewed_by == city_reviewer
    assert county_report.revisions.get(number=1).return_reason == "身份证号有误"

    city_report = services.report_prepare(report=report_for(city), prepared_by=city_clerk)
    city_report = services.report_sign(report=city_report, signed_by=city_reviewer)
    rows = annex1.revision_rows(city_report.current_revision)
    assert len(rows) == 3
    assert [r.origin_agency_id for r in rows] == [city.pk, county.pk, county.pk]
    shown = annex1.display_rows(rows, report_agency_id=city.pk)
    assert shown[1]["remarks"] == county.name
    services.report_approve(report=city_report, approved_by=consolidator)

    province_report = services.report_prepare(
        report=report_for(province), prepared_by=province_clerk
    )
    province_report = services.report_sign(report=province_report, signed_by=province_signer)
    assert province_report.current_revision.row_count == 3
    services.report_approve(report=province_report, approved_by=consolidator)

    with pytest.raises(DomainError, match="人力资源社会保障厅"):
        services.consolidation_create(month=MARCH, created_by=consolidator)
    approve_other_departments(member, agency, consolidator)
    consolidation = services.consolidation_create(month="2019-03", created_by=consolidator)
    assert consolidation.revisions.count() == 5

    assert not selectors.consolidation_list(user=ministry).exists()
    assert not Report.objects.restrict(ministry).exists()
    services.consolidation_report(consolidation=consolidation, reported_by=consolidator)
    assert list(selectors.consolidation_list(user=ministry)) == [consolidation]
    with pytest.raises(ConflictError):
        services.consolidation_report(consolidation=consolidation, reported_by=consolidator)


@pytest.mark.django_db
def test_zero_report_is_a_valid_submission(agency, member):
    """A month without handled cases is submitted with no rows (本月无查处情况)."""
    report = file_report(report_for(agency("ZJ", "510104")), member, "ZJ", "510104")
    assert report.status == Report.Status.SUBMITTED
    assert report.current_revision.row_count == 0


@pytest.mark.django_db
def test_submitted_report_cannot_be_submitted_again(agency, member):
    """Submitting twice is refused with a clear message."""
    reviewer = member("ZJ", "510104", "reviewer")
    report = services.report_submit(
        report=report_for(agency("ZJ", "510104")), submitted_by=reviewer
    )
    with pytest.raises(ConflictError, match="已报送"):
        services.report_submit(report=report, submitted_by=reviewer)


@pytest.mark.django_db
def test_frozen_rows_survive_later_edits_and_changes_come_as_late_and_corrections(agency, member):
    """After submission, edits and late decisions go to April as 补报 / 更正; March stays."""
    county = agency("ZJ", "510104")
    filer = member("ZJ", "510104", "reviewer")
    reviewer = member("ZJ", "510100", "reviewer")
    case = decided_case(county)
    march = services.report_submit(report=report_for(county), submitted_by=filer)
    services.report_approve(report=march, approved_by=reviewer)
    (frozen,) = annex1.revision_rows(march.current_revision)
    original_unit = frozen.actual_unit

    party = case.parties.get()
    party.actual_unit.name = "更正后的实际工作单位"
    party.actual_unit.save()
    late = decided_case(county, on=datetime.date(2019, 3, 31))
    decided_case(county, on=datetime.date(2019, 4, 2))

    march.refresh_from_db()
    (still,) = annex1.revision_rows(march.current_revision)
    assert still.actual_unit == original_unit
    assert selectors.report_rows(march, full_ids=True)[0][0]["actual_unit"] == original_unit

    april = services.report_submit(report=report_for(county, APRIL), submitted_by=filer)
    rows = annex1.revision_rows(april.current_revision)
    assert [(r.kind, r.remarks) for r in rows] == [
        ("regular", ""),
        ("late", "补报（2019年3月）"),
        ("correction", "更正（2019年3月）"),
    ]
    assert rows[1].case_party_id == late.parties.get().pk
    assert rows[2].actual_unit == "更正后的实际工作单位"

    services.report_approve(report=april, approved_by=reviewer)
    may = report_for(county, datetime.date(2019, 5, 1))
    assert selectors.report_rows(may, full_ids=True)[0] == []  # nothing is carried twice


@pytest.mark.django_db
def test_child_report_approved_after_the_parent_submitted_goes_to_the_next_month(agency, member):
    """A county report approved after the city's submission reaches the city's April report."""
    county, city = agency("ZJ", "510104"), agency("ZJ", "510100")
    county_filer = member("ZJ", "510104", "reviewer")
    city_filer, city_reviewer = (
        member("ZJ", "510100", "reviewer"),
        member("ZJ", "510100", "reviewer"),
    )
    decided_case(county)
    county_report = services.report_submit(report=report_for(county), submitted_by=county_filer)
    services.report_submit(report=report_for(city), submitted_by=city_filer)
    services.report_approve(report=county_report, approved_by=city_reviewer)
    april = services.report_submit(report=report_for(city, APRIL), submitted_by=city_filer)
    (row,) = annex1.revision_rows(april.current_revision)
    assert row.remarks == "补报（2019年3月）"
    assert row.origin_agency_id == county.pk


@pytest.mark.django_db
def test_return_needs_a_reason(agency, member):
    """A return without a reason names the reason field."""
    reviewer = member("ZJ", "510100", "reviewer")
    report = file_report(report_for(agency("ZJ", "510104")), member, "ZJ", "510104")
    with pytest.raises(DomainError) as info:
        services.report_return(report=report, returned_by=reviewer, reason="  ")
    assert "reason" in info.value.fields


@pytest.mark.django_db
def test_children_status_shows_who_has_not_reported_or_was_returned(agency, member):
    """The city sees 未报 for counties without a submission and 已退回 for a returned one."""
    reviewer = member("ZJ", "510100", "reviewer")
    report = file_report(report_for(agency("ZJ", "510104")), member, "ZJ", "510104")
    services.report_return(report=report, returned_by=reviewer, reason="缺少文号")
    status = {
        s.agency.region.code: s.status_label
        for s in selectors.children_status(
            user=reviewer, agency=agency("ZJ", "510100"), month=MARCH
        )
    }
    assert status["510104"] == "已退回"
    assert status["510105"] == "未报"


@pytest.mark.django_db
def test_zj_province_sees_every_departments_province_report_but_not_their_branches(agency, member):
    """住建厅 reads RS/JT/SL/TX province-level reports, not their city or county reports."""
    consolidator = member("ZJ", "510000", "reviewer")
    rs_province = report_for(agency("RS", "510000"))
    rs_city = report_for(agency("RS", "510100"))
    visible = set(Report.objects.restrict(consolidator).values_list("pk", flat=True))
    assert rs_province.pk in visible
    assert rs_city.pk not in visible


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_once_make_exactly_one_transition(reference, agency, member):
    """Of two concurrent approvals one succeeds and the other gets a clear 409 message."""
    reviewers = [member("ZJ", "510100", "reviewer") for _ in range(2)]
    report = file_report(report_for(agency("ZJ", "510104")), member, "ZJ", "510104")
    barrier, outcomes = threading.Barrier(2), []

    def approve(user):
        try:
            mine = Report.objects.select_related("agency").get(pk=report.pk)
            barrier.wait()
            services.report_approve(report=mine, approved_by=user)
            outcomes.append("ok")
        except ConflictError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=len)[0] == "ok"
    assert outcomes.count("ok") == 1
    assert "已被处理" in next(o for o in outcomes if o != "ok")
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="report.approved").count() == 1


@pytest.mark.django_db
def test_ministry_sees_only_reported_consolidations(agency, member):
    """A ministry user sees no reports and no unreported consolidation."""
    ministry = member("BU", "510000", "ministry")
    draft = Consolidation.objects.create(
        campaign=campaign_2019(), month=MARCH, agency=agency("ZJ", "510000")
    )
    reported = Consolidation.objects.create(
        campaign=campaign_2019(),
        month=APRIL,
        agency=agency("ZJ", "510000"),
        status=Consolidation.Status.REPORTED,
    )
    report_for(agency("ZJ", "510000"))
    visible = list(selectors.consolidation_list(user=ministry))
    assert visible == [reported]
    assert draft not in visible
    assert not selectors.report_list(user=ministry).exists()


@pytest.mark.django_db
def test_resubmission_diff_shows_what_changed_since_the_returned_revision(agency, member):
    """The report page's diff lists rows added and fields changed between revisions."""
    county = agency("ZJ", "510104")
    filer, reviewer = member("ZJ", "510104", "reviewer"), member("ZJ", "510100", "reviewer")
    case = decided_case(county)
    report = services.report_submit(report=report_for(county), submitted_by=filer)
    services.report_return(report=report, returned_by=reviewer, reason="实际工作单位有误")
    unit = case.parties.get().actual_unit
    unit.name = "核实后的实际工作单位"
    unit.save()
    decided_case(county)
    report = services.report_submit(report=report, submitted_by=filer)
    diff = selectors.revision_diff(report, full_ids=True)
    assert (diff["from"], diff["to"]) == (1, 2)
    assert len(diff["added"]) == 1
    assert diff["removed"] == []
    (change,) = diff["changed"]
    assert change["fields"][0][0] == "实际工作单位"
    assert change["fields"][0][2] == "核实后的实际工作单位"


@pytest.mark.django_db(transaction=True)
def test_two_consolidators_creating_at_once_make_one_consolidation(reference, agency, member):
    """Two 住建厅 reviewers consolidating the same month at once get the same one, no error."""
    consolidators = [member("ZJ", "510000", "reviewer") for _ in range(2)]
    for code in ("ZJ", *OTHER_DEPARTMENTS):
        report = file_report(report_for(agency(code, "510000")), member, code, "510000")
        services.report_approve(report=report, approved_by=consolidators[0])
    barrier, outcomes = threading.Barrier(2), []

    def consolidate(user):
        try:
            barrier.wait()
            outcomes.append(services.consolidation_create(month=MARCH, created_by=user).pk)
        except Exception as exc:  # any error (an IntegrityError above all) fails the test
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=consolidate, args=(user,)) for user in consolidators]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (consolidation,) = Consolidation.objects.all()
    assert outcomes == [consolidation.pk, consolidation.pk]
    assert consolidation.revisions.count() == 5
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="consolidation.created").count() == 1


def _shanghai_now(monkeypatch, moment: str):
    """Make ``timezone.now()`` answer ``moment`` (an ISO instant in UTC)."""
    from django.utils import timezone

    fixed = datetime.datetime.fromisoformat(moment).replace(tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: fixed)


@pytest.mark.django_db
def test_a_month_is_filed_only_once_it_has_ended_in_shanghai(agency, member, monkeypatch):
    """At 23:30 on 30 April in Shanghai April is refused; at 00:30 on 1 May it is accepted."""
    county, filer = agency("ZJ", "510104"), member("ZJ", "510104", "reviewer")
    report = Report.objects.create(
        campaign=campaign_2019(), agency=county, month=datetime.date(2019, 4, 1)
    )
    _shanghai_now(monkeypatch, "2019-04-30T15:30:00")  # 23:30 in Asia/Shanghai
    with pytest.raises(DomainError, match="2019年4月尚未结束") as info:
        services.report_submit(report=report, submitted_by=filer)
    assert "month" in info.value.fields
    report.refresh_from_db()
    assert (report.status, report.revisions.count()) == (Report.Status.DRAFT, 0)
    _shanghai_now(monkeypatch, "2019-04-30T16:30:00")  # 00:30 on 1 May in Asia/Shanghai
    assert services.report_submit(report=report, submitted_by=filer).status == "submitted"


@pytest.mark.django_db
def test_filing_the_running_month_is_refused_with_a_clear_chinese_message(client, agency, member):
    """The running month's report may be opened, but its page says when filing opens and offers
    no button; a crafted submission is refused with the same explanation and nothing is frozen."""
    from django.utils import timezone

    from core.months import day_label, month_label, next_month

    this_month = timezone.localdate().replace(day=1)
    county, clerk = agency("ZJ", "510104"), member("ZJ", "510104", "clerk")
    report = services.report_get_or_create(agency=county, month=this_month)
    client.force_login(clerk)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    opens = day_label(next_month(this_month))
    assert f"{month_label(this_month)}尚未结束，还不能填报" in page
    assert f"自{opens}起填报" in page
    assert 'id="submit-report"' not in page
    response = client.post(f"/reports/{report.pk}/submit/", follow=True)
    assert f"{month_label(this_month)}尚未结束，不能填报" in response.content.decode()
    assert f"自{opens}起填报" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.revisions.count()) == (Report.Status.DRAFT, 0)
