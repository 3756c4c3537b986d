"""The pieces every check of the case register uses: the error collector, texts and dates."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.selectors import earliest_start
from cases.labels import first_error_message
from core.errors import DomainError
from core.months import day_label

DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value, path: str, errors: Errors, *, limit: int | None = None) -> str:
    """Return ``value`` as stripped text; refuse control characters (NUL …) and overlong text."""
    text = str(value or "").strip()
    if CONTROL_CHARACTERS.search(text):
        errors.add(path, _("不能包含控制字符。"))
        return CONTROL_CHARACTERS.sub("", text)
    if limit is not None and len(text) > limit:
        errors.add(path, _("不能超过%(n)d个字。") % {"n": limit})
    return text


class Errors(dict):
    """Field path → list of messages, raised together as one DomainError."""

    def add(self, path: str, message: str) -> None:
        self.setdefault(path, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise DomainError(first_error_message(self), fields=dict(self))


# --------------------------------------------------------------------------- dates


def parse_date(value) -> datetime.date:
    """Return ``value`` (a date, or text such as 2019-03-02, 2019/3/2, 2019年3月2日) as a date.

    Raise ValueError with the Chinese reason when it is no date.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*map(int, match.groups()))
            except ValueError as exc:
                raise ValueError(_("日期不存在。")) from exc
    raise ValueError(_("日期格式不正确（应为 YYYY-MM-DD，如 2019-03-02）。"))


def clean_date(
    value, path: str, errors: Errors, *, required: bool = True, future: bool = False
) -> datetime.date | None:
    """Return ``value`` as a date (not after today unless ``future``), or record why not."""
    if value in (None, ""):
        if required:
            errors.add(path, _("请填写日期。"))
        return None
    try:
        day = parse_date(value)
    except ValueError as exc:
        errors.add(path, str(exc))
        return None
    if not future and day > timezone.localdate():
        errors.add(path, _("日期不能晚于今天。"))
        return None
    earliest = earliest_start()
    if earliest and day < earliest:
        errors.add(
            path, _("日期不能早于%(day)s（专项整治开始前）。") % {"day": day_label(earliest)}
        )
        return None
    return day
