"""Deadlines per stage as the plan sets them: the n-th working day of the next month.

The old rows counted county and city deadlines back from the province's (the 1st of the next
month), which put them inside the month they covered; that rule has no counterpart after the
month, so each row takes the plan's working day (county 3, city 5, province 7) and keeps its
reminder lead, and 住建厅's consolidation (10) is added.
"""

import django.core.validators
from django.db import migrations, models

WORKING_DAYS = {"county": 3, "prefecture": 5, "province": 7, "consolidation": 10}


def to_working_days(apps, schema_editor):
    ReportDeadline = apps.get_model("reports", "ReportDeadline")
    for stage, working_day in WORKING_DAYS.items():
        row, created = ReportDeadline.objects.get_or_create(
            stage=stage, defaults={"working_day": working_day, "reminder_working_days": 2}
        )
        if not created:
            row.working_day = working_day
            row.save(update_fields=["working_day"])


def to_offsets(apps, schema_editor):
    ReportDeadline = apps.get_model("reports", "ReportDeadline")
    ReportDeadline.objects.filter(stage="consolidation").delete()
    offsets = {"province": (1, 0), "prefecture": (None, 2), "county": (None, 3)}
    for stage, (day, before) in offsets.items():
        ReportDeadline.objects.filter(stage=stage).update(
            day_of_next_month=day, working_days_before_parent=before
        )


class Migration(migrations.Migration):

    dependencies = [("reports", "0006_agency_signatures")]

    operations = [
        migrations.RenameField("reportdeadline", "level", "stage"),
        migrations.AlterField(
            model_name="reportdeadline",
            name="stage",
            field=models.CharField(
                choices=[
                    ("county", "县（市、区）报送市（州）"),
                    ("prefecture", "市（州）报送省级部门"),
                    ("province", "省级部门报送住房城乡建设厅"),
                    ("consolidation", "住房城乡建设厅汇总上报住房城乡建设部"),
                ],
                max_length=16,
                unique=True,
                verbose_name="环节",
            ),
        ),
        migrations.AddField(
            model_name="reportdeadline",
            name="working_day",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="次月第几个工作日"),
            preserve_default=False,
        ),
        migrations.RunPython(to_working_days, to_offsets),
        migrations.RemoveField(model_name="reportdeadline", name="day_of_next_month"),
        migrations.RemoveField(model_name="reportdeadline", name="working_days_before_parent"),
        migrations.AlterField(
            model_name="reportdeadline",
            name="working_day",
            field=models.PositiveSmallIntegerField(
                help_text="上月月报在次月第几个工作日（含调休）前报送；须按县、市、省、汇总的顺序递增。",
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(15),
                ],
                verbose_name="次月第几个工作日",
            ),
        ),
        migrations.AlterField(
            model_name="reportdeadline",
            name="reminder_working_days",
            field=models.PositiveSmallIntegerField(
                default=2,
                validators=[django.core.validators.MaxValueValidator(15)],
                verbose_name="提前提醒工作日数",
            ),
        ),
        migrations.AlterModelOptions(
            name="reportdeadline",
            options={
                "ordering": ["working_day"],
                "verbose_name": "报送期限",
                "verbose_name_plural": "报送期限",
            },
        ),
    ]
