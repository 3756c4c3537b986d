"""Admin for the case register.

Certificate types are reference data admins extend here. Everything else is shown read-only: cases,
parties and decisions change only through the services, which validate and write the audit log.
"""

from django.contrib import admin

from cases.models import (
    Case,
    CaseLink,
    CaseParty,
    CaseSequence,
    Certificate,
    CertificateType,
    Decision,
    Evidence,
    Measure,
    Outcome,
    Person,
    Unit,
)
from core.admin import ReadOnlyAdmin, ReadOnlyInline


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    """执业资格类别 of DOMAIN.md §7; admins may add types or deactivate one."""

    list_display = ["title", "category", "level", "specialty", "department", "is_active"]
    list_filter = ["category", "level", "department", "is_active"]
    search_fields = ["title", "specialty"]
    list_select_related = ["department"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_id_number", "id_type", "sex", "is_public_employee"]
    list_filter = ["id_type", "is_public_employee"]
    # Not by id_number: the list shows numbers masked, so a search by one would confirm it.
    search_fields = ["name"]
    exclude = ["id_number"]  # full numbers are read on the case page, within scope
    readonly_fields = ["masked_id_number"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "uscc", "kind", "region", "lacks_code"]
    list_filter = ["kind"]
    search_fields = ["name", "=uscc"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]

    @admin.display(boolean=True, description="缺少信用代码")
    def lacks_code(self, unit):
        return unit.lacks_code


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "certificate_type", "person", "registered_unit", "state"]
    list_filter = ["state", "certificate_type__category"]
    search_fields = ["=number", "person__name"]
    raw_id_fields = ["person", "certificate_type", "registered_unit"]
    list_select_related = ["certificate_type", "person", "registered_unit"]


class CasePartyInline(ReadOnlyInline):
    model = CaseParty
    raw_id_fields = ["person", "certificate", "registered_unit", "actual_unit"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "agency", "status", "source", "opened_on", "created_by"]
    list_filter = ["status", "source", "agency__department"]
    search_fields = ["reference", "parties__name"]
    date_hierarchy = "opened_on"
    raw_id_fields = [
        "agency",
        "certificate_user_unit",
        "hr_agency",
        "transfer_to",
        "created_by",
    ]
    list_select_related = ["agency", "created_by"]
    inlines = [CasePartyInline, EvidenceInline]


class OutcomeInline(ReadOnlyInline):
    model = Outcome
    fields = ["role", "party", "unit", "result", "exemption", "self_corrected"]
    readonly_fields = fields


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["case", "decided_on", "deciding_agency", "document_number"]
    list_filter = ["referred_to_issuer"]
    search_fields = ["case__reference", "document_number"]
    date_hierarchy = "decided_on"
    raw_id_fields = ["case", "decided_by", "deciding_agency"]
    list_select_related = ["case", "deciding_agency"]
    inlines = [OutcomeInline]


class MeasureInline(ReadOnlyInline):
    model = Measure


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdmin):
    list_display = ["decision", "role", "result", "exemption", "self_corrected"]
    list_filter = ["role", "result", "exemption", "self_corrected"]
    raw_id_fields = ["decision", "party", "unit"]
    list_select_related = ["decision__case"]
    inlines = [MeasureInline]


@admin.register(CaseLink)
class CaseLinkAdmin(ReadOnlyAdmin):
    list_display = ["from_case", "to_case", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["from_case", "to_case"]
    list_select_related = ["from_case", "to_case"]


@admin.register(CaseSequence)
class CaseSequenceAdmin(ReadOnlyAdmin):
    list_display = ["agency", "year", "last"]
    list_filter = ["year"]
    list_select_related = ["agency"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "case", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name", "=sha256", "case__reference"]
    raw_id_fields = ["case", "uploaded_by"]
    list_select_related = ["case", "uploaded_by"]
