"""Reads of self-inspection declarations: the list and page (from ``restrict()``), the support
a declaration gives a later decision's 自查自纠, and the declarations about a person and unit."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from agencies.querysets import CHANGE, VIEW
from cases.identifiers import canonical_text
from cases.selectors import complete_document_number, looks_like_number, strip_controls
from cases.self_correction import Support
from core.errors import NotFoundError
from declarations.models import Declaration, DeclarationAttachment, DeclaredPerson


def declaration_list(*, user, action: str = VIEW, campaign=None) -> QuerySet[Declaration]:
    """Return the declarations ``user`` may see (or change), newest first."""
    queryset = Declaration.objects.restrict(user, action).select_related(
        "agency", "unit", "campaign"
    )
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.annotate(
        person_count=Count("persons", distinct=True),
        rectified_count=Count("persons", filter=Q(persons__rectified=True), distinct=True),
    )


def declaration_search(queryset: QuerySet[Declaration], *, user, q: str) -> QuerySet:
    """Narrow ``queryset`` by reference, unit, declared name or certificate number.

    A document number matches only declarations the user may change, where it is shown in
    full; elsewhere it is masked, and a match would confirm the hidden digits.
    """
    text = strip_controls(q).strip()
    if not text:
        return queryset
    upper = canonical_text(text)
    number = complete_document_number(text) or upper
    changeable = Declaration.objects.restrict(user, CHANGE).values("pk")
    persons = DeclaredPerson.objects.filter(
        Q(name__icontains=text)
        | Q(certificate__number__icontains=text)
        | (
            Q(person__id_number__contains=number, declaration__in=changeable)
            if looks_like_number(text)
            else Q(pk__in=[])
        )
    )
    return queryset.filter(
        Q(reference__icontains=text)
        | Q(unit__name__icontains=text)
        | Q(unit__uscc=upper)
        | Q(pk__in=persons.values("declaration"))
    )


def declaration_get(*, user, pk, action: str = VIEW) -> Declaration:
    """Return one declaration in ``user``'s scope with its persons and files (else 404)."""
    persons = DeclaredPerson.objects.select_related(
        "person", "certificate__certificate_type", "registered_unit", "actual_unit"
    )
    queryset = (
        Declaration.objects.restrict(user, action)
        .select_related("agency__department", "agency__region", "unit", "campaign")
        .prefetch_related(
            Prefetch("persons", queryset=persons),
            Prefetch("attachments", queryset=DeclarationAttachment.objects.order_by("id")),
        )
    )
    try:
        return queryset.get(pk=int(pk))
    except (Declaration.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该申报。")) from exc


def attachment_get(*, user, pk) -> DeclarationAttachment:
    """Return one attachment of a declaration ``user`` may see (else 404)."""
    try:
        return DeclarationAttachment.objects.restrict(user, VIEW).get(pk=int(pk))
    except (DeclarationAttachment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundError(_("未找到该附件。")) from exc


def declarations_about(*, user, person_id: int, unit_ids=()) -> QuerySet[DeclaredPerson]:
    """Return the declared persons ``user`` may see for a person (and, if given, the units):
    what the verification of a later lead or case shows."""
    queryset = DeclaredPerson.objects.filter(
        person_id=person_id, declaration__in=Declaration.objects.restrict(user, VIEW).values("pk")
    )
    units = [u for u in unit_ids if u]
    if units:
        queryset = queryset.filter(
            Q(declaration__unit_id__in=units)
            | Q(registered_unit_id__in=units)
            | Q(declaration__declarant=Declaration.Declarant.PERSON)
        )
    return queryset.select_related("declaration__agency", "declaration__unit").order_by(
        "declaration__declared_on"
    )


def declaration_support(case, party, unit) -> Support | None:
    """Find a rectified declaration of ``case``'s campaign supporting a 自查自纠.

    For a person: a declaration naming them, by the unit that used the certificate or the one it
    is registered with (or by the person themselves). For the unit or HR agency: a declaration it
    made in which a person was rectified. The search is the system's, across agencies: the
    decision rests on the fact, and only the declaration's reference is recorded.
    """
    if party is not None:
        units = [u for u in (case.certificate_user_unit_id, party.registered_unit_id) if u]
        found = DeclaredPerson.objects.filter(
            person_id=party.person_id, rectified=True, declaration__campaign_id=case.campaign_id
        )
        if units:
            found = found.filter(
                Q(declaration__unit_id__in=units)
                | Q(registered_unit_id__in=units)
                | Q(declaration__declarant=Declaration.Declarant.PERSON)
            )
        item = found.select_related("declaration").order_by("declaration__declared_on").first()
        if item is None:
            return None
        return Support(
            _("自查自纠申报 %(ref)s") % {"ref": item.declaration.reference}, item.rectified_on
        )
    if unit is not None:
        declaration = (
            Declaration.objects.filter(
                campaign_id=case.campaign_id, unit=unit, persons__rectified=True
            )
            .order_by("declared_on")
            .first()
        )
        if declaration is not None:
            return Support(_("自查自纠申报 %(ref)s") % {"ref": declaration.reference})
    return None
