"""The steps of recording a decision and of withdrawing it, each undo beside its do.

``cases.services.case_decide`` and ``case_reopen`` call these inside their transaction, after
the permission and state checks and the validation (``cases.validation.decision``).
"""

import datetime

from audit.services import snapshot
from cases.evidence import evidence_store
from cases.models import Case, Certificate, Decision, ExemptionProof, Measure, Outcome
from cases.validation import DecisionInput, OutcomeInput

REREGISTRATION_BAN_YEARS = 3  # 撤销注册后3年内不得再次申请注册 (the plan)
BLACKLIST_YEARS = 1  # 建市〔2017〕241号: 黑名单 term is one year from listing
CERTIFICATE_FIELDS = ["state", "revoked_on", "reregistration_banned_until"]


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Return the same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def decision_record(case: Case, cleaned: DecisionInput, actor) -> Decision:
    """Write the decision and copy its date to the case (the one writer of both)."""
    decision = Decision.objects.create(
        case=case,
        decided_on=cleaned.decided_on,
        deciding_agency=cleaned.deciding_agency,
        referred_to_issuer=cleaned.referred_to_issuer,
        issuer=cleaned.issuer,
        document_number=cleaned.document_number,
        penalty_text=cleaned.penalty_text,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.decided_on = decision.decided_on  # the list filters and sorts on this copy
    return decision


def _measure_dates(kind: str, item: OutcomeInput, decided: datetime.date) -> dict:
    """Return the dates (and amount) a measure of ``kind`` carries, derived by the plan's rules."""
    revoked = item.revoked_on or decided
    if kind == Measure.Kind.REVOKE_REGISTRATION:
        return {"starts_on": revoked}
    if kind == Measure.Kind.REREGISTRATION_BAN:
        return {"starts_on": revoked, "ends_on": add_years(revoked, REREGISTRATION_BAN_YEARS)}
    if kind == Measure.Kind.BLACKLIST:
        return {"starts_on": decided, "ends_on": add_years(decided, BLACKLIST_YEARS)}
    if kind == Measure.Kind.RECTIFY_ORDER:
        return {"starts_on": decided, "deadline": item.rectify_deadline}
    if kind == Measure.Kind.FINE:
        return {"starts_on": decided, "amount": item.fine_amount}
    return {"starts_on": decided}


def outcomes_record(
    decision: Decision, cleaned: DecisionInput, *, actor, stored: list[str]
) -> list[Outcome]:
    """Write each party's outcome, its measures and its proofs (uploads become evidence)."""
    outcomes = []
    for item in cleaned.outcomes:
        outcome = Outcome.objects.create(
            decision=decision,
            role=item.role,
            party=item.party,
            unit=item.unit,
            result=item.result,
            exemption=item.exemption,
            self_corrected=item.self_corrected,
            self_correction_text=item.self_correction_text,
            self_corrected_on=item.self_corrected_on,
            self_correction_basis=item.self_correction_basis,
        )
        Measure.objects.bulk_create(
            Measure(outcome=outcome, kind=kind, **_measure_dates(kind, item, cleaned.decided_on))
            for kind in item.kinds
        )
        for proof in item.proofs:
            evidence = proof.evidence or evidence_store(
                case=decision.case,
                uploaded_file=proof.upload,
                description=str(ExemptionProof.Kind(proof.kind).label),
                actor=actor,
                stored=stored,
            )
            ExemptionProof.objects.create(
                outcome=outcome, kind=proof.kind, evidence=evidence, note=proof.note
            )
        outcomes.append(outcome)
    return outcomes


def certificates_apply(cleaned: DecisionInput) -> dict:
    """Revoke or deregister each person's certificate as their measures say; undone by restore.

    Return ``{number: {field: [before, after]}}`` for the audit event.
    """
    changes = {}
    for item in cleaned.outcomes:
        certificate = item.party.certificate if item.party is not None else None
        if certificate is None:
            continue
        before = snapshot(certificate, CERTIFICATE_FIELDS)
        if Measure.Kind.REVOKE_REGISTRATION in item.kinds:
            revoked = item.revoked_on or cleaned.decided_on
            certificate.state, certificate.revoked_on = Certificate.State.REVOKED, revoked
            certificate.reregistration_banned_until = add_years(revoked, REREGISTRATION_BAN_YEARS)
        elif Measure.Kind.DEREGISTRATION in item.kinds:
            certificate.state = Certificate.State.DEREGISTERED
            certificate.deregistered_on = cleaned.decided_on
        else:
            continue
        certificate.save()
        after = snapshot(certificate, CERTIFICATE_FIELDS)
        changes[certificate.number] = {k: [before[k], after[k]] for k in after}
    return changes


def certificates_restore(outcomes: list[Outcome]) -> None:
    """Return certificates revoked or deregistered by the outcomes to registered (undoes apply)."""
    for outcome in outcomes:
        certificate = outcome.party.certificate if outcome.party_id else None
        if certificate is None:
            continue
        kinds = {m.kind for m in outcome.measures.all()}
        revoked = Measure.Kind.REVOKE_REGISTRATION in kinds
        if revoked and certificate.state == Certificate.State.REVOKED:
            certificate.revoked_on = certificate.reregistration_banned_until = None
        elif Measure.Kind.DEREGISTRATION in kinds and certificate.state == (
            Certificate.State.DEREGISTERED
        ):
            certificate.deregistered_on = None
        else:
            continue
        certificate.state = Certificate.State.REGISTERED
        certificate.save()


def outcomes_summary(outcomes) -> list[dict]:
    """Return the outcomes as the case history records them (names, results, measures)."""
    return [
        {
            "role": outcome.role,
            "name": outcome.party_name,
            "result": outcome.result,
            "exemption": outcome.exemption,
            "self_corrected": outcome.self_corrected,
            "self_correction_basis": outcome.self_correction_basis,
            "kinds": [m.kind for m in outcome.measures.all()],
            "proofs": [p.kind for p in outcome.proofs.all()],
        }
        for outcome in outcomes
    ]


def decision_withdraw(case: Case) -> dict:
    """Delete the case's decision, restore what it changed and clear the case's copy of its date.

    Return what was withdrawn, for the audit event. Proof files stay among the case's evidence.
    """
    case.decided_on = None
    decision = Decision.objects.filter(case=case).first()
    if decision is None:
        return {}
    outcomes = list(
        decision.outcomes.select_related("party__certificate", "unit").prefetch_related(
            "measures", "proofs"
        )
    )
    withdrawn = {"decision": snapshot(decision), "outcomes": outcomes_summary(outcomes)}
    certificates_restore(outcomes)
    decision.delete()
    return withdrawn
