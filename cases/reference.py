"""Certificate types (执业资格类别, DOMAIN.md §7) as data, with the department responsible for each.

Kept in one place so a correction is one edit. Admins may add types in the admin; the loader only
creates missing rows and fills a missing department, never renaming what an admin changed.
"""

from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class CertificateTypeSpec:
    category: str
    level: str  # "1", "2", "临时" or "" (no level)
    specialty: str
    title: str
    department: str  # Department.code


def _constructor(level: str, specialty: str, department: str) -> CertificateTypeSpec:
    prefix = {"1": "一级", "2": "二级"}[level]
    return CertificateTypeSpec(
        "constructor", level, specialty, f"{prefix}建造师（{specialty}）", department
    )


def _cost(level: str, specialty: str, department: str) -> CertificateTypeSpec:
    prefix = {"1": "一级", "2": "二级"}[level]
    return CertificateTypeSpec(
        "cost_engineer", level, specialty, f"{prefix}造价工程师（{specialty}）", department
    )


# Which department supervises which constructor specialty (DOMAIN.md §2 and §7).
CONSTRUCTOR_SPECIALTIES = {
    "建筑工程": "ZJ",
    "公路工程": "JT",
    "铁路工程": "TL",
    "民航机场工程": "MH",
    "港口与航道工程": "JT",
    "水利水电工程": "SL",
    "市政公用工程": "ZJ",
    "通信与广电工程": "TX",
    "矿业工程": "ZJ",
    "机电工程": "ZJ",
}
CONSTRUCTOR_LEVEL_2 = (
    "建筑工程",
    "公路工程",
    "水利水电工程",
    "市政公用工程",
    "矿业工程",
    "机电工程",
)

CERTIFICATE_TYPES: tuple[CertificateTypeSpec, ...] = (
    CertificateTypeSpec("architect", "1", "", "一级注册建筑师", "ZJ"),
    CertificateTypeSpec("architect", "2", "", "二级注册建筑师", "ZJ"),
    CertificateTypeSpec("survey_engineer", "1", "结构", "一级注册结构工程师", "ZJ"),
    CertificateTypeSpec("survey_engineer", "2", "结构", "二级注册结构工程师", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "岩土", "注册土木工程师（岩土）", "ZJ"),
    CertificateTypeSpec(
        "survey_engineer", "", "港口与航道工程", "注册土木工程师（港口与航道工程）", "ZJ"
    ),
    CertificateTypeSpec(
        "survey_engineer", "", "水利水电工程", "注册土木工程师（水利水电工程）", "ZJ"
    ),
    CertificateTypeSpec("survey_engineer", "", "道路工程", "注册土木工程师（道路工程）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "发输变电", "注册电气工程师（发输变电）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "供配电", "注册电气工程师（供配电）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "给水排水", "注册公用设备工程师（给水排水）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "暖通空调", "注册公用设备工程师（暖通空调）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "动力", "注册公用设备工程师（动力）", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "化工", "注册化工工程师", "ZJ"),
    CertificateTypeSpec("survey_engineer", "", "环保", "注册环保工程师", "ZJ"),
    *(_constructor("1", s, d) for s, d in CONSTRUCTOR_SPECIALTIES.items()),
    *(_constructor("2", s, CONSTRUCTOR_SPECIALTIES[s]) for s in CONSTRUCTOR_LEVEL_2),
    CertificateTypeSpec("constructor", "临时", "", "建造师临时执业证书", "ZJ"),
    CertificateTypeSpec(
        "supervision_engineer", "", "土木建筑工程", "监理工程师（土木建筑工程）", "ZJ"
    ),
    CertificateTypeSpec(
        "supervision_engineer", "", "交通运输工程", "监理工程师（交通运输工程）", "JT"
    ),
    CertificateTypeSpec("supervision_engineer", "", "水利工程", "监理工程师（水利工程）", "SL"),
    *(
        _cost(level, s, d)
        for level in ("1", "2")
        for s, d in (
            ("土木建筑工程", "ZJ"),
            ("安装工程", "ZJ"),
            ("交通运输工程", "JT"),
            ("水利工程", "SL"),
        )
    ),
)

# Spellings of a level that forms, spreadsheets and other systems send.
LEVEL_ALIASES = {
    "1": "1",
    "一级": "1",
    "一": "1",
    "2": "2",
    "二级": "2",
    "二": "2",
    "临时": "临时",
    "临时执业": "临时",
    "": "",
    "none": "",
    "null": "",
}


def normalize_level(value) -> str | None:
    """Return the stored level for an input spelling ("一级" → "1"), or None when unknown."""
    text = "" if value is None else str(value).strip()
    return LEVEL_ALIASES.get(text.lower())


@transaction.atomic
def certificate_types_load() -> int:
    """Create the certificate types of DOMAIN.md §7 that are missing; return how many were new."""
    from agencies.models import Department
    from cases.models import CertificateType

    departments = {d.code: d for d in Department.objects.all()}
    existing = {(t.category, t.level, t.specialty): t for t in CertificateType.objects.all()}
    created = 0
    for spec in CERTIFICATE_TYPES:
        department = departments.get(spec.department)
        current = existing.get((spec.category, spec.level, spec.specialty))
        if current is None:
            CertificateType.objects.create(
                category=spec.category,
                level=spec.level,
                specialty=spec.specialty,
                title=spec.title,
                department=department,
            )
            created += 1
        elif current.department_id is None and department is not None:
            current.department = department
            current.save(update_fields=["department"])
    return created
