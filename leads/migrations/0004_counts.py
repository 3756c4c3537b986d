import django.db.models.deletion
from django.db import migrations, models

from agencies.counts import counter_triggers

TRIGGERS = counter_triggers(table="leads_lead", counter="leads_leadcount", key="state")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_add_profile"),
        ("leads", "0003_lead_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="LeadCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=32)),
                ("n", models.BigIntegerField()),
                (
                    "agency",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="agencies.agency",
                    ),
                ),
            ],
            options={
                "verbose_name": "线索数（按机构、状态）",
                "verbose_name_plural": "线索数（按机构、状态）",
                "indexes": [models.Index(fields=["agency", "key"], name="lead_count_agency_key")],
            },
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(("state", "closed"), _negated=True),
                fields=["agency", "deadline"],
                name="lead_open_agency_deadline",
            ),
        ),
        # Keep the counts from now on, starting from what is there (agencies.counts).
        migrations.RunSQL(*TRIGGERS),
    ]
