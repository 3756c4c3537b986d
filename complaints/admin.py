from django.contrib import admin

from complaints.models import Complaint
from core.admin import ReadOnlyAdmin


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Complaints change only through their services; the admin lists them without whoever
    complained (their identity stays with the handling agency's pages)."""

    list_display = ["receipt", "channel", "received_at", "anonymous", "reply_due", "replied_on"]
    list_filter = ["channel", "anonymous"]
    search_fields = ["receipt"]
    fields = [
        "lead",
        "receipt",
        "channel",
        "published_channel",
        "received_at",
        "anonymous",
        "reply_due",
        "replied_on",
        "reply_channel",
        "reply_waived_reason",
    ]
