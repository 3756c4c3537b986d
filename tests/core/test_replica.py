"""Reporting reads on a replica: which alias each read uses once DATABASE_REPLICA_URL is set.

The replica alias is a mirror of the test database (config/settings/test.py): a second connection
to the same database, as a streaming replica is a second server with the same data. The tests
are transactional, so that the second connection sees what the first committed.
"""

import datetime

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from core.replica import REPLICA, read_alias, reporting_reads
from home.selectors import dashboard_for
from reports import annex1, selectors, services
from reports.models import Consolidation, Report
from tests.factories import campaign_2019
from tests.reports.conftest import decided_case

MARCH = datetime.date(2019, 3, 1)
TODAY = datetime.date(2019, 4, 2)

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def routed(settings, reference):
    """Turn the replica router on, as DATABASE_REPLICA_URL does in base settings."""
    settings.DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]


class Captured:
    """The statements each alias ran inside the block."""

    def __enter__(self):
        self._contexts = {
            alias: CaptureQueriesContext(connections[alias]) for alias in ("default", REPLICA)
        }
        for context in self._contexts.values():
            context.__enter__()
        return self

    def __exit__(self, *exc):
        for context in self._contexts.values():
            context.__exit__(*exc)

    def sql(self, alias: str) -> list[str]:
        return [query["sql"] for query in self._contexts[alias].captured_queries]


def test_without_the_router_every_read_uses_the_primary(reference):
    """With no replica configured, a reporting block still reads from the primary."""
    with reporting_reads():
        assert read_alias(Report) == "default"


def test_report_preview_compiles_on_the_replica(routed, agency):
    """An open report's live preview runs the compile query on the replica, rows unchanged."""
    decided_case(agency("ZJ", "510104"))
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    report = Report.objects.select_related("agency", "current_revision").get(pk=report.pk)
    with Captured() as captured:
        rows, frozen = selectors.report_rows(report, full_ids=True)
    assert not frozen
    assert len(rows) == 1
    assert any("cases_caseparty" in sql for sql in captured.sql(REPLICA))
    assert captured.sql("default") == []


def test_frozen_rows_are_read_from_the_primary(routed, agency, member):
    """Rows just frozen by a submission are read where they were written (no replica lag)."""
    decided_case(agency("ZJ", "510104"))
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    report = Report.objects.select_related("agency", "current_revision").get(pk=report.pk)
    with Captured() as captured:
        rows, frozen = selectors.report_rows(report, full_ids=True)
    assert frozen
    assert len(rows) == 1
    assert captured.sql(REPLICA) == []
    assert any("reports_reportrow" in sql for sql in captured.sql("default"))


def test_preparing_a_report_compiles_on_the_primary(routed, agency, member):
    """Inside a transaction a reporting block reads from the primary, which holds its writes."""
    decided_case(agency("ZJ", "510104"))
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    with Captured() as captured, transaction.atomic(), reporting_reads():
        assert read_alias(Report) == "default"
        rows = annex1.compile_rows(report)
    assert len(rows) == 1
    assert captured.sql(REPLICA) == []


def test_consolidation_chart_and_statistics_read_the_replica(routed, agency, member):
    """The consolidation page's chart and the workbook's statistics are replica reads."""
    user = member("ZJ", "510000", "reviewer")
    consolidation = Consolidation.objects.create(
        campaign=campaign_2019(), month=MARCH, agency=agency("ZJ", "510000")
    )
    with Captured() as captured:
        chart = selectors.consolidation_chart(user=user)
    assert chart["datasets"]
    assert any("reports_report" in sql for sql in captured.sql(REPLICA))
    assert captured.sql("default") == []
    with Captured() as captured:
        data = annex1.consolidation_workbook_data(consolidation, full_ids=True)
    assert data["stats"].by_department == []
    assert any("reports_reportrow" in sql for sql in captured.sql(REPLICA))
    assert not any("unnest" in sql for sql in captured.sql("default"))


def test_dashboard_counts_read_the_replica_and_its_lists_the_primary(routed, agency, member):
    """A reviewer's home page counts cases, leads and pending reviews on the replica; the
    reports to act on, just written by someone, come from the primary."""
    decided_case(agency("ZJ", "510104"))
    child = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_submit(report=child, submitted_by=member("ZJ", "510104", "reviewer"))
    user = member("ZJ", "510100", "reviewer")
    with Captured() as captured:
        board = dashboard_for(user=user, today=TODAY, campaign=campaign_2019())
    assert board.case_total == 1
    assert board.pending_review == [{"month": MARCH, "n": 1}]
    replica = captured.sql(REPLICA)
    assert sum("COUNT(" in sql for sql in replica) >= 3  # cases, leads, pending reviews
    assert not any("COUNT(" in sql for sql in captured.sql("default"))
    assert any('FROM "reports_report"' in sql for sql in captured.sql("default"))
