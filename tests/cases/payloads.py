"""Request bodies for the case register, shaped exactly like the API's (and the services')."""

import datetime

from tests.factories import valid_resident_id, valid_uscc

OPENED_ON = datetime.date(2019, 3, 2)


def unit_payload(seq: int, *, name: str | None = None) -> dict:
    return {"name": name or f"四川某某建设工程有限公司{seq}", "uscc": valid_uscc(9000 + seq)}


def person_payload(seq: int, **overrides) -> dict:
    """Return one person with a constructor certificate and both units."""
    person = {
        "name": f"李{seq}",
        "id_type": "resident_id",
        "id_number": valid_resident_id(seq, birth="19750315"),
        "is_public_employee": False,
        "certificate": {
            "category": "constructor",
            "level": "1",
            "specialty": "建筑工程",
            "number": f"川151{seq:09d}",
        },
        "registered_unit": unit_payload(seq),
        "actual_unit": unit_payload(500 + seq, name=f"成都某某设计院{seq}"),
    }
    person.update(overrides)
    return person


def case_payload(*, persons=None, **overrides) -> dict:
    """Return a case body with one person (seq 1) unless ``persons`` is given."""
    body = {
        "source": "self_inspection",
        "violations": ["unit_mismatch"],
        "opened_on": OPENED_ON,
        "summary": "注册单位与社保缴费单位不一致。",
        "persons": persons if persons is not None else [person_payload(1)],
        "certificate_user_unit": unit_payload(1),
        "hr_agency": None,
    }
    body.update(overrides)
    return body


def pdf_file(name: str = "处罚决定书.pdf", *, size: int = 0):
    """Return an uploaded file whose content is a (minimal) PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    content += b"\0" * max(0, size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")
