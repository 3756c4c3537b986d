"""The notification page: grouped by what they say, filtered by kind, read one by one or all."""

import pytest

from notifications.models import Notification
from notifications.services import notification_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(member):
    return member("ZJ", "510104", "clerk")


def send(user, key, title, url="/cases/"):
    notification_send(users=[user], key=key, title=title)
    Notification.objects.filter(user=user, key=key).update(url=url)


def test_same_titles_are_one_line_with_a_count(client, user):
    for n in range(3):
        send(user, f"case-duplicate:1:{n}", "其他机构案件涉及同一人员")
    send(user, "report-returned:1:1", "月报被退回")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert page.count('data-group-size="3"') == 1
    assert "共 3 条" in page


def test_filter_by_kind(client, user):
    send(user, "case-duplicate:1:1", "案件通知")
    send(user, "report-returned:1:1", "月报通知")
    send(user, "lead-overdue:1:2019-04-02", "线索通知")
    client.force_login(user)
    reports = client.get("/notifications/?kind=reports").content.decode()
    assert "月报通知" in reports
    assert "案件通知" not in reports
    leads = client.get("/notifications/?kind=leads").content.decode()
    assert "线索通知" in leads
    assert "月报通知" not in leads


def test_open_marks_one_read_and_follows_the_link(client, user):
    send(user, "case-duplicate:1:1", "甲", url="/cases/")
    send(user, "case-duplicate:1:2", "乙", url="/reports/")
    client.force_login(user)
    first = Notification.objects.get(title="甲")
    response = client.get(f"/notifications/{first.pk}/open/")
    assert response["Location"] == "/cases/"
    assert Notification.objects.get(title="甲").read_at is not None
    assert Notification.objects.get(title="乙").read_at is None


def test_a_group_is_marked_read_together_and_others_untouched(client, user, member):
    for n in range(2):
        send(user, f"case-duplicate:1:{n}", "同一件事")
    other = member("ZJ", "510105", "clerk")
    send(other, "case-duplicate:9:9", "别人的")
    mine = list(Notification.objects.filter(user=user).values_list("pk", flat=True))
    theirs = Notification.objects.get(user=other)
    client.force_login(user)
    client.post(f"/notifications/{mine[0]}/read/", {"id": [*mine, theirs.pk]})
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
