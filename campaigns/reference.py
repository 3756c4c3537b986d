"""The 2019 Sichuan campaign as reference data (DOMAIN.md §3; the plan in shared/reference).

Kept as plain data so a correction is one edit, and so the migration that gave existing cases and
reports their campaign can read it without importing models. The loader creates what is missing
and never rewrites what an admin changed (a later round is added in the admin, not here).

[inferred] The plan names no end for the monthly report (它要求建立长效机制) and its own 文号 is
not in the text we hold: the campaign is open-ended and its 方案文号 blank until an admin fills
them. The extensions come from the national supplementary notice (DOMAIN.md §3); its 文号 and
title below are as we know them and should be checked against the original.
"""

import datetime

from django.db import transaction

D = datetime.date
SUPPLEMENTARY = {
    "document_number": "建办市函〔2019〕92号",
    "document_title": (
        "住房和城乡建设部办公厅等关于做好工程建设领域专业技术人员职业资格"
        "“挂证”等违法违规行为专项整治工作的补充通知"
    ),
}

SICHUAN_2019 = {
    "code": "sc-2019",
    "name": "四川省工程建设领域专业技术人员职业资格“挂证”等违法违规行为专项整治",
    "short_name": "2019年“挂证”专项整治",
    "document_number": "",
    "basis": "建办市〔2018〕57号",
    "starts_on": D(2019, 1, 1),
    "ends_on": None,
    # 自2019年3月起，每月1日……填报上月查处情况: the first form filed covers February 2019;
    # January is the self-inspection month, covered by its summary.
    "first_reported_month": D(2019, 2, 1),
    "last_reported_month": None,
    "compares_housing_fund": False,
    "phases": [
        {
            "kind": "self_inspection",
            "starts_on": D(2019, 1, 1),
            "ends_on": D(2019, 1, 31),
            "summary_due_city": D(2019, 2, 12),
            "summary_due_province": D(2019, 2, 15),
            "summary_due_lead": None,
            "extensions": [{"ends_on": D(2019, 3, 31), **SUPPLEMENTARY}],
        },
        {
            "kind": "investigation",
            "starts_on": D(2019, 2, 1),
            "ends_on": D(2019, 6, 30),
            "summary_due_city": None,
            "summary_due_province": None,
            "summary_due_lead": None,
            "extensions": [{"ends_on": D(2019, 8, 31), **SUPPLEMENTARY}],
        },
        {
            "kind": "supervision",
            "starts_on": D(2019, 2, 1),
            "ends_on": D(2019, 9, 30),
            "summary_due_city": None,
            "summary_due_province": None,
            "summary_due_lead": None,
            "extensions": [],
        },
    ],
}

CAMPAIGNS = (SICHUAN_2019,)


def campaign_create(spec: dict, *, campaign_model, phase_model, extension_model) -> bool:
    """Create the campaign ``spec`` describes unless one with its code exists; return True if
    created. Takes the models so a migration can pass its historical ones."""
    if campaign_model.objects.filter(code=spec["code"]).exists():
        return False
    fields = {k: v for k, v in spec.items() if k != "phases"}
    campaign = campaign_model.objects.create(**fields)
    for phase_spec in spec["phases"]:
        phase_fields = {k: v for k, v in phase_spec.items() if k != "extensions"}
        phase = phase_model.objects.create(campaign=campaign, **phase_fields)
        for extension in phase_spec["extensions"]:
            extension_model.objects.create(phase=phase, **extension)
    return True


@transaction.atomic
def campaigns_load() -> int:
    """Create the reference campaigns that are missing; return how many were created."""
    from campaigns.models import Campaign, Phase, PhaseExtension

    return sum(
        campaign_create(
            spec, campaign_model=Campaign, phase_model=Phase, extension_model=PhaseExtension
        )
        for spec in CAMPAIGNS
    )
