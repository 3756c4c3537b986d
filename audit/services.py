"""Recording audit events; every write service calls ``audit_record`` inside its transaction."""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from audit.models import AuditEvent


def _plain(value):
    """Return ``value`` in a JSON-friendly form."""
    if value is None or type(value) in (str, int, bool, float):  # most values: as they are
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """Return the concrete field values of ``instance`` for a before/after comparison."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def audit_event(
    *,
    actor,
    action: str,
    target: models.Model,
    agency=None,
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Return one event of the audit log, not yet saved (``audit_record`` saves it)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
        actor=actor if is_user else None,
        actor_name=(actor.get_full_name() or actor.username) if is_user else "系统",
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        target_repr=str(target)[:200],
        agency=agency,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        data={k: _plain(v) for k, v in (data or {}).items()},
    )


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    agency=None,
    changes: dict | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit log."""
    event = audit_event(
        actor=actor, action=action, target=target, agency=agency, changes=changes, data=data
    )
    event.save(force_insert=True)
    return event


def audit_record_many(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append the events built by ``audit_event`` to the audit log in one statement, in order
    (a service writing many records at once: an import)."""
    return AuditEvent.objects.bulk_create(events)


def audit_history(*, target: models.Model):
    """Return the events about ``target``, oldest first."""
    return (
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=str(target.pk),
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )


def audit_count(*, actor, action: str, since) -> int:
    """Return how many ``action`` events ``actor`` caused since ``since`` (for rate limits)."""
    return AuditEvent.objects.filter(actor=actor, action=action, created_at__gte=since).count()
