"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(admin.AdminSite):
    """The admin, for superusers only.

    The admin reads whole tables: it knows no jurisdiction, so a staff flag given to a county
    clerk would open every county's cases to them. Reference data and memberships are a
    superuser's work; everyone else uses the pages and the API, which apply the visibility rule.
    """

    site_header = "“挂证”专项整治 系统管理"
    site_title = "系统管理"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    """Install the admin with ``SuperuserAdminSite`` as its default site."""

    default_site = "core.admin.SuperuserAdminSite"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show records without add, change or delete.

    Cases, reports and the audit log change only through their services, each write validated
    and recorded with its audit event; an edit here would rewrite history without a trace.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """A tabular inline with the same guarantees as ``ReadOnlyAdmin``."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
