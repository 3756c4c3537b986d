"""Self-inspection declarations: registration, the phase, the import, and what they support."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from cases import services as case_services
from cases.models import Person
from core.errors import DomainError
from declarations import imports, services
from declarations.models import Declaration, DeclaredPerson
from tests.cases.payloads import case_payload, person_payload, unit_payload
from tests.factories import valid_resident_id, valid_uscc

D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
pytestmark = pytest.mark.django_db


def declared(seq: int, **overrides) -> dict:
    return {
        **person_payload(seq),
        "actions": ["deregistration_applied"],
        "rectified": True,
        "rectified_on": D(2019, 1, 20),
        **overrides,
    }


def body(**overrides) -> dict:
    values = {
        "declarant": "unit",
        "unit": unit_payload(1),
        "declared_on": D(2019, 1, 22),
        "summary": "自查发现注册未到岗人员。",
        "persons": [declared(1)],
    }
    values.update(overrides)
    return values


@pytest.fixture
def clerk(member):
    return member("ZJ", "510104", "clerk")


@pytest.fixture
def declare(agency, clerk):
    def make(actor=None, where=("ZJ", "510104"), **overrides):
        return services.declaration_create(
            actor=actor or clerk, agency=agency(*where), **body(**overrides)
        )

    return make


def test_a_declaration_is_registered_with_its_persons_and_audited(declare, clerk):
    declaration = declare()
    assert declaration.reference == "ZJ-510104-ZC2019-0001"
    assert declaration.campaign.code == "sc-2019"
    (item,) = declaration.persons.all()
    assert (item.name, item.rectified, item.actions) == ("李1", True, ["deregistration_applied"])
    assert item.registered_unit.uscc == unit_payload(1)["uscc"]
    event = AuditEvent.objects.get(action="declaration.created")
    assert event.actor == clerk
    assert valid_resident_id(1, birth="19750315") not in str(event.data)  # masked in the log


def test_a_declaration_outside_the_self_inspection_phase_is_refused(declare):
    with pytest.raises(DomainError) as refused:
        declare(declared_on=D(2019, 4, 2))
    assert refused.value.fields["declared_on"] == [
        "申报日期应在自查自纠阶段内（2019年1月1日至2019年3月31日）。"
    ]
    assert not Declaration.objects.exists()
    declare(declared_on=D(2019, 3, 31))  # the last day of the extended phase


def test_every_problem_is_named_and_nothing_is_written(declare):
    with pytest.raises(DomainError) as refused:
        declare(
            unit={"name": "某单位", "uscc": ""},
            persons=[declared(1, rectified_on=None), declared(1, actions=["蒸发"])],
        )
    fields = refused.value.fields
    assert "请填写申报单位的统一社会信用代码。" in fields["unit.uscc"]
    assert "请填写日期。" in fields["persons[0].rectified_on"]
    assert "与第1名人员的证件号码重复。" in fields["persons[1].id_number"]
    assert "未知的整改措施" in fields["persons[1].actions"][0]
    assert not Declaration.objects.exists()
    assert not Person.objects.exists()


# --------------------------------------------------------------------------- 自查自纠 in a decision


@pytest.fixture
def case(agency, clerk):
    return case_services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(opened_on=D(2019, 4, 8))
    )


def decide(clerk, case, **outcome):
    party = case.parties.get()
    return case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on=D(2019, 4, 20),
        outcomes=[{"party": party.pk, "result": "established", "self_corrected": True, **outcome}],
    )


def test_self_correction_without_a_declaration_or_a_date_in_the_phase_is_refused(clerk, case):
    with pytest.raises(DomainError) as refused:
        decide(clerk, case)
    assert "未找到本专项整治中该对象整改到位的自查自纠申报" in str(refused.value.fields)
    with pytest.raises(DomainError):
        decide(clerk, case, self_corrected_on="2019-04-05")  # after the phase
    assert not hasattr(case, "decision") or case.decision is None


def test_a_rectification_date_inside_the_phase_supports_it(clerk, case):
    decision = decide(clerk, case, self_corrected_on="2019-03-15")
    outcome = decision.outcomes.get()
    assert outcome.self_correction_basis == "整改日期2019年3月15日在自查自纠阶段内"


def test_a_declaration_of_the_same_person_and_unit_supports_it(declare, clerk, case, member):
    other_county = member("ZJ", "510105", "clerk")  # declared elsewhere: the fact still counts
    declaration = declare(actor=other_county, where=("ZJ", "510105"))
    decision = decide(clerk, case)
    outcome = decision.outcomes.get()
    assert outcome.self_correction_basis == f"自查自纠申报 {declaration.reference}"
    assert outcome.self_corrected_on == D(2019, 1, 20)


def test_a_declaration_not_rectified_or_of_another_unit_does_not(declare, clerk, case):
    declare(persons=[declared(1, rectified=False, rectified_on=None)])
    declare(unit=unit_payload(33), persons=[declared(1, registered_unit=unit_payload(33))])
    with pytest.raises(DomainError):
        decide(clerk, case)


# --------------------------------------------------------------------------- visibility


def test_another_jurisdiction_s_declaration_answers_404_and_numbers_are_masked(
    declare, client, member, api
):
    declaration = declare()
    stranger = member("ZJ", "510105", "clerk")
    client.force_login(stranger)
    assert client.get(reverse("declarations:detail", args=[declaration.pk])).status_code == 404
    assert api(stranger).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    inspector = member("ZJ", "510100", "inspector")
    data = api(inspector).get(f"/api/v1/declarations/{declaration.pk}/").json()
    assert data["persons"][0]["id_number"].startswith("510104*")
    number = valid_resident_id(1, birth="19750315")
    found = api(inspector).get("/api/v1/declarations/", {"q": number}).json()
    assert found["results"] == []  # a masked number is not confirmable by search
    writer = member("ZJ", "510100", "clerk")
    assert len(api(writer).get("/api/v1/declarations/", {"q": number}).json()["results"]) == 1


def test_the_api_registers_a_declaration(api, clerk):
    payload = body(declared_on="2019-01-22")
    payload["persons"][0]["rectified_on"] = "2019-01-20"
    response = api(clerk).post("/api/v1/declarations/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["persons"][0]["id_number"] == valid_resident_id(1, birth="19750315")
    bad = api(clerk).post(
        "/api/v1/declarations/", body(declared_on="2019-06-01", persons=[]), format="json"
    )
    assert bad.status_code == 400
    assert "申报日期应在自查自纠阶段内" in str(bad.json())


# --------------------------------------------------------------------------- pages


def test_a_clerk_registers_a_paper_declaration_through_the_page(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("declarations:create")).status_code == 200
    person = declared(7)
    form = {
        "declarant": "unit",
        "unit_name": "四川某某建设工程有限公司7",
        "unit_uscc": valid_uscc(9007),
        "declared_on": "2019-02-01",
        "summary": "",
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "200",
        "persons-0-name": person["name"],
        "persons-0-id_type": "resident_id",
        "persons-0-id_number": person["id_number"],
        "persons-0-actions": ["deregistration_applied"],
        "persons-0-rectified": "on",
        "persons-0-rectified_on": "",
    }
    refused = client.post(reverse("declarations:create"), form)
    assert refused.status_code == 200
    assert "请填写日期。" in refused.content.decode()
    assert not Declaration.objects.exists()
    form["persons-0-rectified_on"] = "2019-01-30"
    saved = client.post(reverse("declarations:create"), form)
    assert saved.status_code == 302
    page = client.get(saved.url).content.decode()
    assert "已申请注销注册" in page
    assert client.get(reverse("declarations:list")).status_code == 200


# --------------------------------------------------------------------------- Excel import


def workbook(rows: list[dict]) -> bytes:
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book[imports.SHEET]
    keys = [c.key for c in imports.columns()]
    for values in rows:
        sheet.append([values.get(key, "") for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xrow(group: str, seq: int, **cells) -> dict:
    values = {
        "group": group,
        "declarant": "用人单位",
        "unit_name": f"四川某建设有限公司{group}",
        "unit_uscc": valid_uscc(6000 + int(group)),
        "declared_on": "2019-01-25",
        "name": f"王{seq}",
        "id_number": valid_resident_id(seq, birth="19800101"),
        "actions": "已申请注销注册",
        "rectified": "是",
        "rectified_on": "2019-01-24",
    }
    values.update(cells)
    return values


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _upload(client, run_jobs, content: bytes):
    with run_jobs():
        response = client.post(
            reverse("declarations:import"),
            {"file": SimpleUploadedFile("d.xlsx", content, content_type=XLSX), "check": "1"},
        )
    assert response.status_code == 302, response.content.decode()[:1500]
    return client.get(response.url)


def test_an_import_with_errors_names_row_and_column_and_writes_nothing(client, clerk, run_jobs):
    client.force_login(clerk)
    rows = [
        xrow("1", 1),
        xrow("1", 2, rectified_on="", declared_on=""),
        xrow("2", 3, declared_on="2019-05-01", actions="蒸发"),
    ]
    page = _upload(client, run_jobs, workbook(rows))
    errors = page.context["result"]["errors"]
    assert "第3行「整改完成日期」：请填写日期。" in errors
    assert (
        "第4行「申报日期」：申报日期应在自查自纠阶段内（2019年1月1日至2019年3月31日）。" in errors
    )
    assert any(e.startswith("第4行「整改措施」：未知的整改措施") for e in errors)
    assert not Declaration.objects.exists()
    assert not DeclaredPerson.objects.exists()


def test_a_clean_import_is_confirmed_and_creates_every_declaration(client, clerk, run_jobs):
    client.force_login(clerk)
    rows = [
        xrow("1", 1),
        xrow("1", 2),
        xrow("2", 3, declarant="专业技术人员本人", unit_name="", unit_uscc=""),
    ]
    page = _upload(client, run_jobs, workbook(rows))
    assert page.context["result"]["ok"], page.context["result"]
    assert "检查通过：2 个申报，3 名人员。" in page.content.decode()
    job = page.context["job"]
    with run_jobs():
        done = client.post(reverse("jobs:import_confirm", args=[job.pk]))
    result = client.get(done.url)
    assert "已导入 2 个申报（3 名人员）。" in result.content.decode()
    assert Declaration.objects.filter(channel="excel").count() == 2
    assert DeclaredPerson.objects.count() == 3
