from django.contrib import admin

from audit.models import AuditEvent
from core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only, in the database as here."""

    list_display = ["created_at", "actor_name", "action", "target_repr", "agency"]
    list_filter = ["action"]
    search_fields = ["target_repr", "actor_name", "action"]
