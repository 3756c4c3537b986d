from django.contrib import admin

from audit.actions import Action
from audit.services import audit_record, snapshot
from core.admin import ReadOnlyAdmin, ReadOnlyInline
from leads.models import Lead, LeadDeadline, LeadPerson, LeadUnit


class LeadPersonInline(ReadOnlyInline):
    model = LeadPerson
    fields = ["name", "certificate", "registered_unit", "insurance_unit"]
    show_change_link = False


class LeadUnitInline(ReadOnlyInline):
    model = LeadUnit
    fields = ["unit", "role"]
    show_change_link = False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    """Leads change only through their services (routed, audited); the admin shows them."""

    list_display = ["reference", "campaign", "source", "agency", "state", "deadline", "outcome"]
    list_filter = ["campaign", "source", "state", "outcome"]
    search_fields = ["reference"]
    list_select_related = ["campaign", "agency"]
    exclude = ["text"]  # what a lead alleges is read on its page, within the visibility rule
    inlines = [LeadPersonInline, LeadUnitInline]


@admin.register(LeadDeadline)
class LeadDeadlineAdmin(admin.ModelAdmin):
    """How many working days each source gets; a change is recorded in the audit log."""

    list_display = ["source", "working_days", "reminder_working_days"]

    def save_model(self, request, obj, form, change):
        before = snapshot(LeadDeadline.objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        audit_record(
            actor=request.user,
            action=Action.DEADLINE_CHANGED,
            target=obj,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )

    def has_delete_permission(self, request, obj=None):
        return False
