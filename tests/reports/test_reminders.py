"""Reminders and overdue notices fall on the right days of the filing month (March 2019: filing
opens 1 April; counties due 3 April, cities 8 April, departments 10 April, 住建厅 15 April)."""

import datetime

import pytest

from notifications.models import Notification
from reports import services
from reports.models import Consolidation
from tests.factories import campaign_2019

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def remind(day: str) -> int:
    return services.report_reminders_send(today=datetime.date.fromisoformat(day))


def overdue(day: str) -> int:
    return services.reports_overdue_notify(today=datetime.date.fromisoformat(day))


def keys(user, prefix: str) -> set[str]:
    return set(
        Notification.objects.filter(user=user, key__startswith=prefix).values_list("key", flat=True)
    )


@pytest.fixture
def staff(member):
    return {
        "county": member("ZJ", "510104", "clerk"),
        "city": member("ZJ", "510100", "clerk"),
        "city_reviewer": member("ZJ", "510100", "reviewer"),
        "rs_province": member("RS", "510000", "clerk"),
        "consolidator": member("ZJ", "510000", "reviewer"),
    }


def test_reminders_start_once_filing_opens_within_each_stages_lead(staff):
    """Nobody is reminded of March while it runs; counties on 1 April (2 working days before
    3 April), cities on 3 April, departments on 8 April, 住建厅's consolidation on 11 April."""
    assert remind("2019-03-29") == 0  # March has not ended; February's deadlines have passed
    remind("2019-04-01")
    assert keys(staff["county"], "report-reminder:")
    assert not keys(staff["city"], "report-reminder:")
    remind("2019-04-02")
    assert not keys(staff["city"], "report-reminder:")
    remind("2019-04-03")
    assert keys(staff["city"], "report-reminder:")
    remind("2019-04-04")
    assert not keys(staff["rs_province"], "report-reminder:")
    remind("2019-04-08")
    assert keys(staff["rs_province"], "report-reminder:")
    remind("2019-04-10")
    assert not keys(staff["consolidator"], "consolidation-reminder:")
    remind("2019-04-11")
    assert keys(staff["consolidator"], "consolidation-reminder:") == {
        "consolidation-reminder:2019-03:2019-04-15:sc-2019"
    }
    assert remind("2019-04-11") == 0  # once


def test_overdue_the_working_day_after_each_deadline_and_the_consolidation_too(agency, staff):
    """Counties are listed from 4 April, cities from 9 April, departments from 11 April, and
    住建厅 is told its consolidation is overdue on 16 April, not before, and only once."""
    zj = agency("ZJ", "510000").pk
    overdue("2019-04-03")
    assert not keys(staff["city_reviewer"], "report-overdue:")
    overdue("2019-04-04")
    assert keys(staff["city_reviewer"], "report-overdue:")
    assert keys(staff["consolidator"], "report-overdue:") == {
        "report-overdue:province:2019-03:county:sc-2019"
    }
    overdue("2019-04-09")
    assert f"report-overdue:{zj}:2019-03:sc-2019" in keys(staff["consolidator"], "report-overdue:")
    overdue("2019-04-10")
    assert "report-overdue:province:2019-03:province:sc-2019" not in keys(
        staff["consolidator"], "report"
    )
    overdue("2019-04-11")
    assert "report-overdue:province:2019-03:province:sc-2019" in keys(
        staff["consolidator"], "report"
    )
    overdue("2019-04-15")
    assert not keys(staff["consolidator"], "consolidation-overdue:")
    overdue("2019-04-16")
    assert keys(staff["consolidator"], "consolidation-overdue:") == {
        "consolidation-overdue:2019-03:sc-2019"
    }
    assert overdue("2019-04-16") == 0


def test_a_reported_consolidation_is_neither_reminded_nor_overdue(agency, staff):
    """Once 住建厅 reported March to the ministry, no consolidation notice follows."""
    Consolidation.objects.create(
        campaign=campaign_2019(),
        month=MARCH,
        agency=agency("ZJ", "510000"),
        status=Consolidation.Status.REPORTED,
    )
    remind("2019-04-11")
    overdue("2019-04-16")
    assert not keys(staff["consolidator"], "consolidation-")
