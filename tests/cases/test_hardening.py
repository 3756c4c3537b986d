"""Issue 8's findings on the case register, each reproduced as a test that failed before the fix."""

import datetime
import threading
import traceback

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from audit.models import AuditEvent
from cases import services
from cases.models import Case, Certificate, Decision, Evidence, Person, Unit
from core.errors import DomainError
from tests.cases.payloads import case_payload, pdf_file, person_payload, unit_payload
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

JINJIANG, QINGYANG, CHENGDU = "510104", "510105", "510100"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def case(agency, clerk):
    return services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())


def to_full_width(text: str) -> str:
    """Return ``text`` as a Chinese input method in full-width mode types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --------------------------------------------------------------------------- 1. masked numbers


def test_number_lookups_are_audited_masked_and_hashed(api, case, member):
    """A search by number is recorded with the number masked and hashed, never in clear."""
    full = case.parties.get().person.id_number
    inspector = member("ZJ", CHENGDU, "inspector")
    api(inspector).get("/api/v1/persons/", {"q": full})
    api(inspector).get("/api/v1/cases/", {"q": full[:10]})
    events = AuditEvent.objects.filter(action="search.id_number", actor=inspector)
    assert sorted(e.data["source"] for e in events) == ["cases", "persons"]
    for event in events:
        assert full not in str(event.data)
        assert len(event.data["sha256"]) == 64
    # A search by name is no look-up by number.
    api(inspector).get("/api/v1/persons/", {"q": "李"})
    assert events.count() == 2


@override_settings(ID_LOOKUP_LIMIT=(3, 3600))
def test_number_lookups_are_limited_per_user(api, client, case, member):
    """Past the limit a user's number searches are refused (429 / a page saying so)."""
    inspector = member("ZJ", CHENGDU, "inspector")
    full = case.parties.get().person.id_number
    for _attempt in range(3):
        assert api(inspector).get("/api/v1/persons/", {"q": full}).status_code == 200
    refused = api(inspector).get("/api/v1/cases/", {"q": full})
    assert refused.status_code == 429
    assert "过于频繁" in refused.json()["message"]
    client.force_login(inspector)
    page = client.get("/cases/", {"q": full})
    assert page.status_code == 429
    assert "过于频繁" in page.content.decode()
    # Another user has their own allowance; searching by name is never limited.
    other = api(member("ZJ", CHENGDU, "inspector"))
    assert other.get("/api/v1/cases/", {"q": full}).status_code == 200
    assert api(inspector).get("/api/v1/cases/", {"q": "李1"}).status_code == 200


def test_the_mask_hides_birth_date_sequence_and_sex():
    """Only the address code and the check character of an 18-digit number stay visible."""
    from cases.identifiers import mask_id_number

    assert mask_id_number("11010519491231002X") == "110105***********X"
    assert mask_id_number("E12345678") == "*******78"


# --------------------------------------------------------------------------- 5. entry oracle


def test_entry_answers_the_same_for_a_right_and_a_wrong_name_of_an_unseen_person(api, case, member):
    """Another department's clerks learn nothing from the name: both entries are taken alike."""
    number = case.parties.get().person.id_number
    answers = []
    for region, name in ((QINGYANG, "李1"), ("510106", "王五")):
        rs = api(member("RS", region, "clerk"))
        payload = case_payload(
            persons=[person_payload(1, name=name, id_number=number, certificate=None)],
            certificate_user_unit=None,
        )
        payload["opened_on"] = str(payload["opened_on"])
        response = rs.post("/api/v1/cases/", payload, format="json")
        assert response.status_code == 201
        answers.append(response.json()["duplicate_notices"])
    assert answers[0] == [n.replace("王五", "李1") for n in answers[1]]
    assert AuditEvent.objects.filter(action="person.name_differs").count() == 1
    # The wrong guesser now sees the person through their own case, under their own name only.
    found = rs.get("/api/v1/persons/", {"q": "王五"}).json()
    assert [p["name"] for p in found] == ["王五"]
    assert rs.get("/api/v1/persons/", {"q": "李1"}).json() == []


# --------------------------------------------------------------------------- 6. full width


def test_full_width_digits_are_the_same_person(agency, clerk, member):
    """５１０１… typed by an input method is the person entered as 5101…, not a second one."""
    number = valid_resident_id(7, birth="19800101")
    services.case_create(
        actor=clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(persons=[person_payload(7, id_number=number)]),
    )
    wide = to_full_width(number.lower())
    services.case_create(
        actor=clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(
            persons=[person_payload(7, id_number=wide, certificate=None)],
            certificate_user_unit={"name": "某单位", "uscc": to_full_width(valid_uscc(42))},
        ),
    )
    assert Person.objects.filter(id_number=number).count() == 1
    assert Person.objects.count() == 1
    assert Unit.objects.filter(uscc=valid_uscc(42)).exists()


def test_digits_of_other_scripts_are_refused(agency, clerk):
    """Arabic-Indic or Devanagari digits are digits to Python, not to GB 11643."""
    number = valid_resident_id(8, birth="19800101")
    foreign = "٥" + number[1:]  # Arabic-Indic five
    with pytest.raises(DomainError) as refused:
        services.case_create(
            actor=clerk,
            agency=agency("ZJ", JINJIANG),
            **case_payload(persons=[person_payload(8, id_number=foreign)]),
        )
    assert "persons[0].id_number" in refused.value.fields


def test_certificate_numbers_fold_full_width_too(agency, clerk):
    """A certificate number typed in full width is the same certificate."""
    services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    first = person_payload(1)
    first["certificate"] = {**first["certificate"], "number": to_full_width("川151000000001")}
    services.case_create(
        actor=clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(persons=[first], certificate_user_unit=None),
    )
    assert Certificate.objects.count() == 1


# --------------------------------------------------------------------------- 8. 500s


@pytest.mark.parametrize(
    "params", [{"q": "李\x00"}, {"region": "5101\x00"}, {"decided_month": "\x00"}]
)
def test_nul_in_a_query_string_is_a_400_not_a_500(api, client, case, clerk, params):
    """A NUL byte in any query parameter is refused before it reaches PostgreSQL."""
    response = api(clerk).get("/api/v1/cases/", params)
    assert response.status_code == 400
    assert "控制字符" in response.json()["message"]
    client.force_login(clerk)
    assert client.get("/cases/", params).status_code == 400
    assert api(clerk).get("/api/v1/persons/", params).status_code == 400


def test_nul_in_names_is_refused_naming_the_field(api, clerk):
    """A NUL in a person's or a unit's name is a 400 naming the field; nothing is written."""
    payload = case_payload(
        persons=[person_payload(1, name="李\x00一")],
        certificate_user_unit={"name": "单位\x00", "uscc": ""},
    )
    payload["opened_on"] = str(payload["opened_on"])
    response = api(clerk).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert "persons[0].name" in fields
    assert "certificate_user_unit.name" in fields
    assert Case.objects.count() == 0


@pytest.mark.parametrize("body", ["null", "[]", '"text"', "3"])
def test_a_body_that_is_no_json_object_is_a_400(api, case, clerk, body):
    """Every endpoint reading named fields refuses null, a list, a string or a number."""
    client = api(clerk)
    for url in ("/api/v1/cases/", f"/api/v1/cases/{case.pk}/decide/", "/api/v1/reports/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, url
        assert "JSON 对象" in response.json()["message"]


def test_decision_texts_longer_than_their_columns_are_refused(api, case, clerk):
    """A 文号 of 101 characters is a 400 naming the field, not a database error."""
    response = api(clerk).post(
        f"/api/v1/cases/{case.pk}/decide/",
        {
            "decided_on": "2019-03-20",
            "outcome": "established",
            "measures": ["bad_record"],
            "document_number": "文" * 101,
            "self_correction_text": "改" * 201,
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert "document_number" in fields
    assert "outcomes[0].self_correction_text" in fields
    assert not Decision.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_transfer_answered_three_ways_at_once_gives_one_winner_and_no_500(
    reference, agency, member
):
    """Accept, reject and cancel at the same moment: one wins, the others get 409 or 404."""
    from rest_framework.test import APIClient

    clerk = member("ZJ", JINJIANG, "clerk")
    case = services.case_create(actor=clerk, agency=agency("ZJ", JINJIANG), **case_payload())
    services.case_transfer(actor=clerk, case=case, to_agency=agency("ZJ", QINGYANG), reason="调")
    receiver = member("ZJ", QINGYANG, "clerk")
    calls = [
        (receiver, f"/api/v1/cases/{case.pk}/accept-transfer/", {}),
        (receiver, f"/api/v1/cases/{case.pk}/reject-transfer/", {"reason": "不属本局"}),
        (clerk, f"/api/v1/cases/{case.pk}/cancel-transfer/", {}),
    ]
    barrier, statuses = threading.Barrier(len(calls)), []

    def call(user, url, data):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            statuses.append(client.post(url, data, format="json").status_code)
        except Exception:  # a 500 raised through the test client: record where
            statuses.append(traceback.format_exc(limit=-4))
        finally:
            connection.close()

    threads = [threading.Thread(target=call, args=args) for args in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(200) == 1, statuses
    assert all(code in (200, 404, 409) for code in statuses), statuses


# --------------------------------------------------------------------------- 9. supervising


def test_supervising_bureau_clerks_read_but_do_not_write(api, agency, member):
    """A 成都铁路监督管理局 clerk may not register or decide cases (the bureaus read)."""
    tl_clerk = member("TL", "510000", "clerk")
    with pytest.raises(DomainError) as refused:
        services.case_create(actor=tl_clerk, agency=agency("TL", "510000"), **case_payload())
    assert refused.value.code == "not_found"
    payload = case_payload()
    payload["opened_on"] = str(payload["opened_on"])
    response = api(tl_clerk).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


# --------------------------------------------------------------------------- 10. evidence


def test_evidence_is_stored_and_served_with_the_extension_of_its_content(api, case, clerk):
    """A PDF uploaded as 证明.exe is kept and downloaded as 证明.pdf."""
    upload = SimpleUploadedFile("证明.exe", PDF, content_type="application/octet-stream")
    evidence = services.evidence_add(actor=clerk, case=case, uploaded_file=upload)
    assert evidence.original_name == "证明.pdf"
    assert evidence.sha256 in evidence.file.name
    assert evidence.file.name.endswith(".pdf")
    download = api(clerk).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert ".pdf" in download["Content-Disposition"]
    assert ".exe" not in download["Content-Disposition"]


def test_evidence_names_lose_paths_and_control_characters(case, clerk):
    """A name like ../../etc/x\\x01.pdf.js is reduced to a plain stem with the real extension."""
    upload = pdf_file(name="../../etc/x\x01.pdf.js")
    evidence = services.evidence_add(actor=clerk, case=case, uploaded_file=upload)
    assert evidence.original_name == "x_.pdf.pdf"
    assert Evidence.objects.count() == 1


# --------------------------------------------------------------------------- 13. dates


def test_dates_before_the_campaign_are_refused(agency, clerk):
    """A case opened in year 1 is refused with the earliest day named."""
    with pytest.raises(DomainError) as refused:
        services.case_create(
            actor=clerk,
            agency=agency("ZJ", JINJIANG),
            **case_payload(opened_on=datetime.date(1, 1, 1)),
        )
    assert "2019年1月1日" in refused.value.fields["opened_on"][0]


def test_report_months_before_the_first_reporting_month_are_refused(api, agency, member):
    """A report for month "1-01" or 2018 is refused, not created."""
    from reports.models import Report

    clerk = member("ZJ", JINJIANG, "clerk")
    client = api(clerk)
    for month in ("1-01", "0001-01", "2018-12"):
        response = client.post(
            "/api/v1/reports/", {"agency": agency("ZJ", JINJIANG).pk, "month": month}
        )
        assert response.status_code == 400, month
    assert not Report.objects.exists()


# --------------------------------------------------------------------------- 14. silent writes


def test_a_patch_that_changes_nothing_writes_nothing(api, case, clerk):
    """Sending a case's own values back moves no timestamp and records no event."""
    before = Case.objects.get(pk=case.pk).updated_at
    events = AuditEvent.objects.count()
    response = api(clerk).patch(
        f"/api/v1/cases/{case.pk}/", {"summary": case.summary}, format="json"
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).updated_at == before
    assert AuditEvent.objects.count() == events


def test_changing_a_shared_unit_is_audited_and_told_to_the_other_agencies(agency, member):
    """A unit's kind set by another department's entry is audited and its agencies notified."""
    zj_clerk = member("ZJ", JINJIANG, "clerk")
    unit = unit_payload(3)
    services.case_create(
        actor=zj_clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(certificate_user_unit=unit),
    )
    assert Unit.objects.get(uscc=unit["uscc"]).kind == "other"
    rs_clerk = member("RS", QINGYANG, "clerk")
    services.case_create(
        actor=rs_clerk,
        agency=agency("RS", QINGYANG),
        **case_payload(persons=[person_payload(9)], hr_agency=unit, certificate_user_unit=None),
    )
    assert Unit.objects.get(uscc=unit["uscc"]).kind == "hr_agency"
    event = AuditEvent.objects.get(action="unit.updated")
    assert event.changes == {"kind": ["other", "hr_agency"]}
    assert event.actor == rs_clerk
    assert zj_clerk.notifications.filter(key__startswith="shared-change:Unit:").count() == 1
    assert not rs_clerk.notifications.filter(key__startswith="shared-change:").exists()


def test_filling_a_certificates_registered_unit_is_audited(agency, clerk, member):
    """A certificate's registered unit filled in by a later entry is audited, with its case."""
    first = person_payload(4, registered_unit=None)
    services.case_create(
        actor=clerk,
        agency=agency("ZJ", JINJIANG),
        **case_payload(persons=[first], certificate_user_unit=None),
    )
    other = member("ZJ", QINGYANG, "clerk")
    services.case_create(
        actor=other,
        agency=agency("ZJ", QINGYANG),
        **case_payload(persons=[person_payload(4)], certificate_user_unit=None),
    )
    event = AuditEvent.objects.get(action="certificate.updated")
    assert event.changes["registered_unit"][0] is None
    assert clerk.notifications.filter(key__startswith="shared-change:Certificate:").exists()
