"""Writes of the screening app that pages and the API call: start a list import or a roster
comparison as a background job, and look up a person's paying units (audited, rate-limited).

The work itself is ``screening.suspects`` and ``screening.rosters``; the jobs run it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies import permissions
from audit.actions import Action
from audit.services import audit_count, audit_record
from cases.identifiers import canonical_text, mask_id_number, upgrade_15_to_18
from core.errors import DomainError, NotFoundError, PermissionDeniedError, RateLimitedError
from core.xlsx_guard import UnsafeWorkbookError, xlsx_check
from jobs.models import Job
from jobs.services import job_start
from screening import job_kinds, suspects
from screening.selectors import screening_intake

ROSTER_FOLDER = "screening"  # under MEDIA_ROOT, which nothing serves
MAX_ROSTER_BYTES = 1024 * 1024 * 1024  # 1 GB: a million registrations is ~120 MB


def _intake_for(actor):
    intake = screening_intake()
    if intake is None or not permissions.user_can_screen(user=actor, agency=intake):
        raise PermissionDeniedError(_("只有省住房城乡建设厅的工作人员可以进行比对排查。"))
    return intake


def _file_problem(upload, *, max_bytes: int, extensions: tuple[str, ...]) -> str | None:
    if upload is None:
        return _("请选择文件。")
    if not upload.name.lower().endswith(extensions):
        return _("请上传 %(ext)s 格式的文件。") % {"ext": " 或 ".join(extensions)}
    if upload.size > max_bytes:
        return _("文件超过 %(mb)d MB，请拆分后分批导入。") % {"mb": max_bytes // (1024 * 1024)}
    if upload.size == 0:
        return _("文件为空。")
    return None


def _refuse(field: str, message: str):
    raise DomainError(message, fields={field: [message]})


@transaction.atomic
def suspects_job_start(*, actor, upload, dry_run: bool) -> Job:
    """Check a suspect list upload at the door and start its import (or dry run) as a job."""
    intake = _intake_for(actor)
    problem = _file_problem(upload, max_bytes=suspects.MAX_BYTES, extensions=(".xlsx", ".csv"))
    if problem is not None:
        _refuse("file", problem)
    content = upload.read()
    if upload.name.lower().endswith(".xlsx"):
        try:
            # A bomb is refused here and never stored; the job checks the file again.
            xlsx_check(content, max_rows=suspects.MAX_ROWS + 1)
        except UnsafeWorkbookError as exc:
            _refuse("file", exc.message)
    return job_start(
        kind=job_kinds.SUSPECTS,
        owner=actor,
        agency=intake,
        params={"dry_run": bool(dry_run)},
        content=content,
        input_name=upload.name[:255],
    )


def _roster_store(upload) -> str:
    """Store a roster upload privately (streamed, never whole in memory); return its name."""
    folder = Path(settings.MEDIA_ROOT) / ROSTER_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.csv"
    with open(folder / name, "wb") as output:
        for chunk in upload.chunks():
            output.write(chunk)
    os.chmod(folder / name, 0o600)
    return name


def roster_path(name: str) -> Path:
    """Return the stored roster's path (only names this module made are accepted)."""
    if len(name) != 36 or not name.endswith(".csv") or not name[:32].isalnum():
        raise NotFoundError(_("名册文件已失效，请重新上传。"))
    return Path(settings.MEDIA_ROOT) / ROSTER_FOLDER / name


def _month(value: str, field: str) -> str:
    try:
        datetime.datetime.strptime(value or "", "%Y-%m")  # noqa: DTZ007 — a month, no time
    except ValueError:
        _refuse(field, _("请按 YYYY-MM 填写月份，如 2019-01。"))
    return value


@transaction.atomic
def comparison_job_start(
    *, actor, registrations, insurance, month_from: str, month_to: str, dry_run: bool
) -> Job:
    """Store both roster uploads and start the comparison of the period as a job."""
    intake = _intake_for(actor)
    for field, upload in (("registrations", registrations), ("insurance", insurance)):
        problem = _file_problem(upload, max_bytes=MAX_ROSTER_BYTES, extensions=(".csv",))
        if problem is not None:
            _refuse(field, problem)
    if _month(month_from, "month_from") > _month(month_to, "month_to"):
        _refuse("month_to", _("截止月份不能早于起始月份。"))
    names = {"registrations": _roster_store(registrations), "insurance": _roster_store(insurance)}
    return job_start(
        kind=job_kinds.COMPARISON,
        owner=actor,
        agency=intake,
        params={
            **names,
            "from": month_from,
            "to": month_to,
            "dry_run": bool(dry_run),
            "names": [registrations.name[:100], insurance.name[:100]],
        },
    )


# --------------------------------------------------------------------------- 社保缴费信息查询


@transaction.atomic
def insurance_lookup(*, user, id_number: str, month_from: str, month_to: str, reason: str):
    """Return the units that paid a person's social insurance in the period, from the loaded
    roster; record who asked and why. Refuse past the user's rate limit (as ID searches)."""
    from screening.selectors import paying_units

    if not permissions.user_can_lookup_insurance(user=user):
        raise PermissionDeniedError(_("只有人力资源社会保障部门的工作人员可以查询社保缴费信息。"))
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("请填写查询事由。"))
    if len(reason) > 200:
        _refuse("reason", _("查询事由不能超过200个字。"))
    number = canonical_text(id_number)
    if len(number) == 15 and number.isdigit():
        number = upgrade_15_to_18(number)  # the roster holds the 18-digit form
    if not number:
        _refuse("id_number", _("请填写证件号码。"))
    if _month(month_from, "month_from") > _month(month_to, "month_to"):
        _refuse("month_to", _("截止月份不能早于起始月份。"))
    _rate_limit(user)
    audit_record(
        actor=user,
        action=Action.INSURANCE_LOOKUP,
        target=user,
        data={
            "query": mask_id_number(number),
            "sha256": hashlib.sha256(number.encode()).hexdigest(),
            "from": month_from,
            "to": month_to,
            "reason": reason,
        },
    )
    return paying_units(id_number=number, month_from=month_from, month_to=month_to)


def _rate_limit(user) -> None:
    limit, seconds = settings.ID_LOOKUP_LIMIT
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    if audit_count(actor=user, action=Action.INSURANCE_LOOKUP, since=since) >= limit:
        raise RateLimitedError(
            _("社保缴费信息查询过于频繁（每%(minutes)d分钟最多%(n)d次），请稍后再试。")
            % {"minutes": seconds // 60, "n": limit}
        )
