"""The kinds of job and their handlers, registered by each app's ``job_kinds.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import DomainError


def _never(result: dict) -> bool:
    return False


def _no_context(job, user) -> dict:
    return {}


@dataclass(frozen=True)
class JobKind:
    """What a kind of job does and how its page shows the result.

    ``run(job=, progress=)`` does the work and returns the result (JSON-serialisable); the
    facility runs it inside one transaction, so a failure or a killed worker leaves nothing
    half-written. ``keep_input(result)`` says whether the input file outlives the job (a checked
    workbook waiting for its confirmation); ``context(job, user)`` adds to the result template's
    context (e.g. whether this user may confirm).
    """

    name: str
    label: Any  # a lazy Chinese label
    run: Callable[..., dict]
    result_template: str = ""
    keep_input: Callable[[dict], bool] = _never
    context: Callable[[Any, Any], dict] = _no_context


class JobFailedError(DomainError):
    """A handler's refusal: the job fails with ``message``, and ``result`` keeps the details."""

    def __init__(self, message: str, *, result: dict | None = None):
        super().__init__(message)
        self.result = result


class JobCancelledError(Exception):
    """The job was cancelled while it ran: undo its work."""


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Register a kind of job (once per name)."""
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise ValueError(f"job kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> JobKind | None:
    """Return the registered kind called ``name``, or None."""
    return _KINDS.get(name)
