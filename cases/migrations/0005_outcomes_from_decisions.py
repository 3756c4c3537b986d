from django.db import migrations


def outcomes_from_decisions(apps, schema_editor):
    """Give each party of a decided case the case-wide outcome it had, and move the measures.

    The units get an outcome where a measure named them; free-text exemption evidence becomes a
    proof of kind 其他 with that text (no file: it was never uploaded).
    """
    Decision = apps.get_model("cases", "Decision")
    Outcome = apps.get_model("cases", "Outcome")
    Measure = apps.get_model("cases", "Measure")
    ExemptionProof = apps.get_model("cases", "ExemptionProof")
    for decision in Decision.objects.select_related("case").iterator():
        decision.deciding_agency_id = decision.case.agency_id
        decision.save(update_fields=["deciding_agency"])
        common = {
            "decision": decision,
            "result": decision.outcome,
            "exemption": decision.exemption,
            "self_corrected": decision.self_corrected,
            "self_correction_text": decision.self_correction_text,
        }
        for party in decision.case.parties.all():
            outcome = Outcome.objects.create(role="person", party=party, **common)
            Measure.objects.filter(decision=decision, party=party).update(outcome=outcome)
            if decision.exemption_evidence:
                ExemptionProof.objects.create(
                    outcome=outcome, kind="other", note=decision.exemption_evidence
                )
        roles = (("unit", decision.case.certificate_user_unit_id), ("hr_agency", decision.case.hr_agency_id))
        for role, unit_id in roles:
            named = Measure.objects.filter(decision=decision, unit_id=unit_id, outcome__isnull=True)
            if unit_id and named.exists():
                outcome = Outcome.objects.create(
                    role=role,
                    unit_id=unit_id,
                    decision=decision,
                    result="established",
                )
                named.update(outcome=outcome)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_outcomes_per_party")]

    operations = [migrations.RunPython(outcomes_from_decisions, migrations.RunPython.noop)]
