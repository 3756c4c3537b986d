"""The lead register's pages: visibility three ways, forms with Chinese errors placed on their
fields and nothing written, the steps, query counts on the list, hostile input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services as case_services
from cases.identifiers import mask_id_number
from cases.models import Case
from leads import services
from leads.models import Lead, LeadAttachment
from tests.cases.payloads import case_payload, person_payload
from tests.factories import UserFactory, valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG = "510104", "510105"
DAY = datetime.date(2019, 3, 12)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Session (read and touched), user, memberships, subtree, notifications badge, the filter's
# agencies, count, page ids, page rows, persons: a fixed few whatever the number of rows.
QUERIES = 13


def person(seq=1, **extra):
    return {
        "name": f"李{seq}",
        "id_number": valid_resident_id(seq, birth="19800101"),
        "certificate": {
            "category": "constructor",
            "level": "1",
            "specialty": "建筑工程",
            "number": f"川151{seq:09d}",
        },
        "registered_unit": {"name": f"四川测试建设有限公司{seq}", "uscc": valid_uscc(500 + seq)},
        **extra,
    }


def register(user, agency, **fields):
    payload = {"source": "other", "received_on": DAY, "text": "反映某人挂证。", **fields}
    return services.lead_register(actor=user, agency=agency, **payload)


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def stranger(member):
    """A clerk of another county (青羊区), who must not see 锦江区's leads."""
    return member("ZJ", QINGYANG, "clerk")


@pytest.fixture
def lead(clerk, agency):
    """A lead of 锦江区 about one known person, being verified there."""
    return register(clerk, agency("ZJ", JINJIANG), persons=[person(1)])


def as_user(client, user):
    client.force_login(user)
    return client


def form_post(**overrides) -> dict:
    """Return a POST of the register form: the lead, one person row and one unit row."""
    data = {
        "source": "spot_check",
        "received_on": "2019-03-12",
        "text": "群众反映李四挂证。",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "50",
        "persons-0-name": "李四",
        "persons-0-id_type": "resident_id",
        "persons-0-id_number": valid_resident_id(44),
        "persons-0-cert_category": "constructor",
        "persons-0-cert_level": "1",
        "persons-0-cert_specialty": "建筑工程",
        "persons-0-cert_number": "川1512019000044",
        "persons-0-reg_unit_name": "四川某建设有限公司",
        "persons-0-reg_unit_uscc": valid_uscc(4401),
        "units-TOTAL_FORMS": "1",
        "units-INITIAL_FORMS": "0",
        "units-MIN_NUM_FORMS": "0",
        "units-MAX_NUM_FORMS": "20",
        "units-0-name": "成都某人力资源公司",
        "units-0-uscc": valid_uscc(4402),
        "units-0-role": "hr_agency",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- three ways

PAGES = ["leads:detail", "leads:reject", "leads:assign", "leads:close", "leads:open_case"]


@pytest.mark.parametrize("name", ["leads:list", "leads:create", *PAGES])
def test_anonymous_is_sent_to_login(client, lead, name):
    """Every lead page asks an anonymous visitor to log in."""
    url = reverse(name, args=[lead.pk]) if name in PAGES else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("name", PAGES)
def test_other_county_gets_404(client, lead, stranger, name):
    """A clerk of another county cannot reach a lead's page or its steps."""
    assert as_user(client, stranger).get(reverse(name, args=[lead.pk])).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_owning_clerk_gets_200(client, lead, clerk, name):
    """The clerk of the lead's agency opens its page and the forms of its steps."""
    assert as_user(client, clerk).get(reverse(name, args=[lead.pk])).status_code == 200


def test_other_county_gets_404_for_files_and_steps(client, lead, clerk, stranger):
    """Another county's clerk can neither download a lead's file nor act on it."""
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    attachment = services.lead_add_file(actor=clerk, lead=lead, uploaded_file=upload)
    as_user(client, stranger)
    url = reverse("leads:attachment_download", args=[attachment.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("leads:accept", args=[lead.pk])).status_code == 404
    assert client.post(reverse("leads:close", args=[lead.pk]), {"close-outcome": "unsubstantiated"})
    assert Lead.objects.get(pk=lead.pk).state == Lead.State.VERIFYING


def test_list_shows_only_own_county_leads(client, lead, stranger, agency):
    """The list holds what the user may see, not another county's leads."""
    other = register(stranger, agency("ZJ", QINGYANG), persons=[person(2, registered_unit=None)])
    body = as_user(client, stranger).get(reverse("leads:list")).content.decode()
    assert other.reference in body
    assert lead.reference not in body


def test_inspector_reads_masked_numbers_and_gets_no_buttons(client, lead, member):
    """An inspector above the county reads the lead with the number masked and no steps."""
    inspector = member("ZJ", "510100", "inspector")
    number = person(1)["id_number"]
    body = as_user(client, inspector).get(lead.get_absolute_url()).content.decode()
    assert mask_id_number(number) in body
    assert number not in body
    assert "确认办结" not in body
    body = client.get(reverse("leads:list")).content.decode()
    assert mask_id_number(number) in body
    assert number not in body


def test_handling_clerk_reads_full_number(client, lead, clerk):
    """The clerk handling the lead reads the full document number, on the page and the list."""
    body = as_user(client, clerk).get(lead.get_absolute_url()).content.decode()
    assert person(1)["id_number"] in body
    body = client.get(reverse("leads:list")).content.decode()
    assert person(1)["id_number"] in body


# --------------------------------------------------------------------------- list


def _many(clerk, agency, n):
    for seq in range(n):
        register(clerk, agency("ZJ", JINJIANG), persons=[person(100 + seq)])


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_fixed(client, clerk, agency, django_assert_max_num_queries, rows):
    """The list costs the same few queries for 1 or 30 leads (no N+1)."""
    _many(clerk, agency, rows)
    as_user(client, clerk)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("leads:list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == rows


def test_list_pages_by_the_chosen_size_with_page_numbers(client, clerk, agency):
    """21 leads at 20 a page: page numbers 1 and 2 and the size and jump controls."""
    _many(clerk, agency, 21)
    as_user(client, clerk)
    response = client.get(reverse("leads:list"), {"size": 20, "page": 2})
    assert len(response.context["rows"]) == 1
    assert response.context["page_links"] == [1, 2]
    body = response.content.decode()
    assert 'id="pager-size"' in body
    assert 'id="pager-page"' in body


def test_list_filters_and_search(client, clerk, agency, lead):
    """State, source and text narrow the list; the 待我处理 tab shows the waiting leads."""
    waiting = register(clerk, agency("ZJ", JINJIANG), persons=[{"name": "王某"}])
    as_user(client, clerk)
    body = client.get(reverse("leads:list"), {"state": "triage"}).content.decode()
    assert waiting.reference in body
    assert lead.reference not in body
    body = client.get(reverse("leads:list"), {"q": "王某"}).content.decode()
    assert waiting.reference in body
    assert lead.reference not in body
    body = client.get(reverse("leads:list"), {"tab": "mine"}).content.decode()
    assert waiting.reference in body
    assert lead.reference not in body
    body = client.get(reverse("leads:list"), {"source": "nonsense", "agency": "x"}).content
    assert lead.reference in body.decode()  # a value that does not fit is ignored


def test_overdue_lead_is_highlighted_and_filtered(client, clerk, agency, lead):
    """A lead past its deadline is marked 已逾期 and found by the overdue filter."""
    Lead.objects.filter(pk=lead.pk).update(deadline=datetime.date(2019, 1, 1))
    as_user(client, clerk)
    body = client.get(reverse("leads:list"), {"overdue": "on"}).content.decode()
    assert lead.reference in body
    assert "已逾期" in body


# --------------------------------------------------------------------------- register


def test_register_form_writes_the_lead(client, clerk):
    """The form registers a lead with its person and unit and shows it."""
    response = as_user(client, clerk).post(reverse("leads:create"), form_post())
    lead = Lead.objects.get()
    assert response.status_code == 302
    assert response.url == lead.get_absolute_url()
    assert [p.name for p in lead.persons.all()] == ["李四"]
    assert [u.role for u in lead.units.all()] == ["hr_agency"]


def test_register_form_errors_are_chinese_on_the_field_and_nothing_written(client, clerk):
    """A bad ID number and missing text come back on their fields; no lead is written."""
    data = form_post(**{"text": "", "persons-0-id_number": "123", "units-0-uscc": "X"})
    response = as_user(client, clerk).post(reverse("leads:create"), data)
    assert response.status_code == 200
    assert not Lead.objects.exists()
    assert response.context["form"].errors["text"] == ["请填写线索内容。"]
    person_errors = response.context["persons"].forms[0].errors
    assert "id_number" in person_errors
    assert "身份证号码" in person_errors["id_number"][0]
    assert response.context["units"].forms[0].errors["uscc"]
    assert "未保存任何内容" in response.content.decode()


def test_register_a_person_by_name_only(client, clerk):
    """A tip naming somebody without a number is registered and waits in triage."""
    data = form_post(
        **{
            f"persons-0-{k}": ""
            for k in (
                "id_number",
                "cert_category",
                "cert_level",
                "cert_specialty",
                "cert_number",
                "reg_unit_name",
                "reg_unit_uscc",
            )
        },
        **{"units-0-name": "", "units-0-uscc": "", "units-0-role": "certificate_user"},
    )
    as_user(client, clerk).post(reverse("leads:create"), data)
    lead = Lead.objects.get()
    assert lead.state == Lead.State.TRIAGE
    assert lead.units.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "挂证\x00"),
        ("persons-0-name", "李\x00四"),
        ("text", "长" * 6000),
        ("units-0-name", "<script>alert(1)</script>" + "长" * 300),
    ],
)
def test_hostile_input_is_refused_in_chinese(client, clerk, field, value):
    """NUL bytes and oversize text are refused with a message, never a 500, nothing written."""
    response = as_user(client, clerk).post(reverse("leads:create"), form_post(**{field: value}))
    assert response.status_code == 200
    assert not Lead.objects.exists()
    assert "未保存任何内容" in response.content.decode()


def test_script_in_text_is_escaped(client, clerk):
    """A script typed in a lead is stored as text and shown escaped."""
    as_user(client, clerk).post(
        reverse("leads:create"), form_post(text="<script>alert('x')</script>")
    )
    body = client.get(Lead.objects.get().get_absolute_url()).content.decode()
    assert "<script>alert(" not in body
    assert "&lt;script&gt;alert(" in body


def test_inspector_may_not_register(client, member):
    """A user who may enter no lead gets 403 on the register form."""
    inspector = member("ZJ", "510100", "inspector")
    assert as_user(client, inspector).get(reverse("leads:create")).status_code == 403


# --------------------------------------------------------------------------- steps


def test_accept_and_assign_and_reject(client, member, agency):
    """Triage assigns to a county, which sends it back with a reason; a pending lead is
    accepted where it arrived."""
    city = member("ZJ", "510100")
    county = member("ZJ", JINJIANG)
    lead = register(city, agency("ZJ", "510100"), persons=[{"name": "王某"}])
    as_user(client, city)
    response = client.post(
        reverse("leads:assign", args=[lead.pk]), {"assign-agency": agency("ZJ", JINJIANG).pk}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.state, lead.agency) == (Lead.State.PENDING, agency("ZJ", JINJIANG))
    as_user(client, county)
    response = client.post(reverse("leads:reject", args=[lead.pk]), {"reject-reason": ""})
    assert response.status_code == 200
    assert "请填写退回理由" in response.content.decode()
    client.post(reverse("leads:reject", args=[lead.pk]), {"reject-reason": "不属本辖区"})
    lead.refresh_from_db()
    assert (lead.state, lead.agency) == (Lead.State.TRIAGE, agency("ZJ", "510100"))
    as_user(client, city)
    client.post(reverse("leads:accept", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.state == Lead.State.VERIFYING
    history = client.get(lead.get_absolute_url()).content.decode()
    for label in ("登记线索", "分办", "退回", "接收", "不属本辖区"):
        assert label in history


def test_close_needs_its_fields(client, clerk, lead):
    """Closing as referred without naming the authority is refused on that field."""
    as_user(client, clerk)
    response = client.post(
        reverse("leads:close", args=[lead.pk]), {"close-outcome": "referred_out"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["referred_to"] == ["请填写移送的机关名称。"]
    assert Lead.objects.get(pk=lead.pk).state == Lead.State.VERIFYING


def test_related_case_is_shown_and_joined_in_one_click(client, clerk, agency):
    """A lead about a person with a case shows the case; 并入该案件 closes it joined."""
    known = person_payload(7)
    case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload(persons=[known])
    )
    lead = register(
        clerk,
        agency("ZJ", JINJIANG),
        persons=[{k: known[k] for k in ("name", "id_number", "registered_unit")}],
    )
    as_user(client, clerk)
    body = client.get(lead.get_absolute_url()).content.decode()
    assert case.reference in body
    assert "并入该案件" in body
    client.post(
        reverse("leads:close", args=[lead.pk]),
        {"close-outcome": "joined_case", "close-case": case.reference},
    )
    lead.refresh_from_db()
    assert (lead.outcome, lead.case) == (Lead.Outcome.JOINED_CASE, case)


def test_duplicate_of_a_lead(client, clerk, agency, lead):
    """标记为重复 closes the lead as a duplicate of the other."""
    other = register(clerk, agency("ZJ", JINJIANG), persons=[person(1)])
    as_user(client, clerk)
    assert lead.reference in client.get(other.get_absolute_url()).content.decode()
    client.post(
        reverse("leads:close", args=[other.pk]),
        {"close-outcome": "duplicate", "close-duplicate_of": lead.reference},
    )
    other.refresh_from_db()
    assert (other.outcome, other.duplicate_of) == (Lead.Outcome.DUPLICATE, lead)


def _case_post(lead_payload_persons: int = 1, **overrides) -> dict:
    data = {
        "source": "complaint",
        "opened_on": "2019-03-20",
        "summary": "由线索立案。",
        "violations": ["unit_mismatch"],
        "persons-TOTAL_FORMS": str(lead_payload_persons),
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "200",
    }
    data.update(overrides)
    return data


def test_open_case_form_is_prefilled_and_opens_exactly_one_case(client, clerk, lead):
    """The 立案 form carries the lead's person; submitting it twice opens one case."""
    as_user(client, clerk)
    response = client.get(reverse("leads:open_case", args=[lead.pk]))
    assert person(1)["id_number"] in response.content.decode()
    initial = response.context["formset"].forms[0].initial
    post = _case_post(**{f"persons-0-{k}": v for k, v in initial.items() if v is not None})
    post["violations"] = response.context["form"].initial["violations"] or ["unit_mismatch"]
    first = client.post(reverse("leads:open_case", args=[lead.pk]), post)
    lead.refresh_from_db()
    assert lead.outcome == Lead.Outcome.CASE_OPENED
    assert first.status_code == 302
    assert first.url == lead.case.get_absolute_url()
    second = client.post(reverse("leads:open_case", args=[lead.pk]), post)
    assert second.status_code == 200
    assert "已办结" in second.content.decode()
    assert Case.objects.count() == 1


def test_open_case_errors_stay_on_the_form(client, clerk, lead):
    """A case form missing its date is refused on the field; no case, the lead stays open."""
    as_user(client, clerk)
    response = client.post(reverse("leads:open_case", args=[lead.pk]), _case_post(0, opened_on=""))
    assert response.status_code == 200
    assert (
        response.context["form"].errors.get("opened_on")
        or response.context["formset"].non_form_errors()
    )
    assert not Case.objects.exists()
    assert Lead.objects.get(pk=lead.pk).is_open


def test_upload_and_download_a_file(client, clerk, lead):
    """A clerk attaches a file; it downloads as an attachment, refused types are explained."""
    as_user(client, clerk)
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    client.post(reverse("leads:attachment_add", args=[lead.pk]), {"file": upload})
    attachment = LeadAttachment.objects.get()
    response = client.get(reverse("leads:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    bad = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("leads:attachment_add", args=[lead.pk]),
        {"file": bad},
        HTTP_REFERER=lead.get_absolute_url(),
    )
    assert response.status_code == 302
    assert LeadAttachment.objects.count() == 1


def test_navbar_links_leads_and_complaints_for_readers_only(client, clerk):
    """Whoever reads cases finds 线索 and 投诉举报 in the navbar; a user with no role does not."""
    body = as_user(client, clerk).get(reverse("profile")).content.decode()
    assert f'href="{reverse("leads:list")}"' in body
    assert f'href="{reverse("complaints:list")}"' in body
    body = as_user(client, UserFactory()).get(reverse("profile")).content.decode()
    assert f'href="{reverse("leads:list")}"' not in body
