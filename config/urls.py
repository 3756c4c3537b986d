from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from agencies import views as agency_views

urlpatterns = [
    path("", include("home.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", agency_views.profile, name="profile"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("notifications/", include("notifications.urls")),
    path("cases/", include("cases.urls")),
    path("declarations/", include("declarations.urls")),
    path("reports/", include("reports.urls")),
    path("leads/", include("leads.urls")),
    path("complaints/", include("complaints.urls")),
    path("screening/", include("screening.urls")),
    path("public/", include("complaints.public_urls")),  # no login: the public front door
    path("jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Under the site's CSP: Swagger UI's start script is served as a file (the split view). Redoc
    # injects its styles at run time and builds its search worker from a blob, so its page alone
    # allows inline styles and blob: workers; never inline scripts.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
]

# The error pages in Chinese, in the site's layout (core/views.py); FriendlyErrorPagesMiddleware
# shows the same pages under DEBUG.
handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
