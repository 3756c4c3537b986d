"""Production settings: no default secrets; refuse to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, database, env, replica_databases

# Checked first, before anything is built from the settings: no database server is started here.
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is required in production.")
DATABASES = {"default": database(env.db_url_config(DATABASE_URL)), **replica_databases()}

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Behind nginx every request comes from the proxy's address: take the client's address from
# X-Forwarded-For (django-ipware, which axes uses when installed), so that a lockout after failed
# logins is per (username, client) and not per username for the whole province. AXES_PROXY_COUNT
# is the number of proxies in front of gunicorn (deploy/nginx.conf: one). ipware counts only the
# proxies listed in the header, and the last proxy is REMOTE_ADDR, hence the minus one. Not
# strict: entries a client sends itself stand left of what the proxies wrote and are skipped, so
# the client is the right-most entry the proxies did not write (docs/security.md).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1) - 1
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
IPWARE_STRICT = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
