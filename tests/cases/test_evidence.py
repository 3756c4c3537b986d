"""Evidence files: type checked by content, size limited, hashed, downloaded through scope."""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from cases import evidence as evidence_module
from cases import services
from cases.models import Case, Evidence
from core.errors import DomainError
from tests.cases.payloads import case_payload, pdf_file

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def docx_bytes() -> bytes:
    """Return a minimal Office Open XML word document (a zip with the telling parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def clerk(member):
    return member("ZJ", "510104", "clerk")


@pytest.fixture
def case(agency, clerk):
    return services.case_create(actor=clerk, agency=agency("ZJ", "510104"), **case_payload())


def test_pdf_is_stored_with_its_hash_and_audited(case, clerk):
    upload = pdf_file()
    content = upload.read()
    evidence = services.evidence_add(
        actor=clerk, case=case, uploaded_file=upload, description="处罚决定书"
    )
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(content)
    assert evidence.uploaded_by == clerk
    assert evidence.original_name == "处罚决定书.pdf"
    with evidence.file.open("rb") as fh:
        assert fh.read() == content
    event = AuditEvent.objects.get(action="case.evidence_added")
    assert event.data["sha256"] == evidence.sha256


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", PNG), ("材料.docx", docx_bytes())],
)
def test_images_and_office_documents_are_accepted(case, clerk, name, content):
    upload = SimpleUploadedFile(name, content)
    assert services.evidence_add(actor=clerk, case=case, uploaded_file=upload).pk


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"MZ\x90\x00 this is an executable pretending to be a pdf"),
        ("notes.pdf", "纯文本，不是PDF".encode()),
        ("archive.pdf", b"PK\x03\x04" + b"\0" * 40),
    ],
)
def test_type_is_checked_by_content_not_by_name(case, clerk, name, content):
    with pytest.raises(DomainError) as error:
        services.evidence_add(
            actor=clerk, case=case, uploaded_file=SimpleUploadedFile(name, content)
        )
    assert "file" in error.value.fields
    assert not Evidence.objects.exists()


def test_size_is_limited(case, clerk, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(DomainError) as error:
        services.evidence_add(actor=clerk, case=case, uploaded_file=pdf_file(size=2048))
    assert "file" in error.value.fields
    assert not Evidence.objects.exists()


def test_upload_list_and_download_through_the_api(api, case, clerk, member):
    client = api(clerk)
    response = client.post(
        f"/api/v1/cases/{case.pk}/evidence/",
        {"file": pdf_file(), "description": "证据一"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    evidence_id = response.json()["id"]
    listed = client.get(f"/api/v1/cases/{case.pk}/evidence/").json()
    assert [e["id"] for e in listed] == [evidence_id]
    download = client.get(f"/api/v1/evidence/{evidence_id}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    # the city inspector may read it; another county and another department may not
    assert (
        api(member("ZJ", "510100", "inspector"))
        .get(f"/api/v1/evidence/{evidence_id}/download/")
        .status_code
        == 200
    )
    for outsider in (member("ZJ", "510105", "clerk"), member("RS", "510104", "reviewer")):
        assert api(outsider).get(f"/api/v1/evidence/{evidence_id}/download/").status_code == 404
        assert api(outsider).get(f"/api/v1/evidence/{evidence_id}/").status_code == 404
    assert api().get(f"/api/v1/evidence/{evidence_id}/download/").status_code == 401


def test_bad_upload_answers_400_through_the_api(api, case, clerk):
    response = api(clerk).post(
        f"/api/v1/cases/{case.pk}/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()["extra"]["fields"]


def test_inspector_cannot_attach(api, case, member):
    response = api(member("ZJ", "510100", "inspector")).post(
        f"/api/v1/cases/{case.pk}/evidence/", {"file": pdf_file()}, format="multipart"
    )
    assert response.status_code == 403


def stored_files(root) -> list:
    return (
        [p for p in (root / "evidence").rglob("*") if p.is_file()]
        if (root / "evidence").exists()
        else []
    )


def test_a_failure_after_the_file_is_stored_removes_the_file(case, clerk, monkeypatch, tmp_path):
    """When recording the upload fails, neither the row nor the file written for it remains."""
    real_record = services.audit_record

    def failing_record(**kwargs):
        if kwargs["action"] == "case.evidence_added":
            raise RuntimeError("audit log unavailable")
        return real_record(**kwargs)

    monkeypatch.setattr(evidence_module, "audit_record", failing_record)
    with pytest.raises(RuntimeError):
        services.evidence_add(actor=clerk, case=case, uploaded_file=pdf_file())
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []


def test_a_file_another_evidence_row_refers_to_is_never_removed(case, clerk, tmp_path):
    """Cleaning up after a failed upload keeps any file that an evidence row still refers to."""
    kept = services.evidence_add(actor=clerk, case=case, uploaded_file=pdf_file())
    evidence_module.files_discard([kept.file.name])
    assert kept.file.storage.exists(kept.file.name)
    assert len(stored_files(tmp_path)) == 1


def test_upload_to_a_case_closed_meanwhile_is_refused_and_stores_nothing(case, clerk, tmp_path):
    """The status is read from the locked row, not from the caller's possibly stale copy."""
    stale = Case.objects.get(pk=case.pk)
    services.case_decide(
        actor=clerk,
        case=case,
        decided_on=datetime.date(2019, 3, 20),
        outcome="established",
        measures=["bad_record"],
    )
    services.case_close(actor=clerk, case=case)
    assert stale.status == Case.Status.REGISTERED
    with pytest.raises(DomainError) as refused:
        services.evidence_add(actor=clerk, case=stale, uploaded_file=pdf_file())
    assert refused.value.code == "conflict"
    assert not Evidence.objects.exists()
    assert stored_files(tmp_path) == []
