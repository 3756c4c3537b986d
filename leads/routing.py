"""Which agency a lead belongs to: department by the certificate or the unit, region by the
registered unit.

The department follows the certificate category (``CertificateType.department``: 公路工程
建造师 → 交通运输) or, for a lead about units only, the unit's kind (人力资源服务机构 → 人社,
施工、勘察设计、监理、造价 → 住建). Certificates of the supervising bureaus' specialties (铁路,
民航) are registered and handled by 住建. The region is the registering authority's code in the
统一社会信用代码 (characters 3–8) of the unit the certificate is registered with, else of the units
the lead names, else a unit's recorded region. Where either cannot be decided the lead waits in
a triage queue (``Lead.State.TRIAGE``) for a person to route it.
"""

from __future__ import annotations

from agencies.models import Agency, Department, Region
from cases.models import Unit

LEAD_DEPARTMENT = "ZJ"
UNIT_KIND_DEPARTMENTS = {
    Unit.Kind.HR_AGENCY: "RS",
    Unit.Kind.CONSTRUCTION: "ZJ",
    Unit.Kind.SURVEY_DESIGN: "ZJ",
    Unit.Kind.SUPERVISION: "ZJ",
    Unit.Kind.COST_CONSULTING: "ZJ",
}


def uscc_region_code(uscc: str | None) -> str | None:
    """Return the registering authority's region code of a 统一社会信用代码 (its 3rd–8th)."""
    if not uscc or len(uscc) != 18:
        return None
    code = uscc[2:8]
    return code if code.isdigit() else None


def department_code_for(*, certificate_types=(), unit_kinds=()) -> str | None:
    """Return the department code the certificates (first) or the units' kinds point to."""
    for certificate_type in certificate_types:
        if certificate_type is None:
            continue
        department = certificate_type.department
        if department is None or department.kind != Department.Kind.REPORTING:
            return LEAD_DEPARTMENT
        return department.code
    for kind in unit_kinds:
        if kind in UNIT_KIND_DEPARTMENTS:
            return UNIT_KIND_DEPARTMENTS[kind]
    return None


def region_for(units) -> Region | None:
    """Return the first known region among ``units`` (by credit code, else the recorded one)."""
    for unit in units:
        if unit is None:
            continue
        code = uscc_region_code(unit.uscc)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None and unit.region_id:
            region = unit.region
        if region is not None:
            return region
    return None


def agency_for(department_code: str | None, region: Region | None) -> Agency | None:
    """Return the department's active agency for ``region``, or the nearest one above it."""
    if not department_code or region is None:
        return None
    while region is not None:
        agency = (
            Agency.objects.filter(department__code=department_code, region=region, is_active=True)
            .select_related("department", "region")
            .first()
        )
        if agency is not None:
            return agency
        region = region.parent
    return None


def escalation_target(agency: Agency) -> Agency:
    """Return where a lead goes when ``agency`` sends it back twice: its parent agency, or for a
    province-level agency the lead department's (住建厅), which triages for the province."""
    if agency.parent_id:
        return agency.parent
    lead = (
        Agency.objects.filter(department__is_lead=True, level=Region.Level.PROVINCE, is_active=True)
        .select_related("department", "region")
        .first()
    )
    return lead or agency
