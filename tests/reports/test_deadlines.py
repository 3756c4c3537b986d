"""Due dates in Chinese working days, holidays and 调休 included."""

import datetime

import pytest

from reports import deadlines
from reports.models import ReportDeadline

pytestmark = pytest.mark.django_db

SEPTEMBER = datetime.date(2019, 9, 1)


def test_province_reports_are_due_on_the_first_of_the_next_month():
    """A province-level report for September 2019 is due on 1 October 2019."""
    assert deadlines.due_date("province", SEPTEMBER) == datetime.date(2019, 10, 1)


def test_city_and_county_deadlines_count_working_days_including_adjusted_weekends():
    """Sunday 29 Sept 2019 was a working day (调休), so the city is due that day."""
    assert deadlines.is_working_day(datetime.date(2019, 9, 29))
    assert not deadlines.is_working_day(datetime.date(2019, 10, 2))
    assert deadlines.due_date("prefecture", SEPTEMBER) == datetime.date(2019, 9, 29)
    assert deadlines.due_date("county", SEPTEMBER) == datetime.date(2019, 9, 25)


def test_deadlines_are_data_that_an_admin_can_change():
    """Changing the county rule in the table moves the county's due date."""
    ReportDeadline.objects.update_or_create(
        level="county", defaults={"working_days_before_parent": 1}
    )
    assert deadlines.due_date("county", SEPTEMBER) == datetime.date(2019, 9, 27)


def test_first_working_day_after_a_holiday_month_end():
    """After September 2019 the first working day is 8 October (National Day week)."""
    assert deadlines.first_working_day_of(datetime.date(2019, 10, 1)) == datetime.date(2019, 10, 8)
