"""Which campaign, which phase, which months: every page and service asks here.

The current campaign is the one running today (the latest started, when rounds overlap), or else
the one that ended last; pages default to it and offer the others.
"""

import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Phase, PhaseExtension
from core.errors import DomainError, NotFoundError
from core.months import next_month

_earliest: list[datetime.date] = []  # the earliest start, cached per process (see earliest_start)


def _with_phases(queryset):
    phases = Phase.objects.prefetch_related(
        Prefetch("extensions", queryset=PhaseExtension.objects.order_by("ends_on"))
    )
    return queryset.prefetch_related(Prefetch("phases", queryset=phases))


def campaigns_all() -> list[Campaign]:
    """Return every campaign with its phases and their extensions, the latest first."""
    return list(_with_phases(Campaign.objects.order_by("-starts_on", "code")))


def _running_q(day: datetime.date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def campaign_for_day(day: datetime.date) -> Campaign | None:
    """Return the campaign running on ``day`` (the latest started, if rounds overlap)."""
    return Campaign.objects.filter(_running_q(day)).order_by("-starts_on", "-pk").first()


def campaigns_for_days(days) -> dict[datetime.date, Campaign | None]:
    """Return ``campaign_for_day`` of each of ``days`` in one query (an import's opening dates).

    The campaigns running on any of the days are read once, the latest started first, and each
    day takes the first that covers it: the order ``campaign_for_day`` picks by.
    """
    days = set(days)
    if not days:
        return {}
    running = list(
        Campaign.objects.filter(
            Q(starts_on__lte=max(days)) & (Q(ends_on__isnull=True) | Q(ends_on__gte=min(days)))
        ).order_by("-starts_on", "-pk")
    )
    return {day: next((c for c in running if c.covers(day)), None) for day in days}


def campaign_current(today: datetime.date | None = None) -> Campaign:
    """Return the campaign pages default to: running today, else the one that ended last."""
    today = today or timezone.localdate()
    campaign = campaign_for_day(today) or (
        Campaign.objects.filter(starts_on__lte=today).order_by("-ends_on", "-starts_on").first()
        or Campaign.objects.order_by("starts_on").first()
    )
    if campaign is None:
        raise DomainError(_("尚未配置专项整治，请系统管理员先加载基础数据。"))
    return campaign


def campaign_get(value) -> Campaign:
    """Return the campaign named by its code or id (as a URL or the API passes it)."""
    text = str(value or "").strip()
    query = Q(code=text) | (Q(pk=int(text)) if text.isdigit() and len(text) < 10 else Q())
    campaign = Campaign.objects.filter(query).first() if text else None
    if campaign is None:
        raise NotFoundError(
            _("未找到专项整治“%(value)s”。") % {"value": text[:40]},
            fields={"campaign": [_("请选择专项整治。")]},
        )
    return campaign


def campaign_chosen(value=None) -> Campaign:
    """Return the campaign ``value`` names, or the current one when it names none."""
    return campaign_get(value) if value not in (None, "") else campaign_current()


def _reports_q(month: datetime.date) -> Q:
    return Q(first_reported_month__lte=month) & (
        Q(last_reported_month__isnull=True) | Q(last_reported_month__gte=month)
    )


def campaigns_reporting(month: datetime.date) -> list[Campaign]:
    """Return every campaign whose monthly 附件1 covers ``month`` (rounds may overlap)."""
    return list(Campaign.objects.filter(_reports_q(month)).order_by("starts_on", "pk"))


def campaign_reporting(month: datetime.date) -> Campaign:
    """Return the campaign a report of ``month`` belongs to when none is named: the current
    campaign if it reports the month, else the latest started campaign that does."""
    candidates = list(Campaign.objects.filter(_reports_q(month)).order_by("-starts_on", "-pk"))
    current = campaign_current() if candidates else None
    if current in candidates:
        return current
    if candidates:
        return candidates[0]
    label = f"{month.year}年{month.month}月"
    message = _("%(month)s不在任何专项整治的报送月份内。") % {"month": label}
    raise DomainError(message, fields={"month": [message]})


def reporting_months(campaign: Campaign, today: datetime.date | None = None) -> list:
    """Return the campaign's reported months up to this month, the latest first."""
    this_month = (today or timezone.localdate()).replace(day=1)
    last = min(filter(None, [campaign.last_reported_month, this_month]))
    months, month = [], campaign.first_reported_month
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months[::-1]


def phase_of(campaign: Campaign, kind: str) -> Phase | None:
    """Return the campaign's phase of ``kind`` with its extensions, or None."""
    extensions = Prefetch("extensions", queryset=PhaseExtension.objects.order_by("ends_on"))
    return Phase.objects.filter(campaign=campaign, kind=kind).prefetch_related(extensions).first()


def earliest_start() -> datetime.date | None:
    """Return the earliest campaign start: no fact of the register is older.

    Cached for the process (dates are checked in every imported row); a campaign saved in the
    admin clears it (``campaigns.services.campaign_save``). Only an earlier start than every
    existing campaign would matter to another process, and it takes effect there on restart.
    """
    if not _earliest:
        first = Campaign.objects.order_by("starts_on").values_list("starts_on", flat=True).first()
        if first is None:
            return None
        _earliest.append(first)
    return _earliest[0]


def earliest_start_forget() -> None:
    _earliest.clear()
