"""API shapes of self-inspection declarations."""

from rest_framework import serializers

from cases.api.serializers import UnitSerializer
from declarations.models import Declaration, DeclarationAttachment, DeclaredPerson


class DeclarationListSerializer(serializers.ModelSerializer):
    agency = serializers.SerializerMethodField()
    campaign = serializers.CharField(source="campaign.code")
    unit = UnitSerializer()
    person_count = serializers.IntegerField(read_only=True)
    rectified_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "id",
            "reference",
            "campaign",
            "agency",
            "declarant",
            "unit",
            "declared_on",
            "channel",
            "person_count",
            "rectified_count",
        ]

    def get_agency(self, declaration) -> dict:
        return {"id": declaration.agency_id, "name": declaration.agency.name}


class DeclaredPersonSerializer(serializers.ModelSerializer):
    """A declared person: the full ID number only for those who handle the declaration."""

    id_number = serializers.SerializerMethodField()
    certificate = serializers.SerializerMethodField()
    registered_unit = UnitSerializer()
    actual_unit = UnitSerializer()

    class Meta:
        model = DeclaredPerson
        fields = [
            "name",
            "id_number",
            "certificate",
            "registered_unit",
            "actual_unit",
            "actions",
            "rectified",
            "rectified_on",
            "note",
        ]

    def get_id_number(self, item) -> str:
        full = self.context.get("full_id", False)
        return item.person.id_number if full else item.person.masked_id_number

    def get_certificate(self, item) -> dict | None:
        if item.certificate is None:
            return None
        return {"number": item.certificate.number, "title": item.certificate.certificate_type.title}


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeclarationAttachment
        fields = ["id", "original_name", "content_type", "size", "description", "uploaded_at"]


class DeclarationDetailSerializer(DeclarationListSerializer):
    persons = DeclaredPersonSerializer(many=True)
    attachments = AttachmentSerializer(many=True)

    class Meta(DeclarationListSerializer.Meta):
        fields = [
            f
            for f in DeclarationListSerializer.Meta.fields
            if f not in ("person_count", "rectified_count")
        ] + ["summary", "persons", "attachments", "created_at"]


class DeclarationWriteSerializer(serializers.Serializer):
    """The body of POST /declarations/; the service checks the values."""

    agency = serializers.IntegerField(required=False, allow_null=True)
    campaign = serializers.CharField(required=False, allow_null=True)
    declarant = serializers.CharField()
    unit = serializers.DictField(required=False, allow_null=True, default=None)
    declared_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    persons = serializers.ListField(child=serializers.DictField())
