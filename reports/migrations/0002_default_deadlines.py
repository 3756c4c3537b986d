from django.db import migrations

# Province-level reports are due on the 1st of the following month (the plan); city and county
# branches report earlier so that each level has time to review, counted in working days.
DEFAULTS = [
    {"level": "province", "day_of_next_month": 1, "working_days_before_parent": 0},
    {"level": "prefecture", "day_of_next_month": None, "working_days_before_parent": 2},
    {"level": "county", "day_of_next_month": None, "working_days_before_parent": 3},
]


def create_defaults(apps, schema_editor):
    ReportDeadline = apps.get_model("reports", "ReportDeadline")
    for row in DEFAULTS:
        ReportDeadline.objects.get_or_create(
            level=row["level"],
            defaults={**row, "reminder_working_days": 2},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_annex1_reports")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
