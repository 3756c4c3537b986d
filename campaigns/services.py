"""Writes of the campaign calendar (the admin's): a campaign and its phases, audited.

A campaign's dates bound what belongs to it, so a change may not leave a report outside its
reported months or a case outside its dates. The models that belong to a campaign say which of
their dates the campaign bounds (``CAMPAIGN_MONTH`` or ``CAMPAIGN_DAY``); this app reads them
through the reverse relations and imports none of the apps above it.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from audit.actions import Action
from audit.services import audit_record
from campaigns.models import Campaign, Phase
from campaigns.selectors import earliest_start_forget
from core.errors import DomainError
from core.months import day_label, month_label


def _outside(campaign: Campaign) -> list[str]:
    """Name what would fall outside ``campaign``'s dates if it were saved as it is."""
    if campaign.pk is None:
        return []
    found = []
    for relation in Campaign._meta.related_objects:
        model = relation.related_model
        manager = model._default_manager.filter(**{relation.field.name: campaign.pk})
        month_field = getattr(model, "CAMPAIGN_MONTH", None)
        day_field = getattr(model, "CAMPAIGN_DAY", None)
        if month_field:
            outside = Q(**{f"{month_field}__lt": campaign.first_reported_month})
            if campaign.last_reported_month:
                outside |= Q(**{f"{month_field}__gt": campaign.last_reported_month})
            first = (
                manager.filter(outside).order_by(month_field).values_list(month_field, flat=True)
            )
            label = month_label
        elif day_field:
            outside = Q(**{f"{day_field}__lt": campaign.starts_on})
            if campaign.ends_on:
                outside |= Q(**{f"{day_field}__gt": campaign.ends_on})
            first = manager.filter(outside).order_by(day_field).values_list(day_field, flat=True)
            label = day_label
        else:
            continue
        day = first.first()
        if day is not None:
            found.append(f"{model._meta.verbose_name}（{label(day)}）")
    return found


def campaign_check(campaign: Campaign) -> None:
    """Refuse dates that would leave a report, case or declaration outside the campaign."""
    outside = _outside(campaign)
    if outside:
        raise DomainError(
            _("修改后以下记录将不在本专项整治的期间内，请先核对日期：%(items)s。")
            % {"items": "、".join(outside)},
            fields={"starts_on": outside},
        )


@transaction.atomic
def campaign_save(*, campaign: Campaign, actor) -> Campaign:
    """Save a campaign's own fields, checked against what belongs to it, and audit the change."""
    for name in ("first_reported_month", "last_reported_month"):
        value = getattr(campaign, name)
        if isinstance(value, datetime.date):
            setattr(campaign, name, value.replace(day=1))
    before = model_to_dict(Campaign.objects.get(pk=campaign.pk)) if campaign.pk is not None else {}
    campaign_check(campaign)
    campaign.save()
    after = model_to_dict(campaign)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    audit_record(
        actor=actor,
        action=Action.CAMPAIGN_SAVED,
        target=campaign,
        changes={k: v for k, v in changes.items() if k != "id"},
    )
    earliest_start_forget()
    return campaign


def phases_record(*, campaign: Campaign, actor) -> None:
    """Audit the campaign's phases as they now stand (after the admin saved them)."""
    phases = Phase.objects.filter(campaign=campaign).prefetch_related("extensions")
    audit_record(
        actor=actor,
        action=Action.CAMPAIGN_PHASES_SAVED,
        target=campaign,
        data={
            "phases": [
                {
                    "kind": p.kind,
                    "starts_on": p.starts_on,
                    "ends_on": p.ends_on,
                    "effective_end": p.effective_end,
                    "summary_due": [p.summary_due_city, p.summary_due_province, p.summary_due_lead],
                }
                for p in phases
            ]
        },
    )
