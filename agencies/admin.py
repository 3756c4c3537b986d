from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from knox.models import AuthToken

from agencies.models import Agency, ComplaintChannel, Department, Membership, Profile, Region
from agencies.services import (
    agency_check_parent,
    agency_save,
    membership_grant,
    membership_revoke,
    profile_check,
    profile_update,
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


class ProfileInlineForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["real_name", "office_phone"]

    def clean(self):
        """Show the service's refusal next to the fields (the service is the one validator)."""
        data = super().clean()
        try:
            profile_check(
                real_name=data.get("real_name", ""), office_phone=data.get("office_phone", "")
            )
        except DomainError as exc:
            raise ValidationError(exc.fields) from exc
        return data


class ProfileInline(admin.StackedInline):
    """The user's real name and office phone (附件1's 填表人, 负责人), saved through the service."""

    model = Profile
    form = ProfileInlineForm
    can_delete = False
    max_num = 1
    min_num = 0
    extra = 1


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin with the profile inline; profile changes are audited."""

    inlines = [ProfileInline]
    list_display = ["username", "real_name", "office_phone", "is_active", "is_superuser"]
    list_select_related = ["profile"]
    search_fields = ["username", "profile__real_name", "email"]

    @admin.display(description=Profile._meta.get_field("real_name").verbose_name)
    def real_name(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.real_name if profile else ""

    @admin.display(description=Profile._meta.get_field("office_phone").verbose_name)
    def office_phone(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.office_phone if profile else ""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        # Not formset.save(): the service validates, writes and audits. save(commit=False)
        # only builds the instances the admin's change message lists.
        for profile in formset.save(commit=False):
            profile_update(
                user=form.instance,
                real_name=profile.real_name,
                office_phone=profile.office_phone,
                actor=request.user,
            )
        return None
