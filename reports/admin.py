from django.contrib import admin

from reports.models import Consolidation, Report, ReportDeadline, ReportRevision


class RevisionInline(admin.TabularInline):
    model = ReportRevision
    extra = 0
    can_delete = False
    fields = ["number", "submitter_name", "submitted_at", "row_count", "outcome", "approver_name"]
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Reports are read here; their state changes only through the services (and the audit)."""

    list_display = ["agency", "month", "status", "updated_at"]
    list_filter = ["status", "month", "agency__department", "agency__level"]
    search_fields = ["agency__name"]
    list_select_related = ["agency"]
    readonly_fields = ["agency", "month", "status", "current_revision", "return_reason"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Consolidation)
class ConsolidationAdmin(admin.ModelAdmin):
    list_display = ["month", "status", "created_by", "reported_at"]
    readonly_fields = ["agency", "month", "status", "created_by", "reported_by", "reported_at"]
    exclude = ["revisions"]

    def has_add_permission(self, request):
        return False


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    """Due dates per level are data: adjust them here for a later campaign."""

    list_display = [
        "level",
        "day_of_next_month",
        "working_days_before_parent",
        "reminder_working_days",
    ]
