"""The complaint register's pages: visibility three ways, the complainant shown only to the
handling agency (never in a list), the phone intake, the reply, query counts, hostile input."""

import pytest
from django.urls import reverse

from cases import services as case_services
from complaints import services
from complaints.models import Complaint
from leads.models import Lead
from tests.cases.payloads import case_payload, person_payload
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG = "510104", "510105"
NAME, PHONE = "投诉人王女士", "13800001234"
# Session (read and touched), user, memberships, subtree, notifications badge, the filter's
# agencies, count, page ids, page rows, persons: a fixed few whatever the number of rows.
QUERIES = 13


def phone_complaint(clerk, agency, seq=61, **fields):
    payload = {
        "channel": "telephone",
        "received_at": "2019-03-12 10:30",
        "name": NAME,
        "phone": PHONE,
        "text": "反映某人证书挂靠。",
        "persons": [
            {
                "name": f"赵{seq}",
                "id_number": valid_resident_id(seq),
                "registered_unit": {"name": "测试公司", "uscc": valid_uscc(900 + seq)},
            }
        ],
        **fields,
    }
    return services.complaint_register(actor=clerk, agency=agency, **payload)


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def complaint(clerk, agency) -> Complaint:
    return phone_complaint(clerk, agency("ZJ", JINJIANG))[0]


def as_user(client, user):
    client.force_login(user)
    return client


def intake_post(**overrides) -> dict:
    data = {
        "channel": "telephone",
        "received_at": "2019-03-12T10:30",
        "name": NAME,
        "phone": PHONE,
        "text": "来电反映赵某挂证。",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "50",
        "persons-0-name": "赵某",
        "persons-0-id_type": "resident_id",
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "20",
        "units-0-role": "certificate_user",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- three ways


@pytest.mark.parametrize("name", ["complaints:list", "complaints:create", "complaints:detail"])
def test_anonymous_is_sent_to_login(client, complaint, name):
    """Every complaint page asks an anonymous visitor to log in."""
    url = reverse(name, args=[complaint.pk]) if name == "complaints:detail" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("name", ["complaints:detail", "complaints:reply", "complaints:waive"])
def test_other_county_gets_404(client, complaint, member, name):
    """A clerk of another county cannot reach a complaint, nor reply to it."""
    stranger = member("ZJ", QINGYANG)
    as_user(client, stranger)
    assert client.get(reverse(name, args=[complaint.pk])).status_code == 404
    assert client.post(reverse(name, args=[complaint.pk]), {}).status_code == 404
    assert complaint.lead.pk not in [c.pk for c in Complaint.objects.exclude(replied_on=None)]


def test_handling_clerk_gets_200_and_the_lead_page_redirects(client, complaint, clerk):
    """The handling clerk opens the complaint; its lead's page leads there."""
    as_user(client, clerk)
    assert client.get(complaint.get_absolute_url()).status_code == 200
    response = client.get(reverse("leads:detail", args=[complaint.pk]))
    assert response.status_code == 302
    assert response.url == complaint.get_absolute_url()


# --------------------------------------------------------------------------- the complainant


def test_complainant_shown_to_the_handling_clerk(client, complaint, clerk):
    """The handling agency's clerk reads who complained and how to reach them."""
    body = as_user(client, clerk).get(complaint.get_absolute_url()).content.decode()
    assert NAME in body
    assert PHONE in body


@pytest.mark.parametrize(("region", "role"), [("510100", "reviewer"), (JINJIANG, "inspector")])
def test_complainant_hidden_from_parent_reviewer_and_inspector(
    client, complaint, member, region, role
):
    """A reviewer of the parent agency or an inspector reads the complaint without its author."""
    body = as_user(client, member("ZJ", region, role)).get(complaint.get_absolute_url())
    text = body.content.decode()
    assert body.status_code == 200
    assert NAME not in text
    assert PHONE not in text
    assert "投诉人信息仅承办机构可见" in text


def test_lists_never_show_the_complainant(client, complaint, clerk):
    """Neither the complaint list nor the lead list names who complained, even to the handler."""
    as_user(client, clerk)
    for url in (reverse("complaints:list"), reverse("leads:list")):
        body = client.get(url).content.decode()
        assert complaint.receipt in body
        assert NAME not in body
        assert PHONE not in body


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_fixed(client, clerk, agency, django_assert_max_num_queries, rows):
    """The complaint list costs the same few queries for 1 or 30 complaints."""
    for seq in range(rows):
        phone_complaint(clerk, agency("ZJ", JINJIANG), seq=100 + seq)
    as_user(client, clerk)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("complaints:list"))
    assert len(response.context["rows"]) == rows


def test_list_pages_by_the_chosen_size_with_page_numbers(client, clerk, agency):
    """21 complaints at 20 a page: the second page holds one, numbered among two."""
    for seq in range(21):
        phone_complaint(clerk, agency("ZJ", JINJIANG), seq=100 + seq)
    as_user(client, clerk)
    response = client.get(reverse("complaints:list"), {"size": 20, "page": 2})
    assert len(response.context["rows"]) == 1
    assert response.context["page_links"] == [1, 2]
    assert 'id="pager-size"' in response.content.decode()


def test_list_filters_by_reply(client, clerk, agency, complaint):
    """未答复 and 已答复 split the list."""
    other, _code = phone_complaint(clerk, agency("ZJ", JINJIANG), seq=62)
    services.complaint_reply(
        actor=clerk, complaint=other, replied_on="2019-03-20", channel="telephone", text="已核查。"
    )
    as_user(client, clerk)
    body = client.get(reverse("complaints:list"), {"reply": "unreplied"}).content.decode()
    assert complaint.receipt in body
    assert other.receipt not in body
    body = client.get(reverse("complaints:list"), {"reply": "replied", "q": "赵62"}).content
    assert other.receipt in body.decode()


# --------------------------------------------------------------------------- intake


def test_phone_intake_shows_receipt_and_code_once(client, clerk):
    """The clerk is shown the receipt and the query code once, to tell the caller."""
    as_user(client, clerk)
    response = client.post(reverse("complaints:create"), intake_post())
    complaint = Complaint.objects.get()
    assert response.url == complaint.get_absolute_url()
    first = client.get(response.url).content.decode()
    assert complaint.receipt in first
    assert "查询码" in first
    code = client.session.get(f"complaint-query-code-{complaint.pk}")
    assert code is None  # popped: a reload no longer shows it
    second = client.get(response.url).content.decode()
    assert 'id="query-code"' not in second
    assert 'id="query-code"' in first


def test_intake_warns_of_an_existing_case(client, clerk, agency):
    """A complaint about a person with a case shows the case and 并入该案件."""
    known = person_payload(7)
    case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload(persons=[known])
    )
    as_user(client, clerk)
    data = intake_post(
        **{
            "persons-0-name": known["name"],
            "persons-0-id_number": known["id_number"],
            "persons-0-reg_unit_name": known["registered_unit"]["name"],
            "persons-0-reg_unit_uscc": known["registered_unit"]["uscc"],
        }
    )
    response = client.post(reverse("complaints:create"), data, follow=True)
    body = response.content.decode()
    assert case.reference in body
    assert "并入该案件" in body


def test_intake_errors_name_the_field_and_write_nothing(client, clerk):
    """No name without 匿名, a bad phone and no text: Chinese errors on those fields."""
    data = intake_post(name="", phone="abc", text="")
    response = as_user(client, clerk).post(reverse("complaints:create"), data)
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert errors["name"] == ["请填写投诉人姓名，或选择匿名投诉。"]
    assert "联系电话" in errors["phone"][0]
    assert errors["text"]
    assert not Complaint.objects.exists()
    assert not Lead.objects.exists()


def test_anonymous_intake_keeps_no_identity(client, clerk):
    """匿名 drops the name typed; the handling clerk sees it marked anonymous."""
    as_user(client, clerk)
    client.post(reverse("complaints:create"), intake_post(anonymous="on"))
    complaint = Complaint.objects.get()
    assert (complaint.anonymous, complaint.complainant_name) == (True, "")
    body = client.get(complaint.get_absolute_url()).content.decode()
    assert "匿名投诉，未记录投诉人信息" in body


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "挂证\x00"),
        ("name", "王\x00"),
        ("text", "长" * 6000),
        ("contact", "<script>" * 100),
        ("received_at", "2099-01-01T10:00"),
        ("received_at", "not a time"),
    ],
)
def test_hostile_intake_is_refused_in_chinese(client, clerk, field, value):
    """NUL bytes, oversize text, a time in the future: refused, never a 500, nothing written."""
    response = as_user(client, clerk).post(
        reverse("complaints:create"), intake_post(**{field: value})
    )
    assert response.status_code == 200
    assert "未保存任何内容" in response.content.decode()
    assert not Complaint.objects.exists()


def test_script_in_a_complaint_is_escaped(client, clerk):
    """A script in the text or the complainant's name is shown as text."""
    as_user(client, clerk)
    client.post(reverse("complaints:create"), intake_post(text="<script>x()</script>"))
    body = client.get(Complaint.objects.get().get_absolute_url()).content.decode()
    assert "<script>x()" not in body
    assert "&lt;script&gt;x()" in body


# --------------------------------------------------------------------------- reply


def test_reply_is_recorded_then_the_complaint_may_close(client, clerk, complaint):
    """Closing before the reply is refused; after it, the complaint closes."""
    as_user(client, clerk)
    close = reverse("leads:close", args=[complaint.pk])
    data = {"close-outcome": "unsubstantiated", "close-reason": "查无实据。"}
    response = client.post(close, data)
    assert "须先记录答复" in response.content.decode()
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"reply-replied_on": "2019-03-20", "reply-channel": "telephone", "reply-text": "已核查。"},
    )
    assert response.status_code == 302
    assert client.post(close, data).status_code == 302
    complaint.refresh_from_db()
    assert complaint.lead.state == Lead.State.CLOSED
    assert complaint.reply_text == "已核查。"


def test_reply_errors_are_shown_on_the_complaint_page(client, clerk, complaint):
    """A reply without channel or text comes back with Chinese errors; nothing is recorded."""
    as_user(client, clerk)
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"reply-replied_on": "2019-03-20", "reply-text": ""},
    )
    assert response.status_code == 200
    assert response.context["reply_form"].errors["channel"] == ["请选择答复方式。"]
    assert response.context["reply_form"].errors["text"] == ["请填写答复内容。"]
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"reply-replied_on": "2019-03-20", "reply-channel": "telephone", "reply-text": "\x00"},
    )
    assert response.context["reply_form"].errors["text"]
    complaint.refresh_from_db()
    assert complaint.replied_on is None


def test_waive_needs_a_reason(client, clerk, complaint):
    """不予答复 without a reason is refused; with one it is recorded."""
    as_user(client, clerk)
    url = reverse("complaints:waive", args=[complaint.pk])
    response = client.post(url, {"waive-reason": ""})
    assert response.context["waive_form"].errors["reason"] == ["请填写不予答复的理由。"]
    client.post(url, {"waive-reason": "匿名且无联系方式。"})
    complaint.refresh_from_db()
    assert complaint.reply_waived_reason == "匿名且无联系方式。"


def test_inspector_cannot_reply(client, complaint, member):
    """A reader sees no reply form and is refused a reply."""
    inspector = member("ZJ", JINJIANG, "inspector")
    as_user(client, inspector)
    assert "保存答复" not in client.get(complaint.get_absolute_url()).content.decode()
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"reply-replied_on": "2019-03-20", "reply-channel": "telephone", "reply-text": "x"},
    )
    assert response.status_code == 404


def test_public_complaint_page_renders_its_history_without_an_actor(client, clerk, reference):
    """A complaint filed from the public front door (no actor) shows its history."""
    complaint, _code = services.complaint_submit_public(
        department="ZJ", region=JINJIANG, text="有人挂证。", anonymous=True
    )
    response = as_user(client, clerk).get(complaint.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "受理投诉举报" in body
    assert "接收" in body
