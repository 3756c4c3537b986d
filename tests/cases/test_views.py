"""The clerks' browser pages: visibility, forms with inline Chinese errors, list query counts."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Case, CaseParty, Decision, Person
from tests.cases.payloads import case_payload, person_payload
from tests.factories import CaseFactory, CasePartyFactory, valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG = "510104", "510105"
# Session, user, memberships, visible agency ids, notifications badge, regions, count, page,
# parties: a fixed few. +1 since the page is fetched as its ids first, then those rows
# (config/paginator.py), so the joins touch 50 rows rather than every visible case; +1 asking
# whether any case is offered to the user's agencies (cases/models/case.py _offered_to_any).
QUERIES = 14
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def stranger(member):
    """A clerk of another county (青羊区), who must not see 锦江区's cases."""
    return member("ZJ", QINGYANG, "clerk")


@pytest.fixture
def case(agency, clerk):
    return services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())


@pytest.fixture
def evidence(case, clerk):
    upload = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    return services.evidence_add(actor=clerk, case=case, uploaded_file=upload)


def logged_in(client, user):
    client.force_login(user)
    return client


CASE_PAGES = [
    "cases:detail",
    "cases:edit",
    "cases:decide",
    "cases:close",
    "cases:reopen",
    "cases:transfer",
    "cases:transfer_reject",
    "cases:transfer_cancel",
]


@pytest.mark.parametrize("name", CASE_PAGES)
def test_anonymous_visitor_is_sent_to_login_from_case_pages(client, case, name):
    """An anonymous visitor is redirected to the login page from every case page."""
    response = client.get(reverse(name, args=[case.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", CASE_PAGES)
def test_other_countys_clerk_gets_404_on_case_pages(client, case, stranger, name):
    """A clerk of another county cannot open, edit or act on the case: 404."""
    response = logged_in(client, stranger).get(reverse(name, args=[case.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", CASE_PAGES)
def test_own_clerk_opens_case_pages(client, case, clerk, name):
    """The owning county's clerk opens every case page."""
    response = logged_in(client, clerk).get(reverse(name, args=[case.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["cases:list", "cases:create", "cases:import", "cases:import_template"]
)
def test_anonymous_visitor_is_sent_to_login_from_register_pages(client, name):
    """The list, the entry form and the import pages need a login."""
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["cases:list", "cases:create", "cases:import", "cases:import_template"]
)
def test_clerk_opens_register_pages(client, clerk, reference, name):
    """A clerk opens the list, the entry form and the import pages."""
    assert logged_in(client, clerk).get(reverse(name)).status_code == 200


def test_inspector_without_write_role_cannot_open_entry_form(client, member):
    """Only users who may write see the entry form; others are refused."""
    inspector = member("ZJ", JINJIANG, "inspector")
    assert logged_in(client, inspector).get(reverse("cases:create")).status_code == 403
    assert (
        "登记案件" not in logged_in(client, inspector).get(reverse("cases:list")).content.decode()
    )


def test_other_countys_clerk_does_not_see_case_in_list(client, case, stranger):
    """The list of another county's clerk does not contain the case."""
    response = logged_in(client, stranger).get(reverse("cases:list"))
    assert response.status_code == 200
    assert case.reference not in response.content.decode()


def test_evidence_download_three_ways(client, evidence, clerk, stranger):
    """Evidence downloads go through the case's visibility: login, 404 outside, file inside."""
    url = reverse("cases:evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 302
    assert logged_in(client, stranger).get(url).status_code == 404
    response = logged_in(client, clerk).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_receiving_agency_of_a_pending_transfer_downloads_its_evidence(
    client, case, evidence, clerk, member, agency
):
    """Evidence follows the case's visibility exactly: the agency offered the case reads it."""
    receiver = member("RS", JINJIANG, "clerk")
    url = reverse("cases:evidence_download", args=[evidence.pk])
    assert logged_in(client, receiver).get(url).status_code == 404
    services.case_transfer(actor=clerk, case=case, to_agency=agency("RS", JINJIANG), reason="x")
    response = logged_in(client, receiver).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    api_url = f"/api/v1/evidence/{evidence.pk}/download/"
    assert client.get(api_url).status_code == 200
    services.case_transfer_reject(actor=receiver, case=case, reason="非本部门")
    assert client.get(url).status_code == 404


def test_other_countys_clerk_cannot_post_transitions(client, case, stranger):
    """A clerk of another county cannot decide, investigate or attach to the case (404)."""
    client = logged_in(client, stranger)
    assert client.post(reverse("cases:investigate", args=[case.pk])).status_code == 404
    decide = {"decided_on": "2019-03-20", "outcome": "established", "measures": ["bad_record"]}
    assert client.post(reverse("cases:decide", args=[case.pk]), decide).status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    response = client.post(reverse("cases:evidence_upload", args=[case.pk]), {"file": upload})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED
    assert not case.evidence.exists()


# --------------------------------------------------------------------------- the entry form


def form_data(**persons_overrides) -> dict:
    """Return a POST body for the entry form with one person."""
    data = {
        "source": "self_inspection",
        "violations": ["unit_mismatch"],
        "opened_on": "2019-03-02",
        "summary": "注册单位与社保缴费单位不一致。",
        "cuu_name": "",
        "cuu_uscc": "",
        "hr_name": "",
        "hr_uscc": "",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "200",
        "persons-0-name": "王五",
        "persons-0-id_type": "resident_id",
        "persons-0-id_number": valid_resident_id(7, birth="19800101"),
        "persons-0-cert_category": "constructor",
        "persons-0-cert_level": "1",
        "persons-0-cert_specialty": "建筑工程",
        "persons-0-cert_number": "川1512019000007",
        "persons-0-reg_unit_name": "四川某建设有限公司",
        "persons-0-reg_unit_uscc": valid_uscc(4242),
        "persons-0-act_unit_name": "成都某设计院",
        "persons-0-act_unit_uscc": valid_uscc(4343),
    }
    data.update({f"persons-0-{k}": v for k, v in persons_overrides.items()})
    return data


def test_clerk_registers_case_through_form(client, clerk):
    """A clerk registers a case with one person through the form and lands on the case page."""
    response = logged_in(client, clerk).post(reverse("cases:create"), form_data())
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case.agency.region.code == JINJIANG
    assert case.parties.get().person.name == "王五"


def test_bad_id_check_digit_is_shown_next_to_the_field_and_nothing_written(client, clerk):
    """A wrong ID check digit is reported in Chinese next to 证件号码; nothing is saved."""
    good = valid_resident_id(7, birth="19800101")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = logged_in(client, clerk).post(reverse("cases:create"), form_data(id_number=bad))
    assert response.status_code == 200
    person_form = response.context["formset"].forms[0]
    assert "身份证号码校验位错误，请核对。" in person_form.errors["id_number"]
    html = response.content.decode()
    assert 'id="id_persons-0-id_number_error"' in html
    assert "身份证号码校验位错误" in html
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


def test_service_error_path_lands_on_the_person_field(client, clerk):
    """An error the service finds (persons[0].certificate.specialty) appears next to 专业."""
    response = logged_in(client, clerk).post(
        reverse("cases:create"), form_data(cert_specialty="不存在的专业")
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert any("不存在的专业" in message for message in errors["cert_specialty"])
    assert Case.objects.count() == 0


def test_bad_credit_code_is_shown_next_to_the_unit_field(client, clerk):
    """A wrong 统一社会信用代码 of 买卖租借证书单位 is shown next to that field."""
    data = form_data()
    data.update({"cuu_name": "某公司", "cuu_uscc": valid_uscc(5)[:-1] + "0"})
    if data["cuu_uscc"] == valid_uscc(5):
        data["cuu_uscc"] = valid_uscc(5)[:-1] + "1"
    response = logged_in(client, clerk).post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert "cuu_uscc" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_agency_choice_only_for_users_with_several_writable_agencies(client, clerk, member):
    """A clerk of one agency is not asked for the agency; a user of two agencies is."""
    response = logged_in(client, clerk).get(reverse("cases:create"))
    assert "agency" not in response.context["form"].fields
    from agencies.models import Membership
    from tests.conftest import agency_at

    Membership.objects.create(user=clerk, agency=agency_at("ZJ", QINGYANG), role="clerk")
    clerk._membership_cache = None
    client.force_login(clerk)
    response = client.get(reverse("cases:create"))
    assert "agency" in response.context["form"].fields


def test_clerk_edits_case_through_form(client, case, clerk):
    """The edit form starts from the case and saves changes through the service."""
    client = logged_in(client, clerk)
    response = client.get(reverse("cases:edit", args=[case.pk]))
    formset = response.context["formset"]
    assert formset.forms[0].initial["id_number"] == case.parties.get().person.id_number
    data = form_data(**{"id_number": case.parties.get().person.id_number, "name": "李1"})
    data["persons-0-cert_number"] = case.parties.get().certificate.number
    data["persons-INITIAL_FORMS"] = "1"
    data["summary"] = "修改后的案情"
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.summary == "修改后的案情"


def posted_back(response) -> dict:
    """Return the POST body a browser sends for the edit page as loaded (nothing changed)."""
    data = {}
    forms = [response.context["form"], response.context["formset"].management_form]
    forms += response.context["formset"].forms
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = (
                    value if isinstance(value, list | int | str) else str(value)
                )
    return data


def test_decided_case_summary_is_edited_through_the_form_but_not_its_facts(client, case, clerk):
    """On a decided case the form saves a new summary, and refuses a new opening date by name."""
    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["bad_record"],
    )
    client = logged_in(client, clerk)
    url = reverse("cases:edit", args=[case.pk])
    data = posted_back(client.get(url)) | {"summary": "决定后补充的案情"}
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.summary == "决定后补充的案情"
    response = client.post(url, data | {"opened_on": "2019-03-10"})
    assert response.status_code == 200
    assert response.context["form"].errors["opened_on"] == [
        "已作出处理决定的案件需先重新办理后才能修改。"
    ]
    case.refresh_from_db()
    assert case.opened_on == datetime.date(2019, 3, 2)


def test_clerk_decides_case_through_form(client, case, clerk):
    """The decide form records each party's outcome and measures."""
    party = case.parties.get()
    response = logged_in(client, clerk).post(
        reverse("cases:decide", args=[case.pk]),
        {
            "decided_on": "2019-03-20",
            f"p{party.pk}_result": "established",
            f"p{party.pk}_measures": ["revoke_registration", "blacklist"],
            "unit_result": "established",
            "unit_measures": ["circular"],
            "document_number": "川建罚〔2019〕1号",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    decision = Decision.objects.get(case=case)
    person = decision.outcomes.get(party=party)
    assert person.measures.filter(kind="reregistration_ban").exists()
    assert decision.outcomes.get(role="unit").measures.get().kind == "circular"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "川建罚〔2019〕1号" in page
    assert "2022-03-20" in page  # 3 years after the revocation: the derived end date is shown


def test_decide_form_shows_service_error_next_to_field(client, case, clerk):
    """A decision date before the case was opened is refused next to 处理决定日期."""
    response = logged_in(client, clerk).post(
        reverse("cases:decide", args=[case.pk]),
        {
            "decided_on": "2019-01-01",
            f"p{case.parties.get().pk}_result": "established",
            f"p{case.parties.get().pk}_measures": ["bad_record"],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decided_on"]
    assert not Decision.objects.filter(case=case).exists()


def test_every_error_of_the_decision_form_is_reported_at_once(client, case, clerk):
    """A future date, a person without a result and a unit without a measure: all three at once."""
    party = case.parties.get()
    response = logged_in(client, clerk).post(
        reverse("cases:decide", args=[case.pk]),
        {"decided_on": "2099-01-01", f"p{party.pk}_result": "", "unit_result": "established"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "日期不能晚于今天。" in errors["decided_on"]
    assert errors[f"p{party.pk}_result"]
    assert errors["unit_measures"]
    assert not Decision.objects.filter(case=case).exists()


def test_clerk_investigates_and_closes_through_buttons(client, case, clerk):
    """The transition buttons move the case along; each step shows on the timeline."""
    client = logged_in(client, clerk)
    client.post(reverse("cases:investigate", args=[case.pk]))
    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["bad_record"],
    )
    response = client.post(reverse("cases:close", args=[case.pk]), {"reason": "已处理完毕"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "开始调查" in page
    assert "结案" in page


def test_case_page_masks_ids_for_readers_outside_the_writing_chain(client, case, member):
    """A province inspector sees the case with masked document numbers only."""
    inspector = member("ZJ", "510000", "inspector")
    person = case.parties.get().person
    page = logged_in(client, inspector).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert person.id_number not in page.content.decode()
    assert person.masked_id_number in page.content.decode()


# --------------------------------------------------------------------------- the list


def make_cases(agency, count: int) -> list[Case]:
    cases = CaseFactory.create_batch(count, agency=agency)
    for item in cases:
        CasePartyFactory(case=item)
    return cases


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow_with_rows(
    client, clerk, agency, rows, django_assert_max_num_queries
):
    """The list page runs the same few queries for 1 row and for 50 rows (no N+1)."""
    make_cases(agency("ZJ", JINJIANG), rows)
    client = logged_in(client, clerk)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(reverse("cases:list"))
    assert len(response.context["page"].object_list) == rows
    # A number search adds one query (the agencies where the user may change cases), none per row.
    with django_assert_max_num_queries(QUERIES + 1):
        response = client.get(reverse("cases:list"), {"q": "5101"})
    assert response.status_code == 200


def test_list_shows_masked_id_numbers_only(client, clerk, agency):
    """The list shows masked document numbers, never the full ones, even to the owner."""
    party = CaseParty.objects.get(case=make_cases(agency("ZJ", JINJIANG), 1)[0])
    html = logged_in(client, clerk).get(reverse("cases:list")).content.decode()
    assert party.person.masked_id_number in html
    assert party.person.id_number not in html


def test_list_paginates_fifty_a_page(client, clerk, agency):
    """The list shows 50 cases a page."""
    make_cases(agency("ZJ", JINJIANG), 51)
    client = logged_in(client, clerk)
    assert len(client.get(reverse("cases:list")).context["page"].object_list) == 50
    assert len(client.get(reverse("cases:list") + "?page=2").context["page"].object_list) == 1


def test_list_filters_by_status_and_text(client, clerk, agency):
    """The filter form narrows the list by status and by a name search."""
    first, second = make_cases(agency("ZJ", JINJIANG), 2)
    Case.objects.filter(pk=second.pk).update(status=Case.Status.INVESTIGATING)
    client = logged_in(client, clerk)
    page = client.get(reverse("cases:list"), {"status": "investigating"}).context["page"]
    assert [c.pk for c in page.object_list] == [second.pk]
    name = first.parties.get().person.name
    page = client.get(reverse("cases:list"), {"q": name}).context["page"]
    assert first.pk in [c.pk for c in page.object_list]


def test_list_sorts_by_reference(client, clerk, agency):
    """Clicking a column header sorts by it, and again reverses."""
    make_cases(agency("ZJ", JINJIANG), 3)
    client = logged_in(client, clerk)
    up = [
        c.reference
        for c in client.get(reverse("cases:list"), {"ordering": "reference"})
        .context["page"]
        .object_list
    ]
    down = [
        c.reference
        for c in client.get(reverse("cases:list"), {"ordering": "-reference"})
        .context["page"]
        .object_list
    ]
    assert up == sorted(up)
    assert down == list(reversed(up))


def test_person_payload_helper_matches_form_shape():
    """The form's payload has the keys the service takes (kept in step with the API body)."""
    from cases.forms import PersonForm

    form = PersonForm(
        data={
            "name": "李1",
            "id_type": "resident_id",
            "id_number": person_payload(1)["id_number"],
            "cert_category": "constructor",
            "cert_level": "1",
            "cert_specialty": "建筑工程",
            "cert_number": "川151000000001",
        }
    )
    assert form.is_valid(), form.errors
    assert set(form.payload()) == set(person_payload(1))


def test_transfer_is_offered_and_accepted_through_the_pages(client, case, clerk, member, agency):
    """A clerk transfers the case; the receiving clerk sees it, accepts it and now owns it."""
    target = agency("ZJ", QINGYANG)
    response = logged_in(client, clerk).post(
        reverse("cases:transfer", args=[case.pk]), {"to_agency": target.pk, "reason": "属地管辖"}
    )
    assert response.status_code == 302
    receiver = member("ZJ", QINGYANG, "clerk")
    client.force_login(receiver)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert reverse("cases:transfer_accept", args=[case.pk]) in page.content.decode()
    client.post(reverse("cases:transfer_accept", args=[case.pk]))
    case.refresh_from_db()
    assert case.agency == target
    assert case.transfer_to is None


def test_owner_withdraws_a_transfer_from_the_case_page(client, case, clerk, member, agency):
    """The case page offers the owner 撤回移交 while a transfer is pending; posting withdraws it."""
    services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="x")
    url = reverse("cases:transfer_cancel", args=[case.pk])
    page = logged_in(client, clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert url in page
    assert "撤回移交" in page
    receiver_page = logged_in(client, member("ZJ", QINGYANG, "clerk")).get(
        reverse("cases:detail", args=[case.pk])
    )
    assert url not in receiver_page.content.decode()
    response = logged_in(client, clerk).post(url, {"reason": "选错机构"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.transfer_to is None
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "撤回移交" in page  # on the timeline now
    assert url not in page


def test_transfer_form_offers_no_ministry_agency(client, case, clerk):
    """The transfer form lists neither the ministry nor the owning agency."""
    form = logged_in(client, clerk).get(reverse("cases:transfer", args=[case.pk])).context["form"]
    offered = form.fields["to_agency"].queryset
    assert not offered.filter(department__code="BU").exists()
    assert not offered.filter(pk=case.agency_id).exists()


def test_transfer_rejection_needs_a_reason(client, case, clerk, member, agency):
    """Rejecting a transfer without a reason is refused next to 理由; with one it is recorded."""
    services.case_transfer(
        actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="属地管辖"
    )
    client.force_login(member("ZJ", QINGYANG, "clerk"))
    url = reverse("cases:transfer_reject", args=[case.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert client.post(url, {"reason": "不属于本局管辖"}).status_code == 302
    case.refresh_from_db()
    assert case.transfer_to is None
    assert case.agency.region.code == JINJIANG


def test_only_a_reviewer_is_offered_reopen(client, case, clerk, member):
    """The reopen button shows for a reviewer of a closed case, who reopens it with a reason."""
    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["bad_record"],
    )
    services.case_close(actor=clerk, case=case)
    url = reverse("cases:detail", args=[case.pk])
    assert "modal-reopen" not in logged_in(client, clerk).get(url).content.decode()
    reviewer = member("ZJ", JINJIANG, "reviewer")
    client.force_login(reviewer)
    assert "modal-reopen" in client.get(url).content.decode()
    client.post(reverse("cases:reopen", args=[case.pk]), {"reason": "发现新证据"})
    case.refresh_from_db()
    assert case.status == Case.Status.INVESTIGATING


def test_clerk_uploads_evidence_and_a_fake_file_is_refused(client, case, clerk):
    """A PDF is attached; a file that only claims to be a PDF is refused with a message."""
    client = logged_in(client, clerk)
    url = reverse("cases:evidence_upload", args=[case.pk])
    good = SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")
    client.post(url, {"file": good, "description": "社保记录"})
    assert case.evidence.count() == 1
    fake = SimpleUploadedFile("假.pdf", b"just text", content_type="application/pdf")
    response = client.post(url, {"file": fake}, follow=True)
    assert "只接受 PDF" in response.content.decode()
    assert case.evidence.count() == 1


def test_a_unit_code_failing_its_organisation_check_is_kept_with_a_warning(agency, client, clerk):
    """The 组织机构代码 part of a credit code is a warning on the case page, not a refusal."""
    from cases.models import Unit

    code = "91510000000000001C"  # valid as a 统一社会信用代码, its 组织机构代码 check fails
    payload = case_payload() | {"certificate_user_unit": {"name": "旧码单位", "uscc": code}}
    case = services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **payload)
    assert Unit.objects.get(uscc=code).code_warning
    page = logged_in(client, clerk).get(reverse("cases:detail", args=[case.pk]))
    assert "组织机构代码（第9–17位）校验不符" in page.content.decode()


def test_every_error_of_the_form_is_reported_at_once(client, clerk):
    """A future date is reported together with the other mistakes, not after they are fixed."""
    data = form_data(name="", id_number="123")
    data.update({"opened_on": "2099-01-01", "violations": []})
    response = logged_in(client, clerk).post(reverse("cases:create"), data)
    assert response.status_code == 200
    form, person = response.context["form"], response.context["formset"].forms[0]
    assert "日期不能晚于今天。" in form.errors["opened_on"]
    assert form.errors["violations"]
    assert person.errors["name"]
    assert person.errors["id_number"]
    assert Case.objects.count() == 0


def test_case_page_names_five_related_cases_then_opens_the_rest_in_the_list(
    client, agency, case, clerk
):
    """Seven other cases share the unit and are joined: the page links five of each and
    "另有 2 件", which open the case list filtered to them."""
    others = [
        services.case_create(
            actor=clerk,
            agency=agency("ZJ", JINJIANG),
            **case_payload(persons=[person_payload(10 + n)]),  # the same certificate-using unit
        )
        for n in range(7)
    ]
    for other in others:
        services.case_join(actor=clerk, case=case, other=other)
    page = logged_in(client, clerk).get(reverse("cases:detail", args=[case.pk]))
    hints = page.context["duplicates"]
    assert [len(h.shown) for h in hints] == [5]
    assert hints[0].more == 2
    assert len(page.context["related"]) == 5
    assert page.context["related_more"] == 2
    body = page.content.decode()
    assert body.count("另有 2 件") == 2
    linked = client.get(reverse("cases:list"), {"linked": case.pk})
    shown = {c.pk for c in linked.context["page"].object_list}
    assert shown == {o.pk for o in others}
    by_unit = client.get(reverse("cases:list"), {"q": hints[0].subject})
    assert {c.pk for c in by_unit.context["page"].object_list} == {case.pk} | shown


def test_another_county_s_linked_cases_are_not_listed_by_the_filter(
    client, agency, case, clerk, stranger
):
    """The linked filter lists only what the user may see: another county's clerk gets none."""
    other = services.case_create(
        actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload(persons=[person_payload(9)])
    )
    services.case_join(actor=clerk, case=case, other=other)
    listed = logged_in(client, stranger).get(reverse("cases:list"), {"linked": case.pk})
    assert list(listed.context["page"].object_list) == []
