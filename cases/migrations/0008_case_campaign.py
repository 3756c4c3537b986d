"""Give every case its campaign: the one running on its opening date, else the 2019 campaign.

The 2019 campaign is created from ``campaigns.reference`` (plain data) when cases exist before
the reference data is loaded; ``load_reference_data`` then finds it and creates nothing.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


def assign(apps, schema_editor):
    from campaigns.reference import SICHUAN_2019, campaign_create

    Case = apps.get_model("cases", "Case")
    Campaign = apps.get_model("campaigns", "Campaign")
    if not Case.objects.exists():
        return
    campaign_create(
        SICHUAN_2019,
        campaign_model=Campaign,
        phase_model=apps.get_model("campaigns", "Phase"),
        extension_model=apps.get_model("campaigns", "PhaseExtension"),
    )
    fallback = Campaign.objects.get(code=SICHUAN_2019["code"])
    for campaign in Campaign.objects.order_by("starts_on"):
        window = Q(opened_on__gte=campaign.starts_on)
        if campaign.ends_on:
            window &= Q(opened_on__lte=campaign.ends_on)
        Case.objects.filter(window).update(campaign=campaign)
    Case.objects.filter(campaign__isnull=True).update(campaign=fallback)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("cases", "0007_measure_kinds_in_the_plans_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="campaign",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="campaigns.campaign",
                verbose_name="专项整治",
            ),
        ),
        migrations.RunPython(assign, migrations.RunPython.noop),
    ]
