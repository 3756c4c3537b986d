"""API shapes of the complaint register: the public front door's and the staff's.

Input serializers only coerce types; ``complaints.services`` checks every value. Whoever
complained is shown only where ``permissions.user_can_see_complainant`` says so (else null).
"""

from rest_framework import serializers

from agencies import permissions
from complaints.models import Complaint
from core.choices import label
from leads.api.serializers import LeadDetailSerializer, LeadListSerializer

# --------------------------------------------------------------------------- public


class PublicPersonSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, default="")


class PublicUnitSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    uscc = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="统一社会信用代码"
    )


class PublicComplaintSerializer(serializers.Serializer):
    """The body of a public complaint (no challenge here: the HTML form adds one)."""

    department = serializers.CharField(help_text="受理部门代码，如 ZJ（住建）、RS（人社）")
    region = serializers.CharField(help_text="所在地区的行政区划代码，如 510104")
    text = serializers.CharField(required=False, allow_blank=True, default="", help_text="≤5000字")
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    persons = PublicPersonSerializer(many=True, required=False, default=list)
    units = PublicUnitSerializer(many=True, required=False, default=list)


class PublicReceiptSerializer(serializers.Serializer):
    receipt = serializers.CharField(help_text="受理编号，如 TS-20190312-0007")
    query_code = serializers.CharField(help_text="查询码：只显示这一次，请妥善保存")


class PublicStatusSerializer(serializers.Serializer):
    receipt = serializers.CharField()
    state = serializers.CharField(help_text="办理状态")
    reply = serializers.CharField(allow_null=True, help_text="已公布的答复；尚未答复时为 null")


# --------------------------------------------------------------------------- staff


class ComplaintListSerializer(serializers.ModelSerializer):
    """A complaint with its lead; the complainant only for the handling agency (else null)."""

    id = serializers.IntegerField(source="pk")
    channel_display = serializers.CharField(source="get_channel_display")
    complainant = serializers.SerializerMethodField()
    lead = LeadListSerializer()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "receipt",
            "channel",
            "channel_display",
            "received_at",
            "anonymous",
            "complainant",
            "reply_due",
            "replied_on",
            "reply_channel",
            "reply_waived_reason",
            "lead",
        ]

    def get_complainant(self, complaint) -> dict | None:
        """Name and contact of whoever complained: null when anonymous or not allowed to see."""
        user = self.context["request"].user
        if complaint.anonymous or not permissions.user_can_see_complainant(
            user=user, complaint=complaint
        ):
            return None
        return {
            "name": complaint.complainant_name,
            "phone": complaint.complainant_phone,
            "contact": complaint.complainant_contact,
        }

    def to_representation(self, complaint) -> dict:
        """Build the row by hand, as ``LeadListSerializer`` does (issue 14); times through
        their declared fields (time zone and format as DRF writes them)."""
        fields = self.fields
        return {
            "id": complaint.pk,
            "receipt": complaint.receipt,
            "channel": complaint.channel,
            "channel_display": label(Complaint.Channel, complaint.channel),
            "received_at": fields["received_at"].to_representation(complaint.received_at),
            "anonymous": complaint.anonymous,
            "complainant": self.get_complainant(complaint),
            "reply_due": _date(complaint.reply_due),
            "replied_on": _date(complaint.replied_on),
            "reply_channel": complaint.reply_channel,
            "reply_waived_reason": complaint.reply_waived_reason,
            "lead": fields["lead"].to_representation(complaint.lead),
        }


def _date(value) -> str | None:
    return value.isoformat() if value is not None else None


class ComplaintDetailSerializer(ComplaintListSerializer):
    lead = LeadDetailSerializer()
    # One complaint with more fields: DRF's generic representation, not the list's.
    to_representation = serializers.ModelSerializer.to_representation

    class Meta(ComplaintListSerializer.Meta):
        fields = [*ComplaintListSerializer.Meta.fields, "reply_text"]


class ComplaintWriteSerializer(serializers.Serializer):
    """The body of POST /complaints/ (a complaint received by phone, letter, visit …)."""

    agency = serializers.IntegerField(required=False, allow_null=True)
    channel = serializers.CharField(help_text="投诉方式：" + "、".join(Complaint.Channel.values))
    received_at = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="受理时间；默认现在"
    )
    published_channel = serializers.IntegerField(required=False, allow_null=True, default=None)
    anonymous = serializers.BooleanField(required=False, default=False)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")
    violations = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    persons = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    units = serializers.ListField(child=serializers.DictField(), required=False, default=list)


class ReplySerializer(serializers.Serializer):
    replied_on = serializers.DateField(required=False, allow_null=True, default=None)
    channel = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="答复方式：" + "、".join(Complaint.ReplyChannel.values),
    )
    text = serializers.CharField(required=False, allow_blank=True, default="")


class WaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (core.api.exception_handler)."""

    message = serializers.CharField()
    extra = serializers.DictField(help_text="{'fields': {字段路径: [错误信息]}}")
