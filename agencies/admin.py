from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from knox.models import AuthToken

from agencies.models import Agency, ComplaintChannel, Department, Membership, Region
from agencies.services import (
    agency_check_parent,
    agency_save,
    membership_grant,
    membership_revoke,
)
from core.admin import ReadOnlyAdmin
from core.errors import DomainError


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "is_standard"]
    list_filter = ["level", "is_standard"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "is_lead", "sort_order"]


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["department", "region", "parent", "name", "level", "is_active"]

    def clean(self):
        data = super().clean()
        if data.get("department") and "parent" in data:
            self.instance.department = data["department"]
            try:
                agency_check_parent(agency=self.instance, parent=data["parent"])
            except DomainError as exc:
                raise ValidationError({"parent": exc.message}) from exc
        return data


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    """Admins add (e.g. 天府新区), rename or deactivate agencies here without code changes."""

    form = AgencyAdminForm

    list_display = ["name", "department", "region", "level", "parent", "is_active"]
    list_filter = ["department", "level", "is_active"]
    search_fields = ["name", "region__code", "region__name"]
    raw_id_fields = ["parent", "region"]
    list_select_related = ["department", "region", "parent"]

    def save_model(self, request, obj, form, change):
        agency_save(agency=obj, actor=request.user)  # keeps the subtree's paths in step


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Roles are granted and taken away through the membership services, each audited.

    A membership is not edited in place: to change a role, remove it and grant the new one.
    """

    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", "agency__department"]
    search_fields = ["user__username", "agency__name"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        granted = membership_grant(
            user=obj.user, agency=obj.agency, role=obj.role, actor=request.user
        )
        obj.pk = granted.pk

    def delete_model(self, request, obj):
        membership_revoke(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("user", "agency"):
            membership_revoke(membership=membership, actor=request.user)


@admin.register(ComplaintChannel)
class ComplaintChannelAdmin(admin.ModelAdmin):
    list_display = ["department", "telephone", "email", "is_active"]


# knox's own admin lists digests and lets staff create a token for any user (the superuser's
# too) and shows it to them: replace it with a list of who holds tokens until when. To revoke,
# change the user's password (or deactivate the user).
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(ReadOnlyAdmin):
    """List who holds API tokens and until when; never a token, its key or its digest."""

    list_display = ["user", "created", "expiry"]
    list_display_links = None
    search_fields = ["user__username"]
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None):
        # No object page: its title would be the token's str(), which holds the digest.
        return obj is None and super().has_view_permission(request)
