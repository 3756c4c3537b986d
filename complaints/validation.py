"""Checking what a complaint adds to its lead: channel, time, complainant, reply."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.validation import Errors, clean_date, clean_text
from complaints.models import Complaint
from leads.validation import clean_choice

PHONE = re.compile(r"^[0-9+\-() ]{3,30}$")
FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－（）　", "0123456789+-() ")


@dataclass
class ComplainantInput:
    anonymous: bool
    name: str
    phone: str
    contact: str


def clean_phone(value, path: str, errors: Errors) -> str:
    phone = clean_text(value, path, errors, limit=30).translate(FULL_WIDTH).strip()
    if phone and not PHONE.match(phone):
        errors.add(path, _("联系电话只能包含数字、空格和 + - ( )。"))
    return phone


def clean_complainant(fields: dict, errors: Errors) -> ComplainantInput:
    """Return the complainant: none when anonymous (whatever was typed is dropped)."""
    anonymous = fields.get("anonymous") in (True, "true", "True", "1", "on", 1)
    if anonymous:
        return ComplainantInput(True, "", "", "")
    name = clean_text(fields.get("name"), "name", errors, limit=50)
    if not name:
        errors.add("name", _("请填写投诉人姓名，或选择匿名投诉。"))
    phone = clean_phone(fields.get("phone"), "phone", errors)
    contact = clean_text(fields.get("contact"), "contact", errors, limit=200)
    return ComplainantInput(False, name, phone, contact)


def clean_received_at(value, errors: Errors) -> datetime.datetime | None:
    """Return when the complaint was received (now when not given); never in the future."""
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip().replace("T", " ")
        moment = None
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            day = clean_date(text, "received_at", errors)
            if day is None:
                return None
            moment = datetime.datetime.combine(day, datetime.time(9, 0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        errors.add("received_at", _("受理时间不能晚于现在。"))
        return None
    return moment


def clean_reply(fields: dict, errors: Errors) -> dict:
    """Return a reply's date, channel and text."""
    replied_on = clean_date(fields.get("replied_on") or timezone.localdate(), "replied_on", errors)
    channel = clean_choice(
        fields.get("channel"),
        "channel",
        Complaint.ReplyChannel.choices,
        errors,
        label=_("答复方式"),
    )
    text = clean_text(fields.get("text"), "text", errors, limit=2000)
    if not text:
        errors.add("text", _("请填写答复内容。"))
    return {"replied_on": replied_on, "reply_channel": channel, "reply_text": text}
