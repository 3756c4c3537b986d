from django.db import migrations, models

# The fingerprint of reports/compile.py at this version: a row's facts, not its wording.
FINGERPRINT = """md5(concat_ws('|', rr.name, rr.id_number, rr.certificate_number,
    rr.certificate_title, rr.registered_unit, rr.actual_unit, rr.unit_name, rr.unit_uscc,
    rr.self_correction, rr.measure_kinds, rr.unit_measure_kinds, rr.document_number))"""


# Measure.Kind in its order at this version: the compile lists a unit's measures in it.
KIND_ORDER = [
    "revoke_registration",
    "reregistration_ban",
    "circular",
    "bad_record",
    "blacklist",
    "notify_employer",
    "rectify_order",
    "fine",
    "revoke_hr_license",
    "deregistration",
]


def fingerprints_of_facts(apps, schema_editor):
    """Give the rows frozen before the fingerprint changed the new one, so that no month is
    re-reported as 更正 only because 行政处罚 is worded differently now.

    The 文号 is read back from the end of the frozen 行政处罚 text; the unit's and the HR
    agency's measures (which the old form left out) from the case's outcomes, where the case is
    still decided; retractions keep their marker.
    """
    ReportRow = apps.get_model("reports", "ReportRow")
    Outcome = apps.get_model("cases", "Outcome")
    Measure = apps.get_model("cases", "Measure")
    Decision = apps.get_model("cases", "Decision")
    rows, outcomes = ReportRow._meta.db_table, Outcome._meta.db_table
    measures, decisions = Measure._meta.db_table, Decision._meta.db_table
    schema_editor.execute(
        f"UPDATE {rows} SET document_number = substring(penalty from '（([^（）]+)）$') "
        "WHERE penalty ~ '（[^（）]+）$'"
    )
    schema_editor.execute(
        f"""UPDATE {rows} AS rr SET unit_measure_kinds = k.kinds, unit_key = 'c' || rr.case_id
        FROM (SELECT d.case_id, string_agg(
                  CASE o.role WHEN 'hr_agency' THEN 'hr:' ELSE 'unit:' END || m.kind, ','
                  ORDER BY o.role DESC, array_position(%s::text[], m.kind::text)) AS kinds
              FROM {decisions} d JOIN {outcomes} o ON o.decision_id = d.id
              JOIN {measures} m ON m.outcome_id = o.id
              WHERE o.role <> 'person' AND o.result = 'established'
              GROUP BY d.case_id) k
        WHERE k.case_id = rr.case_id AND rr.fingerprint <> 'retracted'""",
        [KIND_ORDER],
    )
    # The person's measures in the order the compile now lists them (通报 moved forward).
    schema_editor.execute(
        f"""UPDATE {rows} SET measure_kinds = array_to_string(ARRAY(
                SELECT k FROM unnest(string_to_array(measure_kinds, ',')) k
                ORDER BY array_position(%s::text[], k)), ',')
            WHERE measure_kinds <> ''""",
        [KIND_ORDER],
    )
    schema_editor.execute(
        f"UPDATE {rows} AS rr SET fingerprint = {FINGERPRINT} WHERE rr.fingerprint <> 'retracted'"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_remove_case_wide_outcome"),
        ("reports", "0004_reportrow_row_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrow",
            name="document_number",
            field=models.CharField(blank=True, max_length=100, verbose_name="处理决定文号"),
        ),
        migrations.RunPython(fingerprints_of_facts, migrations.RunPython.noop),
    ]
