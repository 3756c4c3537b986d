from django.db import migrations

DEFAULTS = {
    "complaint": 15,
    "ministry_list": 20,
    "comparison": 20,
    "spot_check": 20,
    "referral": 15,
    "other": 20,
}


def create(apps, schema_editor):
    LeadDeadline = apps.get_model("leads", "LeadDeadline")
    for source, days in DEFAULTS.items():
        LeadDeadline.objects.get_or_create(
            source=source, defaults={"working_days": days, "reminder_working_days": 3}
        )


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
