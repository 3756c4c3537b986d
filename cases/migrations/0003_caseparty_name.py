from django.db import migrations, models


def copy_names(apps, schema_editor):
    """Give every existing party the name of its person, as entered so far."""
    CaseParty = apps.get_model("cases", "CaseParty")
    Person = apps.get_model("cases", "Person")
    schema_editor.execute(
        f"UPDATE {CaseParty._meta.db_table} AS cp SET name = p.name "
        f"FROM {Person._meta.db_table} AS p WHERE p.id = cp.person_id"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_case_decided_on")]

    operations = [
        migrations.AddField(
            model_name="caseparty",
            name="name",
            field=models.CharField(default="", max_length=50, verbose_name="姓名"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
    ]
