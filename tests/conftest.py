"""Shared fixtures: reference data loaded once into the test database, users with memberships,
and a real Celery worker on Redis."""

import os

import pytest
from rest_framework.test import APIClient

from agencies.models import Agency, Membership
from agencies.services import reference_data_load
from campaigns.reference import campaigns_load
from cases.reference import certificate_types_load
from tests.factories import UserFactory


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load regions, departments and agencies once for the whole session."""
    with django_db_blocker.unblock():
        reference_data_load()
        certificate_types_load()
        campaigns_load()


@pytest.fixture
def reference(db):
    """Ensure reference data exists (transactional tests flush it away; loading is idempotent)."""
    if not Agency.objects.exists():
        reference_data_load()
    certificate_types_load()  # idempotent; two queries when the types are present
    campaigns_load()  # idempotent; one query when the campaign is present


def agency_at(department: str, region: str) -> Agency:
    return Agency.objects.select_related("department", "region").get(
        department__code=department, region__code=region
    )


@pytest.fixture
def agency(reference):
    """Return a function looking up an agency by department code and region code."""
    return agency_at


@pytest.fixture
def member(reference):
    """Return a function creating a user with one membership: member("ZJ", "510104", "clerk")."""

    def make(department: str, region: str, role: str = "clerk", **user_fields):
        user = UserFactory(**user_fields)
        Membership.objects.create(user=user, agency=agency_at(department, region), role=role)
        return user

    return make


@pytest.fixture
def api():
    """Return a function giving an API client authenticated as ``user`` (or anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_worker(settings, worker_id):
    """Run a real worker thread against Redis for the duration of one test.

    Keys are prefixed with the xdist worker's id, so that two test processes sharing the Redis
    database never consume each other's tasks (each has its own test database).
    """
    import redis
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        message = f"Redis 不可用（{BROKER}）：跳过真实 Celery worker 测试"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(message + "（CI 要求必须运行）")
        pytest.skip(message)
    keys = ("task_always_eager", "broker_url", "result_backend", "broker_transport_options")
    keys += ("result_backend_transport_options",)
    # Read before the settings change: Celery loads its configuration from them lazily.
    saved = {key: app.conf[key] for key in keys}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    prefix = {"global_keyprefix": f"guazheng-test-{worker_id}:"}
    app.conf.update(
        task_always_eager=False,
        broker_url=BROKER,
        result_backend=BROKER,
        broker_transport_options=prefix,
        result_backend_transport_options=prefix,
    )
    _forget_connections(app)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        app.conf.update(saved)
        _forget_connections(app)


def _forget_connections(app) -> None:
    """Drop the pools and result backend an eager task built for the previous configuration."""
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)
