"""Beat tasks on a real Celery worker over Redis: running each twice sends nothing twice."""

import datetime

import pytest

from notifications.models import Notification
from reports import deadlines, services, tasks
from reports.models import Report


def run(task, **kwargs):
    return task.delay(**kwargs).get(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_beat_tasks_run_twice_on_a_real_worker_send_nothing_twice(
    reference, agency, member, redis_worker
):
    """Drafts, reminders and overdue notices are created once however often the tasks run."""
    county_clerk = member("ZJ", "510104", "clerk")
    diligent_reviewer = member("ZJ", "510105", "reviewer")
    city_reviewer = member("ZJ", "510100", "reviewer")
    consolidator = member("ZJ", "510000", "reviewer")
    march = datetime.date(2019, 3, 1)

    # Filing of March opens on 1 April; counties are due on 3 April (the 3rd working day).
    assert deadlines.due_date("county", march) == datetime.date(2019, 4, 3)
    created = run(tasks.reports_open_month, today="2019-04-01")
    again = run(tasks.reports_open_month, today="2019-04-01")
    assert created > 800
    assert again == 0
    assert Report.objects.filter(month=march).count() == created
    assert run(tasks.reports_open_month, today="2019-04-02") == 0  # nothing missing any more
    report = Report.objects.get(agency=agency("ZJ", "510105"), month=march)
    services.report_submit(report=report, submitted_by=diligent_reviewer)

    first = run(tasks.reports_send_reminders, today="2019-04-01")
    second = run(tasks.reports_send_reminders, today="2019-04-01")
    assert first > 0
    assert second == 0
    reminders = Notification.objects.filter(key__startswith="report-reminder:")
    assert reminders.filter(user=county_clerk).count() == 1
    assert not reminders.filter(user=diligent_reviewer).exists()

    # 9 April: counties (3 April) and cities (8 April) are overdue, departments not yet.
    overdue = run(tasks.reports_list_overdue, today="2019-04-09")
    assert overdue > 0
    assert run(tasks.reports_list_overdue, today="2019-04-09") == 0
    notices = Notification.objects.filter(key__startswith="report-overdue:")
    assert notices.filter(user=city_reviewer).count() == 1
    assert "成都市锦江区" in notices.get(user=city_reviewer).body
    assert "成都市青羊区" not in notices.get(user=city_reviewer).body
    # 住建厅 hears once as the cities' parent and once per stage past its deadline.
    assert set(notices.filter(user=consolidator).values_list("key", flat=True)) == {
        f"report-overdue:{agency('ZJ', '510000').pk}:2019-03:sc-2019",
        "report-overdue:province:2019-03:county:sc-2019",
        "report-overdue:province:2019-03:prefecture:sc-2019",
    }
    assert Notification.objects.count() == len(set(Notification.objects.values_list("user", "key")))


@pytest.mark.django_db
def test_drafts_open_on_the_first_and_a_missed_day_is_caught_up(agency):
    """September 2019's drafts are created from 1 October (a holiday: filing opens all the same),
    never while September runs; a draft missing later is created on a later day, only once."""
    county = agency("ZJ", "510104")
    september = datetime.date(2019, 9, 1)
    assert tasks.reports_open_month(today="2019-09-30") > 800  # August's, not September's
    assert not Report.objects.filter(month=september).exists()
    assert tasks.reports_open_month(today="2019-10-01") > 800
    assert Report.objects.filter(month=september, agency=county).count() == 1
    Report.objects.filter(month=september, agency=county).delete()
    assert tasks.reports_open_month(today="2019-10-21") == 1  # only what is missing
