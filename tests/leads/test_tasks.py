"""The leads' beat tasks on a real Celery worker over Redis: run twice, nothing sent twice."""

import datetime

import pytest

from leads import services, tasks
from notifications.models import Notification
from tests.factories import valid_resident_id, valid_uscc


def run(task, **kwargs):
    return task.delay(**kwargs).get(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_reminders_and_overdue_notices_are_sent_once(reference, agency, member, redis_worker):
    """A complaint received 2019-03-12 is due 2019-04-02 (15 working days): reminded on
    2019-03-28 (3 working days before), overdue on 2019-04-03 for the county and the city."""
    clerk = member("ZJ", "510105", "clerk")
    city_reviewer = member("ZJ", "510100", "reviewer")
    lead = services.lead_register(
        actor=clerk,
        agency=agency("ZJ", "510105"),
        source="complaint",
        received_on=datetime.date(2019, 3, 12),
        text="反映某人挂证。",
        persons=[
            {
                "name": "赵一",
                "id_number": valid_resident_id(41),
                "registered_unit": {"name": "测试公司", "uscc": valid_uscc(941, region="510105")},
            }
        ],
    )
    assert lead.deadline == datetime.date(2019, 4, 2)
    assert run(tasks.leads_send_reminders, today="2019-03-25") == 0
    assert run(tasks.leads_send_reminders, today="2019-03-28") == 1
    assert run(tasks.leads_send_reminders, today="2019-03-28") == 0
    assert run(tasks.leads_list_overdue, today="2019-04-02") == 0
    assert run(tasks.leads_list_overdue, today="2019-04-03") == 2
    assert run(tasks.leads_list_overdue, today="2019-04-04") == 0
    overdue = Notification.objects.filter(key__startswith="lead-overdue:")
    assert set(overdue.values_list("user", flat=True)) == {clerk.pk, city_reviewer.pk}
