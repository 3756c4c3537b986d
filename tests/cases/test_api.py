"""The case register's API: bodies and names of issue 3, the error shape, scope, query counts."""

import datetime

import pytest

from agencies.models import Membership
from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseLink, CaseParty, Certificate, Decision, Person, Unit
from tests.cases.payloads import case_payload, pdf_file, person_payload, unit_payload
from tests.factories import valid_resident_id

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG, CHENGDU = "510104", "510105", "510100"


def body(**overrides) -> dict:
    """Return a JSON-ready create body (dates as strings)."""
    data = case_payload(**overrides)
    data["opened_on"] = str(data["opened_on"])
    return data


def counts() -> dict[str, int]:
    models = (Case, CaseParty, Person, Unit, Certificate, CaseLink, Decision, AuditEvent)
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def case(agency, clerk):
    return services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())


# --------------------------------------------------------------------------- create


def test_post_creates_a_case_with_the_issue_body(api, clerk):
    """POST /cases/ with the body of issue 3 answers 201 with id, reference and status."""
    response = api(clerk).post("/api/v1/cases/", body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["reference"] == "ZJ-510104-2019-0001"
    assert data["status"] == "registered"
    assert data["duplicate_notices"] == []
    assert Case.objects.get(pk=data["id"]).parties.count() == 1


def test_agency_is_required_only_with_several_writable_agencies(api, clerk, agency):
    Membership.objects.create(user=clerk, agency=agency("ZJ", QINGYANG), role="clerk")
    response = api(clerk).post("/api/v1/cases/", body(), format="json")
    assert response.status_code == 400
    assert "agency" in response.json()["extra"]["fields"]
    response = api(clerk).post(
        "/api/v1/cases/", {**body(), "agency": agency("ZJ", QINGYANG).pk}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["reference"].startswith("ZJ-510105-")


def test_agency_outside_the_callers_chain_answers_404(api, clerk, agency):
    before = counts()
    response = api(clerk).post(
        "/api/v1/cases/", {**body(), "agency": agency("RS", JINJIANG).pk}, format="json"
    )
    assert response.status_code == 404
    assert counts() == before


def test_inspector_cannot_create(api, member):
    response = api(member("ZJ", CHENGDU, "inspector")).post("/api/v1/cases/", body(), format="json")
    assert response.status_code == 403


API_INVALID = [
    ("bad check digit", {"id_number": "11010519491231002Y"}, "persons[0].id_number"),
    (
        "impossible date",
        {"id_number": valid_resident_id(3, birth="19810229")},
        "persons[0].id_number",
    ),
    (
        "bad credit code",
        {"registered_unit": {"name": "某公司", "uscc": "91110000600037341M"}},
        "persons[0].registered_unit.uscc",
    ),
    (
        "unknown category",
        {"certificate": {"category": "astronaut", "level": "1", "specialty": "", "number": "1"}},
        "persons[0].certificate.category",
    ),
    (
        "unknown specialty",
        {
            "certificate": {
                "category": "constructor",
                "level": "1",
                "specialty": "航天",
                "number": "1",
            }
        },
        "persons[0].certificate.specialty",
    ),
]


@pytest.mark.parametrize(
    ("label", "override", "field"), API_INVALID, ids=[i[0] for i in API_INVALID]
)
def test_invalid_body_answers_400_in_the_one_shape_and_writes_nothing(
    api, clerk, label, override, field
):
    """Each bad value: 400, {"message", "extra": {"fields": {path: [...]}}}, no row written."""
    before = counts()
    payload = body(persons=[person_payload(1, **override)])
    response = api(clerk).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"message", "extra"}
    assert field in data["extra"]["fields"]
    assert data["message"].startswith("第1名涉案人员")
    assert counts() == before


def test_impossible_opening_date_answers_400(api, clerk):
    before = counts()
    response = api(clerk).post(
        "/api/v1/cases/", {**body(), "opened_on": "2019-02-30"}, format="json"
    )
    assert response.status_code == 400
    assert "opened_on" in response.json()["extra"]["fields"]
    assert response.json()["message"].startswith("立案日期：")
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "payload", "label"),
    [
        ("/api/v1/cases/", {"opened_on": "03/02/2019"}, "立案日期："),
        ("/api/v1/cases/", {"violations": "unit_mismatch"}, "违法违规行为："),
        ("/api/v1/cases/", {"persons": ["李1"]}, "第1名涉案人员："),
        ("/api/v1/cases/{pk}/transfer/", {"reason": "x"}, "移交至："),
        ("/api/v1/cases/{pk}/decide/", {"outcome": "established"}, "处理决定日期："),
        ("/api/v1/cases/{pk}/evidence/", {"description": "无文件"}, "文件："),
    ],
)
def test_request_errors_name_the_field_in_chinese(api, case, clerk, url, payload, label):
    """A malformed body is answered with the field's Chinese name, never its API key."""
    data = payload if "{pk}" in url else {**body(), **payload}
    response = api(clerk).post(url.format(pk=case.pk), data, format="json")
    assert response.status_code == 400
    assert response.json()["message"].startswith(label), response.json()


def test_error_labels_fall_back_to_the_model_and_then_the_key():
    """Views without their own labels get the model field's verbose name, else the key."""
    from core.api import field_label

    class View:
        queryset = Case.objects.all()

    assert field_label("opened_on", View()) == "立案日期"
    assert field_label("unknown_key", View()) == "unknown_key"
    assert field_label("opened_on") == "opened_on"


def test_unknown_source_and_violation_answer_400(api, clerk):
    response = api(clerk).post(
        "/api/v1/cases/", {**body(), "source": "x", "violations": ["y"]}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"source", "violations"}


# --------------------------------------------------------------------------- read


def test_detail_shows_full_id_to_the_owning_chain_and_masked_to_inspectors(api, case, member):
    number = case.parties.get().person.id_number
    city_reviewer = member("ZJ", CHENGDU, "reviewer")
    inspector = member("ZJ", CHENGDU, "inspector")
    full = api(city_reviewer).get(f"/api/v1/cases/{case.pk}/").json()
    assert full["persons"][0]["person"]["id_number"] == number
    assert full["can_change"] is True
    masked = api(inspector).get(f"/api/v1/cases/{case.pk}/").json()
    assert masked["persons"][0]["person"]["id_number"] == number[:6] + "*" * 11 + number[-1:]
    assert masked["persons"][0]["person"]["birth_date"] is None
    assert masked["can_change"] is False


def test_list_always_masks(api, case, clerk):
    row = api(clerk).get("/api/v1/cases/").json()["results"][0]
    assert "********" in row["persons"][0]["id_number"]
    assert row["reference"] == case.reference


def test_anonymous_gets_401(api, case):
    for method, url in [
        ("get", "/api/v1/cases/"),
        ("get", f"/api/v1/cases/{case.pk}/"),
        ("post", "/api/v1/cases/"),
        ("post", f"/api/v1/cases/{case.pk}/decide/"),
        ("get", "/api/v1/persons/?q=李"),
        ("get", "/api/v1/units/?q=四川"),
    ]:
        response = getattr(api(), method)(url)
        assert response.status_code == 401, url
        assert "message" in response.json()


def test_another_county_cannot_read_change_or_attach(api, case, member, tmp_path, settings):
    """A 青羊区 clerk gets 404 for every read and write on a 锦江区 case."""
    settings.MEDIA_ROOT = str(tmp_path)
    other = api(member("ZJ", QINGYANG, "clerk"))
    assert other.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert other.get(f"/api/v1/cases/{case.pk}/evidence/").status_code == 404
    assert other.patch(
        f"/api/v1/cases/{case.pk}/", {"summary": "x"}, format="json"
    ).status_code == (404)
    decide = {"decided_on": "2019-03-20", "outcome": "established", "measures": ["bad_record"]}
    assert other.post(f"/api/v1/cases/{case.pk}/decide/", decide, format="json").status_code == 404
    upload = other.post(
        f"/api/v1/cases/{case.pk}/evidence/",
        {"file": pdf_file(), "description": "x"},
        format="multipart",
    )
    assert upload.status_code == 404
    for name in ("investigate", "close", "reopen", "transfer", "accept-transfer", "join"):
        assert other.post(f"/api/v1/cases/{case.pk}/{name}/", {}, format="json").status_code == 404
    assert case.pk not in [r["id"] for r in other.get("/api/v1/cases/").json()["results"]]
    case.refresh_from_db()
    assert case.summary != "x"
    assert not case.evidence.exists()


def test_patch_changes_editable_fields(api, case, clerk):
    response = api(clerk).patch(
        f"/api/v1/cases/{case.pk}/",
        {"summary": "补充", "violations": ["unit_mismatch", "certificate_trading"]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["summary"] == "补充"
    case.refresh_from_db()
    assert case.violations == ["unit_mismatch", "certificate_trading"]


# --------------------------------------------------------------------------- actions


def test_decide_close_reopen_through_the_api(api, case, clerk, member):
    client = api(clerk)
    assert client.post(f"/api/v1/cases/{case.pk}/investigate/").json()["status"] == "investigating"
    response = client.post(
        f"/api/v1/cases/{case.pk}/decide/",
        {
            "decided_on": "2019-03-20",
            "outcome": "established",
            "self_corrected": False,
            "measures": ["revoke_registration", "reregistration_ban", "blacklist"],
            "document_number": "锦建罚〔2019〕3号",
            "penalty_text": "撤销注册",
            "exemption": None,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    decision = response.json()["decision"]
    measures = decision["outcomes"][0]["measures"]
    ban = next(m for m in measures if m["kind"] == "reregistration_ban")
    assert ban["ends_on"] == "2022-03-20"
    assert response.json()["persons"][0]["certificate"]["state"] == "revoked"
    assert client.post(f"/api/v1/cases/{case.pk}/close/", {}).json()["status"] == "closed"
    refused = client.post(f"/api/v1/cases/{case.pk}/reopen/", {"reason": "复查"}, format="json")
    assert refused.status_code == 403
    reviewer = api(member("ZJ", JINJIANG, "reviewer"))
    missing = reviewer.post(f"/api/v1/cases/{case.pk}/reopen/", {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["extra"]["fields"]
    reopened = reviewer.post(f"/api/v1/cases/{case.pk}/reopen/", {"reason": "复查"}, format="json")
    assert reopened.json()["status"] == "investigating"
    timeline = client.get(f"/api/v1/cases/{case.pk}/timeline/").json()
    assert [e["action"] for e in timeline][-1] == "case.reopened"


def test_decide_validation_answers_400_naming_the_field(api, case, clerk):
    response = api(clerk).post(
        f"/api/v1/cases/{case.pk}/decide/",
        {"decided_on": "2019-03-20", "outcome": "not_established", "exemption": None},
        format="json",
    )
    assert response.status_code == 400
    assert "outcomes[0].exemption" in response.json()["extra"]["fields"]
    assert "不构成挂证的情形" in response.json()["message"]
    assert not Decision.objects.exists()


def test_transfer_accept_and_reject_through_the_api(api, case, clerk, agency, member):
    receiver = api(member("RS", JINJIANG, "clerk"))
    target = agency("RS", JINJIANG).pk
    response = api(clerk).post(
        f"/api/v1/cases/{case.pk}/transfer/", {"to_agency": target, "reason": "涉及社保"}
    )
    assert response.status_code == 200
    assert response.json()["transfer_to"]["id"] == target
    assert receiver.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    rejected = receiver.post(f"/api/v1/cases/{case.pk}/reject-transfer/", {"reason": "非本部门"})
    assert rejected.status_code == 200
    assert receiver.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    api(clerk).post(f"/api/v1/cases/{case.pk}/transfer/", {"to_agency": target, "reason": "再议"})
    accepted = receiver.post(f"/api/v1/cases/{case.pk}/accept-transfer/")
    assert accepted.status_code == 200
    assert accepted.json()["agency"]["id"] == target
    assert api(clerk).get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_owner_withdraws_a_transfer_through_the_api(api, case, clerk, agency, member):
    """POST cancel-transfer/ by the owner clears the offer; the receiver loses sight of it."""
    receiver = api(member("RS", JINJIANG, "clerk"))
    target = agency("RS", JINJIANG).pk
    api(clerk).post(f"/api/v1/cases/{case.pk}/transfer/", {"to_agency": target, "reason": "x"})
    assert receiver.post(f"/api/v1/cases/{case.pk}/cancel-transfer/").status_code == 403
    response = api(clerk).post(f"/api/v1/cases/{case.pk}/cancel-transfer/", {"reason": "选错"})
    assert response.status_code == 200
    assert response.json()["transfer_to"] is None
    assert receiver.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    again = api(clerk).post(f"/api/v1/cases/{case.pk}/cancel-transfer/")
    assert again.status_code == 409


def test_transfer_to_a_ministry_agency_answers_400(api, case, clerk, agency):
    """The ministry has no one to accept a case, so it is not a transfer target."""
    response = api(clerk).post(
        f"/api/v1/cases/{case.pk}/transfer/",
        {"to_agency": agency("BU", "510000").pk, "reason": "误选"},
    )
    assert response.status_code == 400
    assert "to_agency" in response.json()["extra"]["fields"]


def test_join_through_the_api(api, case, clerk, agency):
    other = services.case_create(
        actor=clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(persons=[person_payload(2)], certificate_user_unit=unit_payload(50)),
    )
    response = api(clerk).post(f"/api/v1/cases/{case.pk}/join/", {"other": other.pk})
    assert response.status_code == 200
    assert [link["id"] for link in response.json()["links"]] == [other.pk]


@pytest.fixture
def joined_across_counties(agency, member):
    """Return (a, b): a 锦江 case and a 青羊 case joined by a Chengdu city clerk."""
    city_clerk = member("ZJ", CHENGDU, "clerk")
    a = services.case_create(actor=city_clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    b = services.case_create(
        actor=city_clerk,
        agency=agency("ZJ", QINGYANG),
        **case_payload(persons=[person_payload(7)], certificate_user_unit=unit_payload(7)),
    )
    services.case_join(actor=city_clerk, case=a, other=b)
    return a, b


def test_timeline_names_a_joined_case_only_to_those_who_may_see_it(
    api, member, joined_across_counties
):
    """A county clerk sees that its case was joined, not the other county's reference or id."""
    a, b = joined_across_counties
    county = api(member("ZJ", JINJIANG, "clerk"))
    assert county.get(f"/api/v1/cases/{b.pk}/").status_code == 404
    response = county.get(f"/api/v1/cases/{a.pk}/timeline/")
    assert response.status_code == 200
    joined = [e for e in response.json() if e["action"] == "case.joined"]
    assert joined == [{**joined[0], "data": {}}]
    assert b.reference not in response.content.decode()
    city = api(member("ZJ", CHENGDU, "inspector")).get(f"/api/v1/cases/{a.pk}/timeline/").json()
    data = next(e["data"] for e in city if e["action"] == "case.joined")
    assert data == {"other": b.pk, "other_reference": b.reference}


def test_timeline_shows_only_allowed_keys(api, case, clerk):
    """Timeline data passes an allow-list: recorded ids and unknown keys stay in the audit log."""
    from audit.services import audit_record

    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["bad_record"],
    )
    audit_record(
        actor=clerk,
        action="case.noted",
        target=case,
        changes={"internal": [1, 2], "status": ["a", "b"]},
        data={"secret": "x", "reason": "备注"},
    )
    events = api(clerk).get(f"/api/v1/cases/{case.pk}/timeline/").json()
    decided = next(e for e in events if e["action"] == "case.decided")
    assert set(decided["data"]["decision"]) <= {
        "decided_on",
        "document_number",
        "penalty_text",
        "referred_to_issuer",
        "issuer",
    }
    assert decided["data"]["decision"]["decided_on"] == "2019-03-20"
    assert "deciding_agency" not in decided["data"]["decision"]  # an id: stays in the log
    person = decided["data"]["outcomes"][0]
    assert (person["name"], person["result"], person["kinds"]) == (
        "李1",
        "established",
        ["bad_record"],
    )
    noted = events[-1]
    assert noted["data"] == {"reason": "备注"}
    assert noted["changes"] == {"status": ["a", "b"]}


def test_case_page_names_a_joined_case_only_to_those_who_may_see_it(
    client, member, joined_across_counties
):
    """The case page's timeline and history hide the other county's reference too."""
    a, b = joined_across_counties
    client.force_login(member("ZJ", JINJIANG, "clerk"))
    html = client.get(f"/cases/{a.pk}/").content.decode()
    assert "关联案件" in html
    assert b.reference not in html
    client.force_login(member("ZJ", CHENGDU, "clerk"))
    assert b.reference in client.get(f"/cases/{a.pk}/").content.decode()


def test_duplicate_notice_in_the_create_response(api, case, member):
    """An RS clerk entering a person ZJ has is told only that the person is known elsewhere."""
    rs = api(member("RS", JINJIANG, "clerk"))
    payload = body(
        persons=[person_payload(1, certificate=None, registered_unit=None, actual_unit=None)],
        certificate_user_unit=None,
    )
    response = rs.post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 201
    notices = response.json()["duplicate_notices"]
    assert notices == ["人员李1在其他机构的案件中也有登记（已通知有权查看的人员）。"]
    assert case.reference not in str(response.json())


# --------------------------------------------------------------------------- pickers


def test_person_picker_only_lists_persons_of_visible_cases(api, case, clerk, member):
    found = api(clerk).get("/api/v1/persons/?q=李").json()
    assert [p["name"] for p in found] == ["李1"]
    assert found[0]["id_number"] == case.parties.get().person.id_number
    assert api(member("ZJ", QINGYANG, "clerk")).get("/api/v1/persons/?q=李").json() == []
    inspector = api(member("ZJ", CHENGDU, "inspector")).get("/api/v1/persons/?q=李").json()
    assert inspector[0]["id_number"] is None
    assert "*" * 11 in inspector[0]["masked_id_number"]


def test_readers_outside_the_writing_chain_cannot_confirm_a_masked_number(api, case, clerk, member):
    """Inspectors read numbers masked: no search by number, partial or complete, confirms one."""
    full = case.parties.get().person.id_number
    inspector = api(member("ZJ", JINJIANG, "inspector"))
    for guess in (full[:12], full[:17], full[6:14], full, full.lower()):
        assert inspector.get("/api/v1/cases/", {"q": guess}).json()["count"] == 0
        assert inspector.get("/api/v1/persons/", {"q": guess}).json() == []
    # The name still finds the person, masked.
    found = inspector.get("/api/v1/persons/", {"q": "李1"}).json()
    assert [p["name"] for p in found] == ["李1"]
    assert found[0]["id_number"] is None
    # The owning clerk, who sees the full number anyway, keeps searching by part of it.
    own = api(clerk)
    assert own.get("/api/v1/cases/", {"q": full[6:14]}).json()["count"] == 1
    assert own.get("/api/v1/persons/", {"q": full[:12]}).json()[0]["id_number"] == full


def test_receiving_agency_of_a_transfer_cannot_confirm_a_masked_number(
    api, case, clerk, member, agency
):
    """The agency a case is offered to sees it masked, so no number search matches there."""
    services.case_transfer(
        actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="管辖调整"
    )
    receiver = api(member("ZJ", QINGYANG, "clerk"))
    full = case.parties.get().person.id_number
    for guess in (full[:14], full):
        assert receiver.get("/api/v1/cases/", {"q": guess}).json()["count"] == 0
        assert receiver.get("/api/v1/persons/", {"q": guess}).json() == []
    assert receiver.get("/api/v1/cases/", {"q": case.reference}).json()["count"] == 1


def test_html_list_search_does_not_match_partial_masked_numbers(client, case, member):
    """The list page shares the filter: an inspector's number, partial or whole, finds nothing."""
    full = case.parties.get().person.id_number
    client.force_login(member("ZJ", CHENGDU, "inspector"))
    assert case.reference not in client.get("/cases/", {"q": full[:12]}).content.decode()
    assert case.reference not in client.get("/cases/", {"q": full}).content.decode()


def test_unit_picker_searches_names_and_codes_of_visible_cases(api, case, clerk, member):
    """Readers browse the units of cases they may see, by name or the start of the code."""
    by_name = api(clerk).get("/api/v1/units/?q=设计院").json()
    assert [u["name"] for u in by_name] == ["成都某某设计院1"]
    code = unit_payload(1)["uscc"]
    assert api(clerk).get(f"/api/v1/units/?q={code[:10]}").json()[0]["uscc"] == code
    inspector = api(member("ZJ", CHENGDU, "inspector"))
    assert [u["name"] for u in inspector.get("/api/v1/units/?q=设计院").json()] == [
        "成都某某设计院1"
    ]


def test_unit_picker_hides_other_jurisdictions_units_even_by_full_code(api, case, member):
    """Another department's clerk cannot find the unit, not even by its whole code: a unit is
    in the register only because a case names it, so a hit would tell it is investigated."""
    client = api(member("RS", QINGYANG, "clerk"))
    assert client.get("/api/v1/units/?q=设计院").json() == []
    assert client.get("/api/v1/units/").json() == []
    code = unit_payload(1)["uscc"]
    assert client.get(f"/api/v1/units/?q={code[:17]}").json() == []
    assert client.get(f"/api/v1/units/?q={code.lower()}").json() == []
    # An inspector elsewhere does not enter cases, so the full code finds nothing for them.
    inspector = api(member("RS", QINGYANG, "inspector"))
    assert inspector.get(f"/api/v1/units/?q={code}").json() == []


def test_unit_picker_gives_ministry_users_nothing(api, case, member):
    """Ministry users (no reading role) cannot enumerate units, not even by a full code."""
    ministry = api(member("BU", "510000", "ministry"))
    assert ministry.get("/api/v1/units/").json() == []
    assert ministry.get(f"/api/v1/units/?q={unit_payload(1)['uscc']}").json() == []


# --------------------------------------------------------------------------- filters


def test_filters_of_the_list(api, agency, clerk, member):
    city_clerk = member("ZJ", CHENGDU, "clerk")
    a = services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    architect = person_payload(
        2, certificate={"category": "architect", "level": "2", "number": "A-2"}
    )
    b = services.case_create(
        actor=city_clerk,
        agency=agency("ZJ", QINGYANG),
        **case_payload(
            persons=[architect],
            source="complaint",
            violations=["certificate_trading"],
            certificate_user_unit=unit_payload(60),
        ),
    )
    services.case_decide(
        actor=clerk,
        case=a,
        decided_on=datetime.date(2019, 4, 3),
        outcome="established",
        self_corrected=True,
        self_corrected_on=datetime.date(2019, 3, 1),
    )
    client = api(city_clerk)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {a.pk, b.pk}
    assert ids("status=decided") == {a.pk}
    assert ids("source=complaint") == {b.pk}
    assert ids("violation=certificate_trading") == {b.pk}
    assert ids("certificate_category=architect") == {b.pk}
    assert ids("decided_month=2019-04") == {a.pk}
    assert ids("decided_month=2019-03") == set()
    assert ids(f"region={JINJIANG}") == {a.pk}
    assert ids(f"region={CHENGDU}") == {a.pk, b.pk}
    assert ids("q=李2") == {b.pk}
    assert ids("q=A-2") == {b.pk}
    assert ids(f"q={a.reference}") == {a.pk}
    assert ids(f"q={a.parties.get().person.id_number[-6:]}") == {a.pk}
    assert ids("q=成都某某设计院1") == {a.pk}
    rows = client.get("/api/v1/cases/?ordering=-reference").json()["results"]
    assert [r["reference"] for r in rows] == sorted([a.reference, b.reference], reverse=True)


# --------------------------------------------------------------------------- query counts


def make_cases(agency_obj, clerk, n: int) -> None:
    for i in range(n):
        persons = [person_payload(100 + i), person_payload(300 + i)]
        case = services.case_create(
            actor=clerk,
            agency=agency_obj,
            **case_payload(persons=persons, certificate_user_unit=unit_payload(700 + i)),
        )
        if i % 2:
            services.case_decide(
                actor=clerk,
                case=case,
                decided_on=datetime.date(2019, 3, 20),
                outcome="established",
                measures=["bad_record"],
            )


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow_with_rows(
    api, agency, clerk, rows, django_assert_max_num_queries
):
    """The list costs the same handful of queries for 1 row and for 50 (no N+1)."""
    make_cases(agency("ZJ", JINJIANG), clerk, rows)
    client = api(clerk)
    # Memberships, visible agency ids, capped count, the page's ids, its rows (the case-wide
    # outcome as two EXISTS) and parties.
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/cases/?q=李&ordering=-opened_on")
    assert response.status_code == 200
    assert len(response.json()["results"]) == rows
    # A number search checks the scope inside the query, and is audited: the user's recent
    # look-ups counted (the limit), the look-up recorded.
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/cases/?q=510104&ordering=-opened_on")
    assert len(response.json()["results"]) == rows


def test_list_rows_built_by_hand_equal_the_declared_serializer(agency, clerk):
    """The list's hand-built rows (speed, issue 14) are exactly what DRF builds from the
    declared fields, for decided and undecided cases, with and without a using unit."""
    from rest_framework import serializers as drf

    from cases.api.serializers import CaseListSerializer
    from cases.selectors import case_list_rows, with_list_parties

    make_cases(agency("ZJ", JINJIANG), clerk, 4)
    services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    serializer = CaseListSerializer()
    rows = with_list_parties(list(case_list_rows(user=clerk)))
    assert len(rows) == 5
    for case in rows:
        assert serializer.to_representation(case) == drf.ModelSerializer.to_representation(
            serializer, case
        )


def test_month_filter_keeps_the_lists_order(api, agency, clerk):
    """Filtered by the month of decision, the list is still newest opened first (the sort is
    written so no index provides it, for the planner's sake), and a chosen order still wins."""
    from tests.factories import CaseFactory

    jinjiang = agency("ZJ", JINJIANG)
    opened = [datetime.date(2019, 1, d) for d in (5, 20, 12)]
    cases = [
        CaseFactory(agency=jinjiang, status="decided", opened_on=day, decided_on="2019-03-10")
        for day in opened
    ]
    CaseFactory(agency=jinjiang, status="decided", opened_on="2019-01-25", decided_on="2019-04-02")
    url = "/api/v1/cases/?decided_month=2019-03"
    ids = [row["id"] for row in api(clerk).get(url).json()["results"]]
    assert ids == [cases[1].pk, cases[2].pk, cases[0].pk]
    ids = [row["id"] for row in api(clerk).get(url + "&ordering=opened_on").json()["results"]]
    assert ids == [cases[0].pk, cases[2].pk, cases[1].pk]
