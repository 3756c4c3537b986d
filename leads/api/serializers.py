"""API shapes of the lead register: output serializers and the bodies of each action.

Input serializers only coerce types; ``leads.services`` checks every value.
"""

from django.utils import timezone
from rest_framework import serializers

from core.choices import label
from leads.models import Lead, LeadAttachment, LeadPerson, LeadUnit


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "reference": obj.reference} if obj is not None else None


def _unit(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name, "uscc": unit.uscc} if unit is not None else None


class LeadListSerializer(serializers.ModelSerializer):
    """A lead as a list row: no persons, no text."""

    source_display = serializers.CharField(source="get_source_display")
    state_display = serializers.CharField(source="get_state_display")
    outcome_display = serializers.CharField(source="get_outcome_display")
    agency = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    receipt = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            "reference",
            "source",
            "source_display",
            "state",
            "state_display",
            "outcome",
            "outcome_display",
            "agency",
            "received_on",
            "deadline",
            "overdue",
            "escalated",
            "receipt",
            "case",
            "rule",
        ]

    def get_agency(self, lead) -> dict:
        return {"id": lead.agency_id, "name": lead.agency.name}

    def get_overdue(self, lead) -> bool:
        return lead.is_open and lead.deadline < timezone.localdate()

    def get_receipt(self, lead) -> str | None:
        """The complaint's receipt number when the lead is a complaint."""
        complaint = getattr(lead, "complaint", None) if hasattr(lead, "complaint") else None
        return complaint.receipt if complaint is not None else None

    def to_representation(self, lead) -> dict:
        """Build the row by hand: DRF's per-field machinery (and ``get_FOO_display``, which
        rebuilds its choices on each call) was most of a 50-row list request (issue 14). The
        declared fields stay the schema; tests hold this equal to DRF's own representation."""
        return {
            "id": lead.pk,
            "reference": lead.reference,
            "source": lead.source,
            "source_display": label(Lead.Source, lead.source),
            "state": lead.state,
            "state_display": label(Lead.State, lead.state),
            "outcome": lead.outcome,
            "outcome_display": label(Lead.Outcome, lead.outcome),
            "agency": self.get_agency(lead),
            "received_on": lead.received_on.isoformat(),
            "deadline": lead.deadline.isoformat(),
            "overdue": self.get_overdue(lead),
            "escalated": lead.escalated,
            "receipt": self.get_receipt(lead),
            "case": lead.case_id,
            "rule": lead.rule,
        }


class LeadPersonSerializer(serializers.ModelSerializer):
    """A person of a lead: the full document number only for those who handle it."""

    id_number = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    registered_unit = serializers.SerializerMethodField()
    insurance_unit = serializers.SerializerMethodField()

    class Meta:
        model = LeadPerson
        fields = ["person", "name", "id_number", "certificate", "registered_unit", "insurance_unit"]

    def get_id_number(self, item) -> str | None:
        if item.person is None:
            return None
        full = self.context.get("full_id", False)
        return item.person.id_number if full else item.person.masked_id_number

    def get_certificate(self, item) -> dict | None:
        if item.certificate is None:
            return None
        return {"title": item.certificate.certificate_type.title, "number": item.certificate.number}

    def get_registered_unit(self, item) -> dict | None:
        return _unit(item.registered_unit)

    def get_insurance_unit(self, item) -> dict | None:
        return _unit(item.insurance_unit)


class LeadUnitSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()

    class Meta:
        model = LeadUnit
        fields = ["unit", "role"]

    def get_unit(self, item) -> dict | None:
        return _unit(item.unit)


class LeadAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LeadAttachment
        fields = ["id", "original_name", "content_type", "size", "description", "uploaded_at"]


class LeadDetailSerializer(LeadListSerializer):
    """One lead with whom it is about, its files and how it ended."""

    # One lead with more fields: DRF's generic representation, not the list's.
    to_representation = serializers.ModelSerializer.to_representation

    intake_agency = serializers.SerializerMethodField()
    routed_from = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
    persons = LeadPersonSerializer(many=True)
    units = LeadUnitSerializer(many=True)
    attachments = LeadAttachmentSerializer(many=True)

    class Meta(LeadListSerializer.Meta):
        fields = [
            *LeadListSerializer.Meta.fields,
            "campaign",
            "intake_agency",
            "routed_from",
            "violations",
            "text",
            "bounce_count",
            "state_reason",
            "outcome_reason",
            "exemption",
            "proof_kind",
            "referred_to",
            "duplicate_of",
            "closed_at",
            "persons",
            "units",
            "attachments",
        ]

    def get_intake_agency(self, lead) -> dict:
        return {"id": lead.intake_agency_id, "name": lead.intake_agency.name}

    def get_routed_from(self, lead) -> dict | None:
        agency = lead.routed_from
        return {"id": agency.pk, "name": agency.name} if agency is not None else None

    def get_case(self, lead) -> dict | None:
        return _ref(lead.case)

    def get_duplicate_of(self, lead) -> dict | None:
        return _ref(lead.duplicate_of)


class LeadWriteSerializer(serializers.Serializer):
    """The body of POST /leads/; the service checks the values."""

    agency = serializers.IntegerField(
        required=False, allow_null=True, help_text="登记机构 ID；只在一个机构任职时可省略"
    )
    source = serializers.CharField(help_text="线索来源：" + "、".join(Lead.Source.values))
    campaign = serializers.CharField(required=False, allow_null=True, default=None)
    received_on = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    violations = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    persons = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    units = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class AssignSerializer(serializers.Serializer):
    agency = serializers.IntegerField(help_text="承办机构 ID")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class LeadReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    """How a lead ended; ``case_opened`` opens a case prefilled from it (``case`` overrides)."""

    outcome = serializers.CharField(help_text="办理结果：" + "、".join(Lead.Outcome.values))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    exemption = serializers.CharField(required=False, allow_blank=True, default="")
    proof_kind = serializers.CharField(required=False, allow_blank=True, default="")
    referred_to = serializers.CharField(required=False, allow_blank=True, default="")
    case = serializers.JSONField(
        required=False,
        allow_null=True,
        default=None,
        help_text="joined_case：案件 ID；case_opened：覆盖预填内容的案件字段（对象）",
    )
    duplicate_of = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="duplicate：重复的线索 ID"
    )


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="")
