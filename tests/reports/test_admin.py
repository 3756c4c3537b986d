"""The admin shows reports, revisions, rows and consolidations read-only; deadlines stay data."""

import datetime

import pytest

from audit.models import AuditEvent
from reports import services
from reports.models import Consolidation, Report, ReportDeadline, ReportRevision, ReportRow
from tests.factories import campaign_2019
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


@pytest.fixture
def submitted(agency, member):
    county = agency("ZJ", "510104")
    decided_case(county)
    report = services.report_get_or_create(agency=county, month=MARCH)
    return services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))


def test_reports_revisions_rows_and_consolidations_cannot_be_added_changed_or_deleted(
    admin_client, agency, submitted
):
    """Even a superuser can only read them: add, change and delete answer 403."""
    consolidation = Consolidation.objects.create(
        campaign=campaign_2019(), month=MARCH, agency=agency("ZJ", "510000")
    )
    row = ReportRow.objects.get(revision=submitted.current_revision)
    for model, obj in (
        ("report", submitted),
        ("reportrevision", submitted.current_revision),
        ("reportrow", row),
        ("consolidation", consolidation),
    ):
        base = f"/admin/reports/{model}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}{obj.pk}/change/").status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 403
        assert admin_client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
        assert admin_client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
        bulk = admin_client.post(
            base, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        )
        assert bulk.status_code in (200, 302)
    assert Report.objects.filter(pk=submitted.pk, status="submitted").exists()
    assert ReportRevision.objects.filter(pk=submitted.current_revision_id).exists()
    assert ReportRow.objects.filter(pk=row.pk).exists()
    assert Consolidation.objects.filter(pk=consolidation.pk).exists()


def test_deadlines_stay_editable_in_the_admin(admin_client):
    """An administrator changes the county deadline in the admin (audited); one that would fall
    due after the cities' is refused on the page; a later campaign's stage may be added, none is
    deleted."""
    deadline = ReportDeadline.objects.get(stage="county")
    url = f"/admin/reports/reportdeadline/{deadline.pk}/change/"
    response = admin_client.post(url, {"working_day": 4, "reminder_working_days": 2})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.working_day == 4
    assert AuditEvent.objects.filter(action="deadline.changed").count() == 1
    refused = admin_client.post(url, {"working_day": 6, "reminder_working_days": 2})
    assert refused.status_code == 200
    assert "须早于" in refused.content.decode()
    deadline.refresh_from_db()
    assert deadline.working_day == 4
    assert admin_client.get("/admin/reports/reportdeadline/add/").status_code == 200
    assert (
        admin_client.post(f"/admin/reports/reportdeadline/{deadline.pk}/delete/").status_code == 403
    )
