"""Beat tasks on a real Celery worker over Redis: running each twice sends nothing twice."""

import datetime
import os

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery_app import app
from notifications.models import Notification
from reports import deadlines, services, tasks
from reports.models import Report

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_worker(settings):
    """Run a real worker thread against Redis for the duration of one test."""
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        message = f"Redis 不可用（{BROKER}）：跳过真实 Celery worker 测试"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message + "（CI 要求必须运行）")
        pytest.skip(message)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "result_backend")}
    app.conf.update(task_always_eager=False, broker_url=BROKER, result_backend=BROKER)
    app._pool = None  # drop any connection pool built for the eager configuration
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        app._pool = None


def run(task, **kwargs):
    return task.delay(**kwargs).get(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_beat_tasks_run_twice_on_a_real_worker_send_nothing_twice(
    reference, agency, member, redis_worker
):
    """Drafts, reminders and overdue notices are created once however often the tasks run."""
    county_clerk = member("ZJ", "510104", "clerk")
    diligent_clerk = member("ZJ", "510105", "reviewer")
    city_reviewer = member("ZJ", "510100", "reviewer")
    consolidator = member("ZJ", "510000", "reviewer")
    march = datetime.date(2019, 3, 1)
    report = services.report_get_or_create(agency=agency("ZJ", "510105"), month=march)
    services.report_submit(report=report, submitted_by=diligent_clerk)

    # County reports for March are due on 25 March (3 working days before the city's 28 March).
    assert deadlines.due_date("county", march) == datetime.date(2019, 3, 25)
    first = run(tasks.reports_send_reminders, today="2019-03-21")
    second = run(tasks.reports_send_reminders, today="2019-03-21")
    assert first > 0
    assert second == 0
    reminders = Notification.objects.filter(key__startswith="report-reminder:")
    assert reminders.filter(user=county_clerk).count() == 1
    assert not reminders.filter(user=diligent_clerk).exists()

    created = run(tasks.reports_open_month, today="2019-04-01")
    again = run(tasks.reports_open_month, today="2019-04-01")
    assert created > 800
    assert again == 0
    assert Report.objects.filter(month=march).count() == created + 1
    assert run(tasks.reports_open_month, today="2019-04-02") == 0  # nothing missing any more

    overdue = run(tasks.reports_list_overdue, today="2019-04-02")
    assert overdue > 0
    assert run(tasks.reports_list_overdue, today="2019-04-02") == 0
    notices = Notification.objects.filter(key__startswith="report-overdue:")
    assert notices.filter(user=city_reviewer).count() == 1
    assert "成都市锦江区" in notices.get(user=city_reviewer).body
    assert "成都市青羊区" not in notices.get(user=city_reviewer).body
    # 住建厅 hears once as the cities' parent and once with the province-wide listing.
    assert set(notices.filter(user=consolidator).values_list("key", flat=True)) == {
        f"report-overdue:{agency('ZJ', '510000').pk}:2019-03",
        "report-overdue:province:2019-03",
    }
    assert Notification.objects.count() == len(set(Notification.objects.values_list("user", "key")))


@pytest.mark.django_db
def test_drafts_are_opened_on_a_later_day_when_the_first_working_day_was_missed(agency):
    """Missed on 8 October 2019, September's drafts are created on the 9th, and only once."""
    county = agency("ZJ", "510104")
    september = datetime.date(2019, 9, 1)
    assert tasks.reports_open_month(today="2019-10-07") == 0  # National Day: not yet
    assert not Report.objects.filter(month=september).exists()
    assert tasks.reports_open_month(today="2019-10-09") > 800
    assert Report.objects.filter(month=september, agency=county).count() == 1
    Report.objects.filter(month=september, agency=county).delete()
    assert tasks.reports_open_month(today="2019-10-21") == 1  # only what is missing
