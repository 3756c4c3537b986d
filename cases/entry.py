"""Entering cases: the new case and what its entry records besides its rows.

Shared by ``services.case_create`` (one case, written row by row) and ``services.case_create_many``
(an import: every case of a file written at once, ``cases.bulk``), so that both give a case the
same fields, reference, audit events and notices.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from agencies.models import Agency
from audit.actions import Action
from cases.models import Case, Person, Unit
from cases.parties import ROW_BY_ROW, Resolver
from notifications.services import Notice


def reference_of(agency: Agency, year: int, number: int) -> str:
    """Return the reference of ``agency``'s case ``number`` of ``year`` (ZJ-510104-2019-0007)."""
    return f"{agency.department.code}-{agency.region.code}-{year}-{number:04d}"


def case_build(
    *,
    agency: Agency,
    cleaned: dict,
    campaign,
    actor,
    shared: list,
    resolver: Resolver = ROW_BY_ROW,
) -> Case:
    """Return a new case of cleaned fields, its units resolved; not saved, without reference."""
    return Case(
        campaign=campaign,
        agency=agency,
        source=cleaned["source"],
        violations=cleaned["violations"],
        opened_on=cleaned["opened_on"],
        summary=cleaned["summary"],
        certificate_user_unit=resolver.unit(cleaned["certificate_user_unit"], shared=shared),
        hr_agency=resolver.unit(cleaned["hr_agency"], kind=Unit.Kind.HR_AGENCY, shared=shared),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def created_audit(case: Case, state: dict, links: int) -> dict:
    """Return the ``case.created`` event (``audit_record``'s arguments) of a new case."""
    return {
        "action": Action.CASE_CREATED,
        "target": case,
        "agency": case.agency,
        "changes": {k: [None, v] for k, v in state.items()},
        "data": {"reference": case.reference, "links": links},
    }


def name_differs_audit(case: Case, person: Person) -> dict:
    """Return the event recording a person entered under a name other than the registered one."""
    return {
        "action": Action.PERSON_NAME_DIFFERS,
        "target": person,
        "agency": case.agency,
        "data": {"case": case.reference, "number": person.masked_id_number},
    }


def name_differs_notice(case: Case, person: Person, agency_id: int, users) -> Notice:
    """Return what the staff of an agency with a case of ``person`` are told of the other name."""
    return Notice(
        users=list(users),
        key=f"person-name-differs:{agency_id}:{case.pk}:{person.pk}",
        title=_("其他机构登记的人员姓名与本机构案件不一致"),
        body=_(
            "证件号码%(number)s的人员在另一机构登记案件时所填姓名与本机构案件中的"
            "姓名不一致，请核实本机构案件中的姓名是否正确。"
        )
        % {"number": person.masked_id_number},
    )


def duplicate_notice(
    case: Case, agency_id: int, cases: list[Case], subjects: list[str], users
) -> Notice:
    """Return what another agency is told of a new case sharing persons or units with its
    ``cases`` (by reference): never which case or agency, since it may not see the new case
    (this text is e-mailed)."""
    return Notice(
        users=list(users),
        key=f"case-duplicate:{agency_id}:{case.pk}",
        title=_("案件%(ref)s涉及的人员或单位在另一机构的案件中也有登记")
        % {"ref": "、".join(c.reference for c in cases)},
        body=_(
            "本机构案件%(ref)s中的%(subjects)s也出现在其他机构登记的案件中。"
            "请核实是否需要协同处理。"
        )
        % {"ref": "、".join(c.reference for c in cases), "subjects": "、".join(subjects)},
        url=cases[0].get_absolute_url(),
    )
