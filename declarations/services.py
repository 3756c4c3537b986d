"""Writes of self-inspection declarations: register one (on paper or from an Excel row group),
attach files. Each write is checked once (``declarations.validation``) and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agencies import permissions
from agencies.models import Agency
from audit.actions import Action
from audit.services import audit_record
from cases.evidence import file_store, files_discard
from cases.identifiers import mask_id_number
from cases.models import Unit
from cases.parties import certificate_resolve, person_resolve, unit_resolve
from core.errors import NotFoundError, PermissionDeniedError
from core.sequences import next_number
from declarations.models import (
    Declaration,
    DeclarationAttachment,
    DeclarationSequence,
    DeclaredPerson,
)
from declarations.validation import DeclarationInput, clean_declaration


def _reference(agency: Agency, year: int) -> str:
    number = next_number(DeclarationSequence, agency_id=agency.pk, year=year)
    return f"{agency.department.code}-{agency.region.code}-ZC{year}-{number:04d}"


def _persons_write(declaration: Declaration, cleaned: DeclarationInput, unit) -> None:
    for position, item in enumerate(cleaned.persons):
        data = item.person
        person = person_resolve(data)
        # A unit declares the certificates registered with it: its own is the registered unit
        # unless the row names another.
        registered = unit_resolve(data.registered_unit) or (
            unit if cleaned.declarant == Declaration.Declarant.UNIT else None
        )
        DeclaredPerson.objects.create(
            declaration=declaration,
            position=position,
            person=person,
            name=data.name,
            certificate=certificate_resolve(data, person, registered),
            registered_unit=registered,
            actual_unit=unit_resolve(data.actual_unit),
            actions=item.actions,
            rectified=item.rectified,
            rectified_on=item.rectified_on,
            note=item.note,
        )


@transaction.atomic
def declaration_create(*, actor, agency: Agency, persons: list[dict], **fields) -> Declaration:
    """Register a declaration received by ``agency`` with the persons it names.

    ``fields``: ``declarant``, ``unit`` ({"name", "uscc"}), ``declared_on``, ``channel``,
    ``summary`` and optionally ``campaign`` (else the one running on the declaration date).
    """
    if not permissions.user_can_register_declaration(user=actor, agency=agency):
        raise NotFoundError(
            _("未找到该机构，或您无权为其登记申报。"),
            fields={"agency": [_("无权为该机构登记申报。")]},
        )
    cleaned = clean_declaration({**fields, "persons": persons}, actor)
    kind = Unit.Kind.HR_AGENCY if cleaned.declarant == Declaration.Declarant.HR_AGENCY else None
    unit = unit_resolve(cleaned.unit, kind=kind) if cleaned.unit else None
    declaration = Declaration.objects.create(
        reference=_reference(agency, cleaned.declared_on.year),
        campaign=cleaned.campaign,
        agency=agency,
        declarant=cleaned.declarant,
        unit=unit,
        declared_on=cleaned.declared_on,
        channel=cleaned.channel,
        summary=cleaned.summary,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _persons_write(declaration, cleaned, unit)
    audit_record(
        actor=actor,
        action=Action.DECLARATION_CREATED,
        target=declaration,
        agency=agency,
        data={
            "reference": declaration.reference,
            "campaign": declaration.campaign_id,
            "declarant": declaration.declarant,
            "unit": unit.name if unit else "",
            "persons": [
                f"{i.person.name} {mask_id_number(i.person.id_number)}" for i in cleaned.persons
            ],
            "rectified": sum(1 for i in cleaned.persons if i.rectified),
        },
    )
    return declaration


def declaration_add_file(
    *, actor, declaration: Declaration, uploaded_file, description: str = ""
) -> DeclarationAttachment:
    """Attach a file, deleting it again if anything after its write fails."""
    stored: list[str] = []
    try:
        return declaration_attach(
            actor=actor,
            declaration=declaration,
            uploaded_file=uploaded_file,
            description=description,
            stored=stored,
        )
    except BaseException:
        files_discard(stored, DeclarationAttachment)
        raise


@transaction.atomic
def declaration_attach(
    *, actor, declaration: Declaration, uploaded_file, description: str = "", stored: list
) -> DeclarationAttachment:
    """Attach a received file to a declaration (checked as case evidence is)."""
    if not permissions.user_can_change_declaration(user=actor, declaration=declaration):
        raise PermissionDeniedError(_("您无权为该申报上传附件。"))
    attachment = file_store(
        DeclarationAttachment,
        uploaded_file=uploaded_file,
        description=description,
        actor=actor,
        stored=stored,
        declaration=declaration,
    )
    audit_record(
        actor=actor,
        action=Action.DECLARATION_ATTACHED,
        target=declaration,
        agency=declaration.agency,
        data={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment
