"""Test settings: real PostgreSQL (DATABASE_URL or the embedded cluster), fast hashing."""

from .base import *  # noqa: F403
from .base import env, local_database

DATABASES = {"default": local_database()}
# The replica's alias as a second connection to the test database itself (a mirror creates no
# database): tests/core/test_replica.py turns the router on and checks which alias each reporting
# read uses. Off by default, so the rest of the suite reads from the primary alone.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS: list[str] = []
SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
MEDIA_ROOT = env("MEDIA_ROOT", default="/tmp/guazheng-test-media")  # noqa: S108
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Celery runs eagerly unless a test starts a real worker (tests/conftest.py: redis_worker).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = True
