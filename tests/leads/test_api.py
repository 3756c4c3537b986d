"""The lead register's API: three-way access, filters, every action, pinned query counts."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case
from leads import services
from leads.models import Lead
from tests.cases.payloads import pdf_file
from tests.factories import CaseFactory, valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

URL = "/api/v1/leads/"
DAY = datetime.date(2019, 3, 12)
JINJIANG, QINGYANG = "510104", "510105"


def person(seq=1, *, unit_region=JINJIANG):
    return {
        "name": f"李{seq}",
        "id_number": valid_resident_id(seq, birth="19800101"),
        "certificate": {
            "category": "constructor",
            "level": "1",
            "specialty": "建筑工程",
            "number": f"川151{seq:09d}",
        },
        "registered_unit": {
            "name": f"四川测试建设有限公司{seq}",
            "uscc": valid_uscc(700 + seq, region=unit_region),
        },
    }


def register(user, agency, **fields):
    payload = {"source": "other", "received_on": DAY, "text": "反映某人挂证。", **fields}
    return services.lead_register(actor=user, agency=agency, **payload)


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def lead(clerk, agency):
    """A lead of 锦江区 住建, being verified there."""
    return register(clerk, agency("ZJ", JINJIANG), persons=[person(1)])


def test_leads_three_ways(api, lead, clerk, member):
    """Anonymous → 401; another county's clerk → 404; the holding agency's clerk → 200."""
    assert api().get(URL).status_code == 401
    assert api().get(f"{URL}{lead.pk}/").status_code == 401
    other = member("ZJ", QINGYANG, "clerk")
    assert api(other).get(f"{URL}{lead.pk}/").status_code == 404
    assert api(other).post(f"{URL}{lead.pk}/accept/").status_code == 404
    assert api(other).get(URL).json()["count"] == 0
    response = api(clerk).get(f"{URL}{lead.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["reference"] == lead.reference
    assert data["persons"][0]["id_number"] == person(1)["id_number"]  # the handler: in full


def test_parent_inspector_reads_lead_with_masked_numbers(api, lead, member):
    """A city inspector sees the county's lead, its document numbers masked."""
    inspector = member("ZJ", "510100", "inspector")
    data = api(inspector).get(f"{URL}{lead.pk}/").json()
    assert data["persons"][0]["id_number"] != person(1)["id_number"]
    assert "*" in data["persons"][0]["id_number"]


def test_list_filters_and_count(api, clerk, agency):
    """source, state, outcome, agency and q narrow the list; the page carries ``count``."""
    own = register(clerk, agency("ZJ", JINJIANG), persons=[person(2)], source="spot_check")
    register(clerk, agency("ZJ", JINJIANG), persons=[{"name": "王某"}])
    client = api(clerk)
    assert client.get(URL).json()["count"] == 2
    assert [r["id"] for r in client.get(URL, {"source": "spot_check"}).json()["results"]] == [
        own.pk
    ]
    assert client.get(URL, {"state": "triage"}).json()["count"] == 1
    assert client.get(URL, {"outcome": "duplicate"}).json()["count"] == 0
    assert client.get(URL, {"agency": agency("ZJ", JINJIANG).pk}).json()["count"] == 2
    assert client.get(URL, {"q": "王某"}).json()["count"] == 1
    assert client.get(URL, {"q": own.reference}).json()["results"][0]["id"] == own.pk
    assert client.get(URL, {"state": "nonsense"}).status_code == 400


def test_create_registers_and_routes(api, member, agency):
    """POST registers a lead at the caller's agency; one about a 青羊区 unit goes there."""
    province = member("ZJ", "510000", "clerk")
    body = {
        "source": "spot_check",
        "received_on": "2019-03-12",
        "text": "抽查发现。",
        "persons": [person(3, unit_region=QINGYANG)],
    }
    response = api(province).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["state"] == "pending"
    assert data["agency"]["id"] == agency("ZJ", QINGYANG).pk
    refused = api(province).post(URL, {**body, "text": "挂\u0000"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["extra"]["fields"]


def test_create_for_an_agency_outside_the_callers_reach_is_404(api, clerk, agency):
    """Naming another county's agency answers 404, as if it did not exist."""
    body = {"agency": agency("ZJ", QINGYANG).pk, "source": "other", "text": "x"}
    assert api(clerk).post(URL, body, format="json").status_code == 404
    assert api().post(URL, body, format="json").status_code == 401


def test_assign_accept_and_reject(api, member, agency):
    """Triage → assign to 青羊区 → its clerk sends it back → assigned again → accepted."""
    province = member("ZJ", "510000", "clerk")
    county = member("ZJ", QINGYANG, "clerk")
    lead = register(province, agency("ZJ", "510000"), persons=[{"name": "王某"}])
    target = agency("ZJ", QINGYANG).pk
    assigned = api(province).post(f"{URL}{lead.pk}/assign/", {"agency": target}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["state"] == "pending"
    no_reason = api(county).post(f"{URL}{lead.pk}/reject/", {}, format="json")
    assert no_reason.status_code == 400
    back = api(county).post(f"{URL}{lead.pk}/reject/", {"reason": "不属本区"}, format="json")
    assert back.status_code == 200
    assert back.json()["state"] == "triage"  # answered with what the county already saw
    assert api(county).get(f"{URL}{lead.pk}/").status_code == 404
    api(province).post(f"{URL}{lead.pk}/assign/", {"agency": target}, format="json")
    accepted = api(county).post(f"{URL}{lead.pk}/accept/")
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "verifying"
    again = api(county).post(f"{URL}{lead.pk}/accept/")
    assert again.status_code == 409
    assert again.json()["message"]


def test_inspector_may_read_but_not_act(api, lead, member):
    """An inspector of the city sees the lead (200) but accepting it is forbidden (403)."""
    inspector = member("ZJ", "510100", "inspector")
    response = api(inspector).post(f"{URL}{lead.pk}/close/", {"outcome": "unsubstantiated"})
    assert response.status_code == 403
    assert set(response.json()) == {"message", "extra"}


def test_close_unsubstantiated_then_refused_twice(api, lead, clerk):
    """Closing needs the outcome's reason; a closed lead refuses a second close (409)."""
    url = f"{URL}{lead.pk}/close/"
    missing = api(clerk).post(url, {"outcome": "unsubstantiated"}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["extra"]["fields"]
    closed = api(clerk).post(
        url, {"outcome": "unsubstantiated", "reason": "查无此人"}, format="json"
    )
    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["outcome"]) == ("closed", "unsubstantiated")
    assert api(clerk).post(url, {"outcome": "rectified", "reason": "x"}).status_code == 409


def test_close_opens_one_case_with_overrides(api, lead, clerk):
    """case_opened opens a case prefilled from the lead; ``case`` overrides its fields."""
    body = {
        "outcome": "case_opened",
        "reason": "查实",
        "case": {"violations": ["unit_mismatch"], "opened_on": "2019-03-20", "actor": "x"},
    }
    response = api(clerk).post(f"{URL}{lead.pk}/close/", body, format="json")
    assert response.status_code == 200, response.json()
    case = Case.objects.get(pk=response.json()["case"]["id"])
    assert case.violations == ["unit_mismatch"]
    assert case.opened_on == datetime.date(2019, 3, 20)
    assert api(clerk).post(f"{URL}{lead.pk}/close/", body, format="json").status_code == 409
    assert Case.objects.filter(leads=lead).count() == 1


def test_close_joined_case_and_duplicate(api, clerk, agency, lead):
    """joined_case names a visible case by id; duplicate another visible lead by id."""
    case = CaseFactory(agency=agency("ZJ", JINJIANG))
    joined = api(clerk).post(
        f"{URL}{lead.pk}/close/", {"outcome": "joined_case", "case": case.pk}, format="json"
    )
    assert joined.status_code == 200, joined.json()
    assert joined.json()["case"]["id"] == case.pk
    other = register(clerk, agency("ZJ", JINJIANG), persons=[person(5)])
    stranger = CaseFactory(agency=agency("ZJ", QINGYANG))
    refused = api(clerk).post(
        f"{URL}{other.pk}/close/", {"outcome": "joined_case", "case": stranger.pk}, format="json"
    )
    assert refused.status_code == 400
    huge = api(clerk).post(
        f"{URL}{other.pk}/close/", {"outcome": "duplicate", "duplicate_of": 10**15}, format="json"
    )
    assert huge.status_code == 400
    duplicate = api(clerk).post(
        f"{URL}{other.pk}/close/", {"outcome": "duplicate", "duplicate_of": lead.pk}, format="json"
    )
    assert duplicate.status_code == 200
    assert duplicate.json()["duplicate_of"]["id"] == lead.pk


def test_files_upload_checks_content(api, lead, clerk, member):
    """A PDF is attached (201); a program renamed .pdf is refused (400); others get 404."""
    url = f"{URL}{lead.pk}/files/"
    ok = api(clerk).post(url, {"file": pdf_file("核查.pdf"), "description": "笔录"})
    assert ok.status_code == 201, ok.json()
    assert ok.json()["content_type"] == "application/pdf"
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("核查.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    bad = api(clerk).post(url, {"file": exe})
    assert bad.status_code == 400
    assert "按文件内容识别" in bad.json()["message"]
    other = member("ZJ", QINGYANG, "clerk")
    assert api(other).post(url, {"file": pdf_file()}).status_code == 404
    assert lead.attachments.count() == 1


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_flat(api, clerk, agency, rows, django_assert_max_num_queries):
    """The list costs the same few queries for one lead as for thirty."""
    for seq in range(rows):
        register(clerk, agency("ZJ", JINJIANG), persons=[person(100 + seq)])
    client = api(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": 50})
    assert response.json()["count"] == rows


def test_detail_query_count_is_bounded(api, lead, clerk, django_assert_max_num_queries):
    """A lead's page costs a fixed number of queries, whatever it holds."""
    with django_assert_max_num_queries(14):
        assert api(clerk).get(f"{URL}{lead.pk}/").status_code == 200


def test_schema_builds_without_warnings(reference):
    """The OpenAPI schema, with the lead, complaint and public endpoints, has no warning."""
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in (
        "/api/v1/leads/{id}/close/",
        "/api/v1/complaints/{id}/waive-reply/",
        "/api/v1/public/complaints/",
        "/api/v1/public/complaints/{receipt}/",
    ):
        assert path in schema


def test_lead_state_choices_match_the_model():
    """The list's state filter offers the model's states (one source of truth)."""
    from leads.filters import LeadFilterSet

    assert dict(LeadFilterSet.base_filters["state"].extra["choices"]) == dict(Lead.State.choices)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"persons": ["李四"]}, "线索涉及人员："),
        ({"units": [{"name": "某\u0000公司"}]}, "第1项涉及单位·姓名："),
        ({"agency": 10**30}, "未找到该机构"),
        ({"received_on": "2019-02-30"}, "收到日期：日期不存在"),
    ],
)
def test_hostile_lead_bodies_are_400_or_404_in_chinese(api, clerk, body, message):
    """A list of strings for persons, NUL, a huge id, no such day: refused, never a 500."""
    payload = {"source": "other", "text": "x", "received_on": "2019-03-12", **body}
    response = api(clerk).post(URL, payload, format="json")
    assert response.status_code in (400, 404), response.content
    assert message in response.json()["message"]
    assert Lead.objects.count() == 0
