"""四眼原则: nobody approves or returns a revision they prepared or signed (issue 8, item 16)."""

import datetime

import pytest

from core.errors import PermissionDeniedError
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def test_a_zhujianting_reviewer_cannot_approve_the_report_they_filed(agency, member, api):
    """住建厅's reviewer files 住建厅's own report; another 住建厅 reviewer must approve it."""
    filer = member("ZJ", "510000", "reviewer")
    other = member("ZJ", "510000", "reviewer")
    report = services.report_get_or_create(agency=agency("ZJ", "510000"), month=MARCH)
    services.report_submit(report=report, submitted_by=filer)
    report = Report.objects.select_related("agency", "current_revision").get(pk=report.pk)
    with pytest.raises(PermissionDeniedError) as refused:
        services.report_approve(report=report, approved_by=filer)
    assert "四眼原则" in refused.value.message
    response = api(filer).post(f"/api/v1/reports/{report.pk}/return/", {"reason": "自审"})
    assert response.status_code == 403
    services.report_approve(report=report, approved_by=other)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED


def test_neither_the_preparer_nor_the_signer_approves_the_revision(agency, member):
    """A 住建厅 reviewer who prepared 住建厅's report, and another who signed it, may not approve
    it; a third reviewer does."""
    preparer, signer, third = (member("ZJ", "510000", "reviewer") for _ in range(3))
    report = services.report_get_or_create(agency=agency("ZJ", "510000"), month=MARCH)
    services.report_prepare(report=report, prepared_by=preparer)
    services.report_sign(report=report, signed_by=signer)
    report = Report.objects.select_related("agency", "current_revision").get(pk=report.pk)
    for user in (preparer, signer):
        with pytest.raises(PermissionDeniedError, match="四眼原则"):
            services.report_approve(report=report, approved_by=user)
    assert services.report_approve(report=report, approved_by=third).status == "approved"
