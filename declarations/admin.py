from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from declarations.models import Declaration, DeclaredPerson


class DeclaredPersonInline(ReadOnlyInline):
    model = DeclaredPerson
    fields = ["name", "certificate", "registered_unit", "actions", "rectified", "rectified_on"]
    show_change_link = False


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    """Declarations change only through their services (audited); the admin shows them."""

    list_display = ["reference", "campaign", "agency", "declarant", "unit", "declared_on"]
    list_filter = ["campaign", "declarant", "channel"]
    search_fields = ["reference", "unit__name"]
    list_select_related = ["campaign", "agency", "unit"]
    inlines = [DeclaredPersonInline]
