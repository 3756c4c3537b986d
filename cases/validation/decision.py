"""Checking a decision: what is common to the act, and each party's outcome and measures.

The payload names each party's outcome (``outcomes``: a person by its case party id, the unit
that used the certificate as ``"unit"``, the HR agency as ``"hr_agency"``). A case-wide payload
(one ``outcome`` and ``measures`` for the whole case, the first API's shape) is still taken: it
is expanded to the parties as the measures' kinds say (``expand_case_wide``).

The plan's consequences hold here: 撤销注册 always carries the 3-year re-registration ban; a
self-corrected party is not also penalised; staff of state organs and public institutions are
reported to their employer and the 监察机关; an exemption needs its proofs, each with a file.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agencies.models import Agency
from cases import self_correction
from cases.labels import allowed
from cases.models import Case, CaseParty, Evidence, ExemptionProof, Measure, Outcome, Unit
from cases.validation.base import Errors, clean_date, clean_text

Kind = Measure.Kind
# Which measures fit which kind of party (DOMAIN.md §4).
ROLE_KINDS = {
    Outcome.Role.PERSON: frozenset(
        {
            Kind.REVOKE_REGISTRATION,
            Kind.REREGISTRATION_BAN,
            Kind.DEREGISTRATION,
            Kind.BAD_RECORD,
            Kind.BLACKLIST,
            Kind.CIRCULAR,
            Kind.NOTIFY_EMPLOYER,
        }
    ),
    Outcome.Role.UNIT: frozenset(
        {Kind.CIRCULAR, Kind.BAD_RECORD, Kind.BLACKLIST, Kind.RECTIFY_ORDER, Kind.FINE}
    ),
    Outcome.Role.HR_AGENCY: frozenset(
        {
            Kind.RECTIFY_ORDER,
            Kind.FINE,
            Kind.REVOKE_HR_LICENSE,
            Kind.CIRCULAR,
            Kind.BAD_RECORD,
            Kind.BLACKLIST,
        }
    ),
}
# What a self-corrected party may still have: 注销注册 is the correction itself.
SELF_CORRECTION_KINDS = frozenset({Kind.DEREGISTRATION})
# The decision's texts and how long each may be (the columns' sizes, or a sane page).
TEXT_LIMITS = {"document_number": 100, "penalty_text": 2000, "issuer": 100}


@dataclass
class ProofInput:
    kind: str
    evidence: Evidence | None = None
    upload: object = None  # an uploaded file, stored as evidence of the case by the service
    note: str = ""


@dataclass
class OutcomeInput:
    """One party's checked outcome."""

    role: str
    party: CaseParty | None
    unit: Unit | None
    result: str
    kinds: list[str] = field(default_factory=list)
    exemption: str = ""
    self_corrected: bool = False
    self_correction_text: str = ""
    self_corrected_on: datetime.date | None = None
    self_correction_basis: str = ""
    revoked_on: datetime.date | None = None
    rectify_deadline: datetime.date | None = None
    fine_amount: decimal.Decimal | None = None
    proofs: list[ProofInput] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.party.name if self.party is not None else self.unit.name


@dataclass
class DecisionInput:
    """A checked decision, ready to be written."""

    decided_on: datetime.date
    deciding_agency: Agency
    referred_to_issuer: bool
    issuer: str
    document_number: str
    penalty_text: str
    outcomes: list[OutcomeInput]


# --------------------------------------------------------------------------- the case-wide shape


def _case_wide_targets(kind: str, case: Case, parties: list[CaseParty]) -> list[str]:
    """Return the roles (and persons) a case-wide measure reached in the first API's shape."""
    units = [
        r for r, u in (("unit", case.certificate_user_unit), ("hr_agency", case.hr_agency)) if u
    ]
    persons = [f"p{p.pk}" for p in parties]
    if kind == Kind.NOTIFY_EMPLOYER:
        return [f"p{p.pk}" for p in parties if p.person.is_public_employee] or persons
    if kind in (Kind.REVOKE_REGISTRATION, Kind.REREGISTRATION_BAN, Kind.DEREGISTRATION):
        return persons
    if kind in (Kind.BAD_RECORD, Kind.BLACKLIST, Kind.CIRCULAR):
        return persons + units
    if kind == Kind.REVOKE_HR_LICENSE:
        return ["hr_agency"]
    if units:  # rectify_order, fine: the HR agency first, else the unit that used the certificate
        return ["hr_agency" if case.hr_agency else "unit"]
    return persons


def expand_case_wide(case: Case, parties: list[CaseParty], data: dict) -> list[dict]:
    """Return per-party outcomes for a case-wide payload: every person the same result."""
    shared = {
        key: data.get(key)
        for key in (
            "exemption",
            "self_corrected",
            "self_correction_text",
            "self_corrected_on",
            "proofs",
        )
    }
    dates = {key: data.get(key) for key in ("revoked_on", "rectify_deadline", "fine_amount")}
    outcomes = {
        f"p{p.pk}": {"party": p.pk, "result": data.get("outcome"), "measures": [], **shared}
        for p in parties
    }
    for kind in dict.fromkeys(data.get("measures") or ()):
        targets = _case_wide_targets(kind, case, parties) if kind in Kind.values else []
        for target in targets or [next(iter(outcomes), "unit")]:
            default = {"role": target, "result": Outcome.Result.ESTABLISHED, "measures": []}
            outcomes.setdefault(target, default)["measures"].append(kind)
    return [{**outcome, **dates} for outcome in outcomes.values()]


# --------------------------------------------------------------------------- one outcome


def _party_of(value: dict, case: Case, parties: dict, path: str, errors: Errors):
    """Return (role, party, unit) an outcome names, or record why it names nobody."""
    role = value.get("role") or Outcome.Role.PERSON
    if role == Outcome.Role.PERSON:
        party = parties.get(str(value.get("party")))
        if party is None:
            errors.add(path, _("请指明本案的涉案人员。"))
        return role, party, None
    unit = {Outcome.Role.UNIT: case.certificate_user_unit, Outcome.Role.HR_AGENCY: case.hr_agency}
    if role not in unit:
        errors.add(path, _("未知的处理对象“%(v)s”。") % {"v": role})
        return role, None, None
    if unit[role] is None:
        errors.add(path, _("案件未填写%(what)s。") % {"what": Outcome.Role(role).label})
    return role, None, unit[role]


def _clean_kinds(item: OutcomeInput, value: dict, path: str, errors: Errors) -> None:
    """Check the measures against the party's kind, the result and the plan's consequences."""
    kinds = list(dict.fromkeys(value.get("measures") or ()))
    fitting = ROLE_KINDS.get(item.role, frozenset())
    misfit = [k for k in kinds if k not in fitting]
    if misfit:
        errors.add(
            f"{path}.measures",
            _("%(name)s：不能采取%(kinds)s（可选：%(allowed)s）。")
            % {
                "name": item.name,
                "kinds": "、".join(str(Kind(k).label) if k in Kind.values else k for k in misfit),
                "allowed": "、".join(str(Kind(k).label) for k in Kind.values if k in fitting),
            },
        )
    if Kind.REREGISTRATION_BAN in kinds and Kind.REVOKE_REGISTRATION not in kinds:
        errors.add(f"{path}.measures", _("“3年内不得再次申请注册”须与“撤销注册”同时作出。"))
    if Kind.REVOKE_REGISTRATION in kinds and Kind.REREGISTRATION_BAN not in kinds:
        kinds.insert(kinds.index(Kind.REVOKE_REGISTRATION) + 1, Kind.REREGISTRATION_BAN)
    item.kinds = kinds


def _clean_self_correction(item: OutcomeInput, case: Case, path: str, errors: Errors) -> None:
    """Accept a 自查自纠 only where a declaration or a date in the phase supports it."""
    support = self_correction.support_for(
        case,
        party=item.party,
        unit=None if item.party is not None else item.unit,
        corrected_on=item.self_corrected_on,
    )
    if support is None:
        errors.add(f"{path}.self_corrected", self_correction.unsupported_message(case, item.name))
        return
    item.self_correction_basis = support.basis
    item.self_corrected_on = item.self_corrected_on or support.on


def _clean_result(item: OutcomeInput, value: dict, case: Case, path: str, errors) -> None:
    """Check an established party's measures, or a cleared party's exemption and proofs."""
    if item.result == Outcome.Result.NOT_ESTABLISHED:
        if item.kinds:
            errors.add(
                f"{path}.measures", _("%(name)s：不构成挂证时不能有处理措施。") % item_name(item)
            )
        if item.role == Outcome.Role.PERSON and item.exemption not in Outcome.Exemption.values:
            errors.add(
                f"{path}.exemption", _("%(name)s：请选择不构成挂证的情形。") % item_name(item)
            )
        return
    if item.exemption:
        errors.add(
            f"{path}.exemption", _("%(name)s：构成挂证时不应填写不构成的情形。") % item_name(item)
        )
    if item.self_corrected:
        penal = [k for k in item.kinds if k not in SELF_CORRECTION_KINDS]
        if penal:
            errors.add(
                f"{path}.measures",
                _("%(name)s：自查自纠整改到位的可不再追究，不能同时给予处罚（可选“注销注册”）。")
                % item_name(item),
            )
        _clean_self_correction(item, case, path, errors)
        return
    public = item.party is not None and item.party.person.is_public_employee
    if public and Kind.NOTIFY_EMPLOYER not in item.kinds:  # the plan's rule for 公职人员
        item.kinds.append(Kind.NOTIFY_EMPLOYER)
    if not item.kinds:
        errors.add(
            f"{path}.measures",
            _("%(name)s：请选择处理措施（自查自纠整改到位的请勾选“自查自纠”）。") % item_name(item),
        )


def item_name(item: OutcomeInput) -> dict:
    return {"name": item.name}


def _clean_measure_facts(item: OutcomeInput, value: dict, decided, path: str, errors) -> None:
    """Check the dates and amount the measures need: 撤销日期, 整改期限, 罚款金额."""
    item.revoked_on = clean_date(
        value.get("revoked_on"), f"{path}.revoked_on", errors, required=False
    )
    if Kind.RECTIFY_ORDER in item.kinds:
        if value.get("rectify_deadline") in (None, ""):
            errors.add(f"{path}.rectify_deadline", _("选择限期责令整改时，请填写整改期限。"))
        else:
            deadline = clean_date(
                value["rectify_deadline"], f"{path}.rectify_deadline", errors, future=True
            )
            if deadline and decided and deadline < decided:
                errors.add(f"{path}.rectify_deadline", _("整改期限不能早于处理决定日期。"))
            item.rectify_deadline = deadline
    if Kind.FINE in item.kinds:
        try:
            amount = decimal.Decimal(str(value.get("fine_amount")))
            if not amount.is_finite() or amount <= 0 or amount >= decimal.Decimal("1e10"):
                raise decimal.InvalidOperation
        except (decimal.InvalidOperation, ValueError):
            errors.add(f"{path}.fine_amount", _("选择罚款时，请填写大于0的罚款金额（元）。"))
        else:
            item.fine_amount = amount


def _clean_proofs(item: OutcomeInput, value: dict, case: Case, path: str, errors) -> None:
    """Check an exemption's proofs: each of a known kind, each with a file of this case."""
    proofs = value.get("proofs") or []
    if not isinstance(proofs, list | tuple):
        errors.add(f"{path}.proofs", _("证明材料格式不正确。"))
        return
    for index, proof in enumerate(proofs):
        where = f"{path}.proofs[{index}]"
        proof = proof if isinstance(proof, dict) else {}
        kind = proof.get("kind") or ""
        if kind not in ExemptionProof.Kind.values:
            errors.add(
                f"{where}.kind",
                _("请选择证明材料的种类（%(allowed)s）。")
                % {"allowed": allowed(ExemptionProof.Kind.choices)},
            )
        evidence = None
        if proof.get("evidence") not in (None, ""):
            evidence = Evidence.objects.filter(case=case, pk=str(proof["evidence"])).first()
            if evidence is None:
                errors.add(f"{where}.evidence", _("证明材料须是本案件的证据文件。"))
        elif proof.get("file") is None:
            errors.add(f"{where}.file", _("请上传证明材料的文件。"))
        note = clean_text(proof.get("note"), f"{where}.note", errors, limit=2000)
        item.proofs.append(ProofInput(kind, evidence, proof.get("file"), note))
    if (
        item.result == Outcome.Result.NOT_ESTABLISHED
        and item.role == Outcome.Role.PERSON
        and not item.proofs
    ):
        errors.add(
            f"{path}.proofs",
            _("%(name)s：请附证明材料（如退休证、劳动合同、社会保险个人权益记录）。")
            % item_name(item),
        )


def clean_outcome(value, index: int, case: Case, parties: dict, decided, errors) -> OutcomeInput:
    """Return the checked outcome ``outcomes[index]``, recording every problem."""
    path = f"outcomes[{index}]"
    value = value if isinstance(value, dict) else {}
    role, party, unit = _party_of(value, case, parties, path, errors)
    result = value.get("result") or ""
    if result not in Outcome.Result.values:
        errors.add(f"{path}.result", _("请选择处理结论。"))
    item = OutcomeInput(
        role=role,
        party=party,
        unit=unit,
        result=result,
        exemption=value.get("exemption") or "",
        self_corrected=bool(value.get("self_corrected")),
        self_correction_text=clean_text(
            value.get("self_correction_text"), f"{path}.self_correction_text", errors, limit=200
        ),
    )
    if item.self_corrected:
        item.self_corrected_on = clean_date(
            value.get("self_corrected_on"), f"{path}.self_corrected_on", errors, required=False
        )
    if party is None and unit is None:
        return item
    _clean_kinds(item, value, path, errors)
    if result in Outcome.Result.values:
        _clean_result(item, value, case, path, errors)
    _clean_measure_facts(item, value, decided, path, errors)
    _clean_proofs(item, value, case, path, errors)
    return item


# --------------------------------------------------------------------------- the decision


def _clean_authority(case: Case, data: dict, errors: Errors) -> tuple[Agency, bool, str]:
    """Return the deciding agency (the case's, unless named) and the referral to the issuer."""
    agency = case.agency
    if data.get("deciding_agency") not in (None, ""):
        agency = Agency.objects.filter(pk=str(data["deciding_agency"]), is_active=True).first()
        if agency is None:
            errors.add("deciding_agency", _("请选择作出处理决定的机关。"))
            agency = case.agency
    referred = bool(data.get("referred_to_issuer"))
    issuer = clean_text(data.get("issuer"), "issuer", errors, limit=TEXT_LIMITS["issuer"])
    if referred and not issuer:
        errors.add("issuer", _("移送发证机关时，请填写发证机关（如 住房和城乡建设部）。"))
    return agency, referred, issuer


def clean_decision(case: Case, parties: list[CaseParty], data: dict) -> DecisionInput:
    """Return the checked decision on ``case``, or raise every problem at once."""
    errors = Errors()
    decided = clean_date(data.get("decided_on"), "decided_on", errors)
    if decided and decided < case.opened_on:
        errors.add("decided_on", _("处理决定日期不能早于立案日期。"))
    agency, referred, issuer = _clean_authority(case, data, errors)
    raw = data.get("outcomes")
    if raw is None:
        raw = expand_case_wide(case, parties, data)
    by_id = {str(p.pk): p for p in parties}
    outcomes = [
        clean_outcome(value, index, case, by_id, decided, errors)
        for index, value in enumerate(raw if isinstance(raw, list | tuple) else [])
    ]
    _check_coverage(outcomes, parties, errors)
    texts = {
        name: clean_text(data.get(name), name, errors, limit=limit)
        for name, limit in TEXT_LIMITS.items()
        if name != "issuer"
    }
    errors.raise_if_any()
    return DecisionInput(
        decided_on=decided,
        deciding_agency=agency,
        referred_to_issuer=referred,
        issuer=issuer,
        document_number=texts["document_number"],
        penalty_text=texts["penalty_text"],
        outcomes=outcomes,
    )


def _check_coverage(outcomes: list[OutcomeInput], parties: list[CaseParty], errors) -> None:
    """Every person gets one outcome; each party is named once; there is at least one."""
    named = [o.party.pk for o in outcomes if o.party is not None]
    named_units = [o.role for o in outcomes if o.party is None and o.unit is not None]
    if not outcomes:
        errors.add("outcomes", _("请为涉案人员或单位作出处理结论。"))
    missing = [p.name for p in parties if p.pk not in named]
    if missing:
        errors.add(
            "outcomes",
            _("请为每名涉案人员作出处理结论：%(names)s。") % {"names": "、".join(missing)},
        )
    if len(named) != len(set(named)) or len(named_units) != len(set(named_units)):
        errors.add("outcomes", _("同一对象只能有一个处理结论。"))
