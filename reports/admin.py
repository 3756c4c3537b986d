from django.contrib import admin

from reports.models import (
    Consolidation,
    Report,
    ReportDeadline,
    ReportRevision,
    ReportRow,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show the records only: they change through the services, each write with its audit event.

    A deleted or edited report, revision or row here would rewrite what was reported upward
    without a trace.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = ReportRevision
    extra = 0
    can_delete = False
    fields = ["number", "submitter_name", "submitted_at", "row_count", "outcome", "approver_name"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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

    list_display = ["report", "number", "submitter_name", "submitted_at", "row_count", "outcome"]
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
