from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from reports.models import (
    Consolidation,
    Report,
    ReportDeadline,
    ReportRevision,
    ReportRow,
)


class RevisionInline(ReadOnlyInline):
    model = ReportRevision
    fields = [
        "number",
        "preparer_name",
        "signer_name",
        "submitted_at",
        "row_count",
        "outcome",
        "reviewed_by",
    ]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    """Reports are read here; their state changes only through the services (and the audit)."""

    list_display = ["agency", "month", "status", "updated_at"]
    list_filter = ["status", "month", "agency__department", "agency__level"]
    search_fields = ["agency__name"]
    list_select_related = ["agency"]
    inlines = [RevisionInline]


@admin.register(ReportRevision)
class ReportRevisionAdmin(ReadOnlyAdmin):
    """Frozen submissions: never edited, never deleted."""

    list_display = [
        "report",
        "number",
        "preparer_name",
        "signer_name",
        "submitted_at",
        "row_count",
        "outcome",
    ]
    list_filter = ["outcome", "report__month"]
    search_fields = ["report__agency__name"]
    list_select_related = ["report__agency"]


@admin.register(ReportRow)
class ReportRowAdmin(ReadOnlyAdmin):
    """Frozen rows of submitted revisions."""

    list_display = ["revision", "seq", "name", "kind", "origin_name", "remarks"]
    list_filter = ["kind", "fact_month"]
    search_fields = ["name", "origin_name"]
    list_select_related = ["revision__report__agency"]
    exclude = ["id_number"]  # the admin list is no place for full ID numbers


@admin.register(Consolidation)
class ConsolidationAdmin(ReadOnlyAdmin):
    list_display = ["month", "status", "created_by", "reported_at"]
    exclude = ["revisions"]


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    """Due dates per level are data: adjust them here for a later campaign."""

    list_display = [
        "level",
        "day_of_next_month",
        "working_days_before_parent",
        "reminder_working_days",
    ]
