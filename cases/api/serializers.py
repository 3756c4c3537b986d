"""API shapes of the case register: output serializers and the bodies of each write."""

from rest_framework import serializers

from cases.models import (
    Case,
    CaseParty,
    Decision,
    Evidence,
    ExemptionProof,
    Measure,
    Outcome,
    Person,
    Unit,
)
from cases.selectors import ListParty, with_list_parties
from core.choices import label


def decision_of(case: Case) -> Decision | None:
    """Return the case's decision or None (reading the select_related cache when present)."""
    try:
        return case.decision
    except Decision.DoesNotExist:
        return None


class UnitSerializer(serializers.ModelSerializer):
    lacks_code = serializers.BooleanField(read_only=True)
    code_warning = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "name", "uscc", "kind", "lacks_code", "code_warning"]


class PersonPickSerializer(serializers.ModelSerializer):
    """A person for pickers: the full number only when the caller may see it."""

    id_number = serializers.SerializerMethodField()
    name = serializers.CharField(source="shown_name")

    class Meta:
        model = Person
        fields = ["id", "name", "id_type", "id_number", "masked_id_number", "is_public_employee"]

    def get_id_number(self, person) -> str | None:
        return person.id_number if getattr(person, "full_id_visible", False) else None


class ListPartySerializer(serializers.ModelSerializer):
    """A party as a list row shows it: the ID number always masked."""

    name = serializers.CharField()
    id_number = serializers.CharField(source="person.masked_id_number")
    certificate_number = serializers.CharField(source="certificate.number", default=None)
    certificate_title = serializers.CharField(
        source="certificate.certificate_type.title", default=None
    )

    class Meta:
        model = CaseParty
        fields = ["name", "id_number", "certificate_number", "certificate_title"]


class CaseListSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display")
    decided_on = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    persons = ListPartySerializer(source="parties", many=True)
    certificate_user_unit = UnitSerializer()
    transfer_pending = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "agency",
            "status",
            "status_display",
            "source",
            "violations",
            "opened_on",
            "decided_on",
            "outcome",
            "persons",
            "certificate_user_unit",
            "transfer_pending",
        ]

    def get_agency(self, case) -> dict:
        return {"id": case.agency_id, "name": case.agency.name}

    def get_decided_on(self, case) -> str | None:
        return case.decided_on.isoformat() if case.decided_on else None

    def get_outcome(self, case) -> str | None:
        """The case's outcome as a whole: 构成 when any party's outcome is."""
        if hasattr(case, "established"):  # a list row (selectors.case_list_rows)
            if not case.has_decision:
                return None
            if case.established:
                return Outcome.Result.ESTABLISHED
            return Outcome.Result.NOT_ESTABLISHED
        decision = decision_of(case)
        if decision is None:
            return None
        if decision.is_established:
            return Outcome.Result.ESTABLISHED
        return Outcome.Result.NOT_ESTABLISHED

    def get_transfer_pending(self, case) -> bool:
        return case.transfer_to_id is not None

    def to_representation(self, case) -> dict:
        """Build the row by hand: the fields above, without DRF's per-field machinery, which
        was a third of a list request for 50 rows (issue 14). The declared fields stay the
        schema; tests check this equals ``serializers.ModelSerializer.to_representation``."""
        unit = case.certificate_user_unit
        return {
            "id": case.pk,
            "reference": case.reference,
            "agency": self.get_agency(case),
            "status": case.status,
            "status_display": label(Case.Status, case.status),
            "source": case.source,
            "violations": list(case.violations),
            "opened_on": case.opened_on.isoformat(),
            "decided_on": self.get_decided_on(case),
            "outcome": self.get_outcome(case),
            "persons": [_list_party(party) for party in _parties(case)],
            "certificate_user_unit": _unit(unit) if unit is not None else None,
            "transfer_pending": self.get_transfer_pending(case),
        }


def _list_party(party: ListParty) -> dict:
    """``ListPartySerializer``'s shape, by hand (see ``CaseListSerializer.to_representation``)."""
    return {
        "name": party.name,
        "id_number": party.masked_id_number,
        "certificate_number": party.certificate_number,
        "certificate_title": party.certificate_title,
    }


def _parties(case: Case) -> list[ListParty]:
    """The rows' parties from ``with_list_parties``; a case read otherwise gets its own."""
    parties = getattr(case, "list_parties", None)
    if parties is None:
        parties = with_list_parties([case])[0].list_parties
    return parties


def _unit(unit: Unit) -> dict:
    """``UnitSerializer``'s shape, by hand."""
    warning = unit.code_warning
    return {
        "id": unit.pk,
        "name": unit.name,
        "uscc": unit.uscc,
        "kind": unit.kind,
        "lacks_code": unit.lacks_code,
        "code_warning": str(warning) if warning is not None else None,
    }


class DetailPartySerializer(serializers.ModelSerializer):
    """A party on the case page: full ID number for the owning chain, masked for others."""

    person = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    registered_unit = UnitSerializer()
    actual_unit = UnitSerializer()

    class Meta:
        model = CaseParty
        fields = ["id", "person", "certificate", "registered_unit", "actual_unit"]

    def get_person(self, party) -> dict:
        person, full = party.person, self.context.get("full_id", False)
        return {
            "id": person.pk,
            "name": party.name,
            "id_type": person.id_type,
            "id_number": person.id_number if full else person.masked_id_number,
            "sex": person.sex,
            "birth_date": person.birth_date.isoformat() if full and person.birth_date else None,
            "is_public_employee": person.is_public_employee,
        }

    def get_certificate(self, party) -> dict | None:
        certificate = party.certificate
        if certificate is None:
            return None
        kind = certificate.certificate_type
        return {
            "id": certificate.pk,
            "category": kind.category,
            "level": kind.level,
            "specialty": kind.specialty,
            "title": kind.title,
            "number": certificate.number,
            "state": certificate.state,
            "revoked_on": certificate.revoked_on,
            "deregistered_on": certificate.deregistered_on,
            "reregistration_banned_until": certificate.reregistration_banned_until,
        }


class MeasureSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = Measure
        fields = ["kind", "kind_display", "starts_on", "ends_on", "deadline", "amount"]


class ProofSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExemptionProof
        fields = ["kind", "kind_display", "evidence", "note", "download_url"]

    def get_download_url(self, proof) -> str | None:
        if proof.evidence_id is None:
            return None
        return f"/api/v1/evidence/{proof.evidence_id}/download/"


class OutcomeSerializer(serializers.ModelSerializer):
    """One party's outcome: a person (``party``, the case party's id) or a unit (``role``)."""

    name = serializers.CharField(source="party_name")
    measures = MeasureSerializer(many=True)
    proofs = ProofSerializer(many=True)

    class Meta:
        model = Outcome
        fields = [
            "role",
            "party",
            "name",
            "result",
            "exemption",
            "self_corrected",
            "self_correction_text",
            "self_corrected_on",
            "self_correction_basis",
            "measures",
            "proofs",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    deciding_agency = serializers.SerializerMethodField()
    outcomes = OutcomeSerializer(many=True)

    class Meta:
        model = Decision
        fields = [
            "decided_on",
            "deciding_agency",
            "referred_to_issuer",
            "issuer",
            "document_number",
            "penalty_text",
            "outcomes",
        ]

    def get_deciding_agency(self, decision) -> dict:
        return {"id": decision.deciding_agency_id, "name": decision.deciding_agency.name}


class CaseDetailSerializer(CaseListSerializer):
    persons = DetailPartySerializer(source="parties", many=True)
    # The detail is one case with more fields: DRF's generic representation, not the list's.
    to_representation = serializers.ModelSerializer.to_representation
    hr_agency = UnitSerializer()
    decision = serializers.SerializerMethodField()
    transfer_to = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    can_change = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "summary",
            "hr_agency",
            "decision",
            "transfer_to",
            "transfer_reason",
            "links",
            "can_change",
            "created_at",
            "updated_at",
            "closed_at",
        ]

    def get_decision(self, case) -> dict | None:
        decision = decision_of(case)
        return DecisionSerializer(decision).data if decision else None

    def get_transfer_to(self, case) -> dict | None:
        if case.transfer_to_id is None:
            return None
        return {"id": case.transfer_to_id, "name": case.transfer_to.name}

    def get_links(self, case) -> list[dict]:
        return [
            {"id": other.pk, "reference": other.reference, "kind": kind}
            for kind, other in self.context.get("links", [])
        ]

    def get_can_change(self, case) -> bool:
        return self.context.get("can_change", False)


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "description",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, evidence) -> str:
        return f"/api/v1/evidence/{evidence.pk}/download/"


# --------------------------------------------------------------------------- request bodies


class CaseWriteSerializer(serializers.Serializer):
    """The body of POST /cases/ and PATCH /cases/{id}/; the service checks the values."""

    agency = serializers.IntegerField(required=False, allow_null=True)
    campaign = serializers.CharField(
        required=False,
        allow_null=True,
        help_text="专项整治代码（如 sc-2019）；默认立案日期所在的专项整治",
    )
    source = serializers.CharField()
    violations = serializers.ListField(child=serializers.CharField())
    opened_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    persons = serializers.ListField(child=serializers.DictField())
    certificate_user_unit = serializers.DictField(required=False, allow_null=True, default=None)
    hr_agency = serializers.DictField(required=False, allow_null=True, default=None)


class ProofWriteSerializer(serializers.Serializer):
    kind = serializers.CharField()
    evidence = serializers.IntegerField(help_text="本案件证据材料的 ID（先上传证据材料）")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeWriteSerializer(serializers.Serializer):
    """One party's outcome: ``party`` (a case party's id) for a person, else ``role``."""

    party = serializers.IntegerField(required=False, allow_null=True, default=None)
    role = serializers.ChoiceField(
        choices=Outcome.Role.choices, required=False, default=Outcome.Role.PERSON
    )
    result = serializers.CharField()
    measures = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    exemption = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    self_corrected = serializers.BooleanField(required=False, default=False)
    self_correction_text = serializers.CharField(required=False, allow_blank=True, default="")
    self_corrected_on = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="整改日期 YYYY-MM-DD"
    )
    proofs = ProofWriteSerializer(many=True, required=False, default=list)
    fine_amount = serializers.CharField(required=False, allow_null=True, default=None)
    rectify_deadline = serializers.CharField(required=False, allow_null=True, default=None)
    revoked_on = serializers.CharField(required=False, allow_null=True, default=None)


class DecideSerializer(serializers.Serializer):
    """The decision: per-party ``outcomes``, or one case-wide ``outcome`` with its ``measures``."""

    decided_on = serializers.CharField(help_text="YYYY-MM-DD")
    outcomes = OutcomeWriteSerializer(many=True, required=False, allow_null=True, default=None)
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    penalty_text = serializers.CharField(required=False, allow_blank=True, default="")
    deciding_agency = serializers.IntegerField(required=False, allow_null=True, default=None)
    referred_to_issuer = serializers.BooleanField(required=False, default=False)
    issuer = serializers.CharField(required=False, allow_blank=True, default="")
    # The case-wide shape: every person the same outcome (units as the measures' kinds say).
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    exemption = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    proofs = ProofWriteSerializer(many=True, required=False, default=list)
    self_corrected = serializers.BooleanField(required=False, default=False)
    self_correction_text = serializers.CharField(required=False, allow_blank=True, default="")
    self_corrected_on = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="整改日期 YYYY-MM-DD"
    )
    fine_amount = serializers.CharField(required=False, allow_null=True, default=None)
    rectify_deadline = serializers.CharField(required=False, allow_null=True, default=None)
    revoked_on = serializers.CharField(required=False, allow_null=True, default=None)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    to_agency = serializers.IntegerField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class JoinSerializer(serializers.Serializer):
    other = serializers.IntegerField()


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
