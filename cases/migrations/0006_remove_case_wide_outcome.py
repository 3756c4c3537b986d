import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    """Drop the case-wide outcome fields now held per party, and tie every measure to one."""

    dependencies = [("cases", "0005_outcomes_from_decisions")]

    operations = [
        # Measures of a unit no case names any more cannot be placed: they never were reported.
        migrations.RunSQL("DELETE FROM cases_measure WHERE outcome_id IS NULL", migrations.RunSQL.noop),
        migrations.RemoveField(model_name="decision", name="outcome"),
        migrations.RemoveField(model_name="decision", name="exemption"),
        migrations.RemoveField(model_name="decision", name="exemption_evidence"),
        migrations.RemoveField(model_name="decision", name="self_corrected"),
        migrations.RemoveField(model_name="decision", name="self_correction_text"),
        migrations.RemoveField(model_name="measure", name="decision"),
        migrations.RemoveField(model_name="measure", name="party"),
        migrations.RemoveField(model_name="measure", name="unit"),
        migrations.AlterField(
            model_name="measure",
            name="outcome",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="measures",
                to="cases.outcome",
                verbose_name="处理结论",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="deciding_agency",
            field=models.ForeignKey(
                help_text="作出处理决定的机关，默认为承办机构。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="agencies.agency",
                verbose_name="处理机关",
            ),
        ),
        migrations.AlterModelOptions(
            name="measure",
            options={
                "ordering": ["outcome", "id"],
                "verbose_name": "处理措施",
                "verbose_name_plural": "处理措施",
            },
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.CheckConstraint(
                condition=(
                    Q(role="person", party__isnull=False, unit__isnull=True)
                    | (~Q(role="person") & Q(party__isnull=True, unit__isnull=False))
                ),
                name="outcome_one_party",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(
                condition=Q(party__isnull=False),
                fields=("decision", "party"),
                name="outcome_unique_person",
            ),
        ),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(
                condition=~Q(role="person"),
                fields=("decision", "role"),
                name="outcome_unique_unit_role",
            ),
        ),
    ]
