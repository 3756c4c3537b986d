"""The complaint register's staff API: access, whoever complained, the reply, query counts."""

import pytest

from complaints import services
from complaints.models import Complaint
from leads.models import Lead

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
JINJIANG, QINGYANG = "510104", "510105"
NAME, PHONE = "赵投诉", "13900001111"


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


def register(clerk, agency, **fields):
    payload = {
        "channel": "telephone",
        "text": "反映某公司挂证。",
        "name": NAME,
        "phone": PHONE,
        "persons": [{"name": "王某"}],
        **fields,
    }
    complaint, _code = services.complaint_register(
        actor=clerk, agency=agency("ZJ", JINJIANG), **payload
    )
    return complaint


@pytest.fixture
def complaint(clerk, agency):
    """A named complaint by phone, in 锦江区 住建's triage queue."""
    return register(clerk, agency)


def test_complaints_three_ways(api, complaint, clerk, member):
    """Anonymous → 401; another county → 404; the handling clerk → 200 with the complainant."""
    assert api().get(URL).status_code == 401
    assert api().get(f"{URL}{complaint.pk}/").status_code == 401
    other = member("ZJ", QINGYANG, "clerk")
    assert api(other).get(f"{URL}{complaint.pk}/").status_code == 404
    assert api(other).post(f"{URL}{complaint.pk}/reply/", {}).status_code == 404
    data = api(clerk).get(f"{URL}{complaint.pk}/").json()
    assert data["receipt"] == complaint.receipt
    assert data["complainant"] == {"name": NAME, "phone": PHONE, "contact": ""}
    assert data["lead"]["persons"][0]["name"] == "王某"
    listed = api(clerk).get(URL).json()
    assert listed["count"] == 1
    assert listed["results"][0]["complainant"]["name"] == NAME


@pytest.mark.parametrize(("region", "role"), [("510100", "reviewer"), ("510100", "inspector")])
def test_complainant_hidden_outside_the_handling_agency(api, complaint, member, region, role):
    """The city's reviewer and inspector read the complaint but never who complained."""
    user = member("ZJ", region, role)
    detail = api(user).get(f"{URL}{complaint.pk}/")
    assert detail.status_code == 200
    listed = api(user).get(URL)
    for body in (detail.content, listed.content):
        assert NAME.encode() not in body
        assert PHONE.encode() not in body
    assert detail.json()["complainant"] is None
    assert listed.json()["results"][0]["complainant"] is None


def test_anonymous_complainant_is_null_even_for_the_handling_clerk(api, clerk, agency):
    """An anonymous complaint has no complainant to show anyone."""
    complaint = register(clerk, agency, anonymous=True, name=NAME, phone=PHONE)
    data = api(clerk).get(f"{URL}{complaint.pk}/").json()
    assert data["anonymous"] is True
    assert data["complainant"] is None
    assert NAME.encode() not in api(clerk).get(URL).content


def test_create_answers_the_query_code_once(api, clerk):
    """A clerk registers a phone complaint; the answer carries the code to tell the caller."""
    body = {
        "channel": "telephone",
        "text": "来电反映挂证。",
        "name": "钱某",
        "phone": "028-12345678",
        "received_at": "2019-03-12 10:00",
    }
    response = api(clerk).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["query_code"]) == 8
    assert data["receipt"].startswith("TS-20190312-")
    assert api(clerk).get(f"{URL}{data['id']}/").json().get("query_code") is None
    bad = api(clerk).post(URL, {**body, "channel": "pigeon"}, format="json")
    assert bad.status_code == 400
    assert "channel" in bad.json()["extra"]["fields"]


def test_reply_and_waive_reply(api, complaint, clerk, member):
    """The handling clerk records the reply (and may waive one); an inspector may not (403)."""
    url = f"{URL}{complaint.pk}/reply/"
    inspector = member("ZJ", "510100", "inspector")
    assert api(inspector).post(url, {"channel": "telephone", "text": "x"}).status_code == 403
    missing = api(clerk).post(url, {"channel": "telephone"}, format="json")
    assert missing.status_code == 400
    body = {"replied_on": "2019-03-20", "channel": "telephone", "text": "已电话答复。"}
    replied = api(clerk).post(url, body, format="json")
    assert replied.status_code == 200, replied.json()
    assert replied.json()["replied_on"] == "2019-03-20"
    assert replied.json()["reply_text"] == "已电话答复。"
    waive_url = f"{URL}{complaint.pk}/waive-reply/"
    assert api(clerk).post(waive_url, {}, format="json").status_code == 400
    waived = api(clerk).post(waive_url, {"reason": "投诉人撤回"}, format="json")
    assert waived.status_code == 200
    assert waived.json()["reply_waived_reason"] == "投诉人撤回"


def test_reply_to_a_closed_complaint_is_a_conflict(api, complaint, clerk):
    """Once its lead is closed, a complaint's reply cannot change (409)."""
    from leads import services as lead_services

    services.complaint_waive_reply(actor=clerk, complaint=complaint, reason="匿名无联系方式")
    lead_services.lead_accept(actor=clerk, lead=complaint.lead)
    lead_services.lead_close(
        actor=clerk, lead=complaint.lead, outcome="unsubstantiated", reason="查无实据"
    )
    response = api(clerk).post(
        f"{URL}{complaint.pk}/reply/", {"channel": "telephone", "text": "x"}, format="json"
    )
    assert response.status_code == 409


def test_filters_through_the_lead(api, complaint, clerk, agency):
    """state and q filter complaints through their lead."""
    client = api(clerk)
    assert client.get(URL, {"state": Lead.State.TRIAGE}).json()["count"] == 1
    assert client.get(URL, {"state": Lead.State.CLOSED}).json()["count"] == 0
    assert client.get(URL, {"q": complaint.receipt}).json()["count"] == 1
    assert client.get(URL, {"q": "无此人"}).json()["count"] == 0


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_flat(api, clerk, agency, rows, django_assert_max_num_queries):
    """The list costs the same few queries for one complaint as for thirty."""
    for _ in range(rows):
        register(clerk, agency)
    client = api(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50})
    assert response.json()["count"] == rows == Complaint.objects.count()


def test_list_rows_built_by_hand_equal_the_declared_serializers(clerk, agency, member, rf):
    """The complaint and lead list rows built by hand (speed, issue 14) are exactly what DRF
    builds from the declared fields: replied or not, anonymous or named, seen by the handling
    clerk (complainant shown) and by the city (hidden); in English too."""
    from django.utils import timezone, translation
    from rest_framework import serializers as drf

    from complaints.api.serializers import ComplaintListSerializer
    from complaints.selectors import complaint_list
    from leads.api.serializers import LeadListSerializer

    register(clerk, agency)
    register(clerk, agency, anonymous=True, name="", phone="")
    replied = register(clerk, agency)
    Complaint.objects.filter(pk=replied.pk).update(
        replied_on="2019-03-20", reply_channel="telephone"
    )
    Lead.objects.filter(pk=replied.pk).update(
        state="closed", outcome="unsubstantiated", closed_at=timezone.now(), escalated=True
    )
    for user in (clerk, member("ZJ", "510100", "reviewer")):
        request = rf.get(URL)
        request.user = user
        serializer = ComplaintListSerializer(context={"request": request})
        leads = LeadListSerializer(context={"request": request})
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for complaint in complaint_list(user=user):
                    generic = drf.ModelSerializer.to_representation(serializer, complaint)
                    assert serializer.to_representation(complaint) == generic
                    lead = complaint.lead
                    generic = drf.ModelSerializer.to_representation(leads, lead)
                    assert leads.to_representation(lead) == generic
