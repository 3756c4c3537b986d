"""Developer settings: debug on, a fixed insecure key that production never accepts."""

from .base import *  # noqa: F403
from .base import env, local_database, replica_databases

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-secret")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
DATABASES = {"default": local_database(), **replica_databases()}
