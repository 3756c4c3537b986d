"""Deadline notices of the lead pipeline: reminders before, overdue lists after.

Run daily by the beat (``leads.tasks``) and keyed so that a second run sends nothing twice:
a reminder per agency and deadline day, an overdue notice per lead to the agency above (which
supervises it) and to the agency holding it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils.translation import gettext as _

from agencies import permissions
from core.months import day_label
from core.workdays import working_days_between
from leads import routing
from leads.deadlines import rule_for
from leads.models import Lead
from notifications.services import notification_send

# Reminders look this many calendar days ahead at most (no rule warns longer than two weeks).
LOOK_AHEAD_DAYS = 21
# Overdue notices catch up this many days after a deadline (a beat down over a holiday).
CATCH_UP_DAYS = 14
WRITE_ROLES, REVIEWER = permissions.WRITE_ROLES, permissions.REVIEWER


def leads_remind(*, today: datetime.date) -> int:
    """Tell each agency, once per deadline day, how many of its open leads fall due soon."""
    window = today + datetime.timedelta(days=LOOK_AHEAD_DAYS)
    due: dict[tuple[int, datetime.date], int] = defaultdict(int)
    warnings = {}
    open_leads = Lead.objects.exclude(state=Lead.State.CLOSED).filter(
        deadline__gte=today, deadline__lte=window
    )
    for agency_id, source, deadline in open_leads.values_list("agency_id", "source", "deadline"):
        if source not in warnings:
            warnings[source] = rule_for(source)[1]
        if working_days_between(today, deadline) <= warnings[source]:
            due[(agency_id, deadline)] += 1
    staff = permissions.staff_by_agency({a for a, _d in due}, permissions.WRITE_ROLES)
    sent = 0
    for (agency_id, deadline), count in sorted(due.items()):
        sent += notification_send(
            users=staff.get(agency_id, []),
            key=f"lead-reminder:{agency_id}:{deadline}",
            title=_("%(n)d条问题线索将于%(day)s到期") % {"n": count, "day": day_label(deadline)},
            body=_("请在办理期限前核查办结；投诉举报须同时答复投诉人。"),
            route=("leads:list", {"state": "verifying"}),
        )
    return sent


def leads_overdue_notify(*, today: datetime.date) -> int:
    """Tell the agency holding each newly overdue lead, and the agency above it, once per lead.

    Only leads that fell due within ``CATCH_UP_DAYS`` are looked at: older ones were told when
    they fell due (the key includes the deadline), and a screening run can leave tens of
    thousands of open leads that must not be walked every morning. Staff are read once per
    agency, not per lead.
    """
    overdue = list(
        Lead.objects.exclude(state=Lead.State.CLOSED)
        .filter(deadline__lt=today, deadline__gte=today - datetime.timedelta(days=CATCH_UP_DAYS))
        .select_related("agency__parent", "agency__department", "agency__region")
    )
    agencies = {lead.agency_id: lead.agency for lead in overdue}
    above = {pk: routing.escalation_target(agency) for pk, agency in agencies.items()}
    handlers = permissions.staff_by_agency(agencies, WRITE_ROLES)
    reviewers = permissions.staff_by_agency({a.pk for a in above.values()}, {REVIEWER})
    sent = 0
    for lead in overdue:
        title = _("问题线索%(ref)s已逾期（办理期限%(day)s，承办机构%(agency)s）") % {
            "ref": lead.reference,
            "day": day_label(lead.deadline),
            "agency": lead.agency.name,
        }
        users = list(handlers.get(lead.agency_id, []))
        parent = above[lead.agency_id]
        if parent.pk != lead.agency_id:
            users += [u for u in reviewers.get(parent.pk, []) if u not in users]
        sent += notification_send(
            users=users, key=f"lead-overdue:{lead.pk}:{lead.deadline}", title=title, target=lead
        )
    return sent
