"""Deadlines as the plan sets them: filing opens on the 1st, each stage due on the n-th working day
of the next month (holidays and 调休 included), counties first and 住建厅's consolidation last."""

import datetime

import pytest

from audit.models import AuditEvent
from core.errors import DomainError
from core.months import next_month
from reports import deadlines, services
from reports.models import ReportDeadline

pytestmark = pytest.mark.django_db

MARCH, SEPTEMBER = datetime.date(2019, 3, 1), datetime.date(2019, 9, 1)
MONTHS = [datetime.date(year, month, 1) for year in range(2019, 2027) for month in range(1, 13)]


def dues(month) -> list[datetime.date]:
    return [deadlines.due_date(stage, month) for stage in deadlines.STAGES]


def test_the_stored_deadlines_are_the_plans_defaults():
    """The migration stores county 3, city 5, department 7, consolidation 10 working days."""
    assert deadlines.deadline_rules() == deadlines.default_rules()
    assert {row.stage: row.working_day for row in ReportDeadline.objects.all()} == {
        "county": 3,
        "prefecture": 5,
        "province": 7,
        "consolidation": 10,
    }


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_no_default_deadline_falls_inside_its_month_and_the_chains_order_holds(month):
    """Every deadline lies after the month it covers, on or after filing opens, and counties <
    cities < departments < 住建厅's consolidation — every month of 2019–2026."""
    county, city, province, consolidation = dues(month)
    assert deadlines.filing_opens(month) == next_month(month)
    assert next_month(month) <= county < city < province < consolidation
    assert consolidation < next_month(next_month(month))  # within the filing month
    assert all(deadlines.is_working_day(day) for day in (county, city, province, consolidation))


def test_april_2019_deadlines_skip_qingming_and_the_weekend():
    """March 2019: counties 3 April, cities 8 April (5 April 清明 and the weekend skipped),
    departments 10 April, 住建厅 to the ministry 15 April."""
    assert not deadlines.is_working_day(datetime.date(2019, 4, 5))
    assert dues(MARCH) == [
        datetime.date(2019, 4, 3),
        datetime.date(2019, 4, 8),
        datetime.date(2019, 4, 10),
        datetime.date(2019, 4, 15),
    ]


def test_national_day_is_skipped_and_a_tiaoxiu_weekend_counts():
    """September 2019: 1–7 October are skipped; Saturday 12 October was a 调休 working day and
    is the cities' deadline; counties 10, departments 15, 住建厅 18 October."""
    assert deadlines.is_working_day(datetime.date(2019, 10, 12))
    assert not deadlines.is_working_day(datetime.date(2019, 10, 7))
    assert dues(SEPTEMBER) == [
        datetime.date(2019, 10, 10),
        datetime.date(2019, 10, 12),
        datetime.date(2019, 10, 15),
        datetime.date(2019, 10, 18),
    ]
    # January 2019: 3 February, a Sunday made a working day before the Spring Festival.
    assert deadlines.due_date("county", datetime.date(2019, 1, 1)) == datetime.date(2019, 2, 3)


def test_filing_opens_on_the_first_of_the_next_month():
    """March may be filed from 1 April, not on 31 March."""
    assert not deadlines.is_filing_open(MARCH, datetime.date(2019, 3, 31))
    assert deadlines.is_filing_open(MARCH, datetime.date(2019, 4, 1))


def test_deadlines_are_data_an_admin_changes_in_order_and_audited(member):
    """Moving the county deadline to the 4th working day moves its due date and is audited; a
    county deadline on or after the cities' is refused with the stages named."""
    admin = member("ZJ", "510000", "reviewer")
    county = ReportDeadline.objects.get(stage="county")
    services.deadline_update(deadline=county, working_day=4, reminder_working_days=1, actor=admin)
    assert deadlines.due_date("county", MARCH) == datetime.date(2019, 4, 4)
    event = AuditEvent.objects.get(action="deadline.changed")
    assert event.changes == {"working_day": [3, 4], "reminder_working_days": [2, 1]}
    with pytest.raises(DomainError) as refused:
        services.deadline_update(
            deadline=county, working_day=5, reminder_working_days=1, actor=admin
        )
    assert "市（州）报送省级部门" in refused.value.fields["working_day"][0]
    with pytest.raises(DomainError):
        services.deadline_update(
            deadline=county, working_day=0, reminder_working_days=1, actor=admin
        )
    assert ReportDeadline.objects.get(stage="county").working_day == 4
