from django.db import migrations, models


def keys_from_parties(apps, schema_editor):
    """Give the rows frozen so far their keys: each was a person (p<case party>)."""
    ReportRow = apps.get_model("reports", "ReportRow")
    CaseParty = apps.get_model("cases", "CaseParty")
    schema_editor.execute(
        f"UPDATE {ReportRow._meta.db_table} AS rr SET row_key = 'p' || rr.case_party_id, "
        f"case_id = cp.case_id FROM {CaseParty._meta.db_table} AS cp "
        "WHERE cp.id = rr.case_party_id"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_remove_case_wide_outcome"), ("reports", "0003_report_kind")]

    operations = [
        migrations.AddField(
            model_name="reportrow",
            name="case_id",
            field=models.BigIntegerField(null=True, verbose_name="案件ID"),
        ),
        migrations.AddField(
            model_name="reportrow",
            name="row_key",
            field=models.CharField(blank=True, db_index=True, max_length=32, verbose_name="行标识"),
        ),
        migrations.AddField(
            model_name="reportrow",
            name="unit_measure_kinds",
            field=models.CharField(blank=True, max_length=300, verbose_name="单位措施代码"),
        ),
        migrations.AddField(
            model_name="reportrow",
            name="unit_key",
            field=models.CharField(blank=True, max_length=32, verbose_name="单位标识"),
        ),
        migrations.RunPython(keys_from_parties, migrations.RunPython.noop),
    ]
