from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import DomainError
from reports.models import (
    Consolidation,
    Report,
    ReportDeadline,
    ReportRevision,
    ReportRow,
)
from reports.services import deadline_check, deadline_update


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

    list_display = ["agency", "campaign", "kind", "month", "phase", "status", "updated_at"]
    list_filter = ["campaign", "kind", "status", "month", "agency__department", "agency__level"]
    search_fields = ["agency__name"]
    list_select_related = ["agency", "campaign", "phase"]
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
    list_display = ["campaign", "kind", "month", "phase", "status", "created_by", "reported_at"]
    exclude = ["revisions"]


class ReportDeadlineForm(forms.ModelForm):
    class Meta:
        model = ReportDeadline
        fields = ["campaign", "stage", "working_day", "reminder_working_days"]

    def clean(self):
        """Show the service's refusal (the chain's order) next to the field."""
        data = super().clean()
        if self.errors:
            return data
        campaign = data.get("campaign") or self.instance.campaign
        stage = data.get("stage") or self.instance.stage
        try:
            deadline_check(
                campaign=campaign,
                stage=stage,
                working_day=data["working_day"],
                reminder_working_days=data["reminder_working_days"],
            )
        except DomainError as exc:
            raise ValidationError(exc.fields) from exc
        return data


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(admin.ModelAdmin):
    """Due dates per campaign and stage are data: set them here for a later campaign (audited).

    A campaign without a row for a stage uses the plan's default (``reports.deadlines``); a row
    is added for the campaign and stage to change it, never deleted.
    """

    form = ReportDeadlineForm
    list_display = ["campaign", "stage", "working_day", "reminder_working_days"]
    list_filter = ["campaign"]

    def get_readonly_fields(self, request, obj=None):
        return ["campaign", "stage"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        deadline_update(
            deadline=obj,
            working_day=obj.working_day,
            reminder_working_days=obj.reminder_working_days,
            actor=request.user,
        )
