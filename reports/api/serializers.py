from rest_framework import serializers

from reports.compile import ROW_FIELDS
from reports.models import Consolidation, Report, ReportRevision


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportRevision
        # 填表人 and 负责人 are the reporting agency's own people; the parent's review is apart.
        fields = [
            "number",
            "preparer_name",
            "preparer_phone",
            "prepared_at",
            "signer_name",
            "signer_phone",
            "submitted_at",
            "row_count",
            "outcome",
            "reviewed_at",
            "return_reason",
        ]


class ReportSerializer(serializers.ModelSerializer):
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    month = serializers.DateField(format="%Y-%m", read_only=True, allow_null=True)
    phase = serializers.CharField(
        source="phase.kind", read_only=True, allow_null=True, default=None
    )
    kind = serializers.CharField(
        read_only=True, help_text="annex1 附件1 月报 · summary 阶段工作总结"
    )
    current_revision = RevisionSerializer(read_only=True)
    # Plain strings: the choices (draft/submitted/approved/returned) are listed in the help text
    # rather than as a schema enum, whose "status" name would collide across apps.
    status = serializers.CharField(
        read_only=True,
        help_text=(
            "draft 未报 · prepared 待签发（已填报，待本机构负责人签发） · submitted 已报送"
            " · approved 已通过 · returned 已退回"
        ),
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "agency",
            "agency_name",
            "campaign",
            "kind",
            "month",
            "phase",
            "status",
            "return_reason",
            "current_revision",
            "updated_at",
        ]


class RowSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    certificate_number = serializers.CharField()
    certificate_title = serializers.CharField()
    registered_unit = serializers.CharField()
    actual_unit = serializers.CharField()
    unit_name = serializers.CharField()
    unit_uscc = serializers.CharField()
    self_correction = serializers.CharField()
    penalty = serializers.CharField()
    remarks = serializers.CharField()
    kind = serializers.CharField()


assert {*ROW_FIELDS} <= set(RowSerializer().fields)  # noqa: S101 — the columns stay in step


class ReportDetailSerializer(ReportSerializer):
    rows = serializers.SerializerMethodField()
    frozen = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "frozen", "rows", "summary"]

    def get_rows(self, report) -> list[dict]:
        """附件1: the rows the view read for the caller (masked unless they may see the numbers)."""
        if report.kind != Report.Kind.ANNEX1:
            return []
        return RowSerializer(self.context["rows"], many=True).data

    def get_summary(self, report) -> dict | None:
        """A phase summary: its counts, narrative and attachments' names (else null)."""
        if report.kind != Report.Kind.SUMMARY:
            return None
        content = self.context["rows"]
        return {
            "counts": content["counts"],
            **{key: content[key] for key in ("work_done", "problems", "next_steps")},
            "attachments": [a.original_name for a in content["attachments"]],
        }

    def get_frozen(self, report) -> bool:
        return self.context["frozen"]


class ReportCreateSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    month = serializers.CharField(required=False, help_text="附件1：YYYY-MM")
    phase = serializers.IntegerField(required=False, help_text="阶段工作总结：阶段 ID")
    campaign = serializers.CharField(
        required=False, allow_null=True, help_text="专项整治代码；默认报送该月的当前专项整治"
    )


class SummaryTextSerializer(serializers.Serializer):
    work_done = serializers.CharField(allow_blank=True)
    problems = serializers.CharField(required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ConsolidationSerializer(serializers.ModelSerializer):
    campaign = serializers.CharField(source="campaign.code", read_only=True)
    kind = serializers.CharField(read_only=True, help_text="annex1 附件1 · summary 阶段工作总结")
    month = serializers.DateField(format="%Y-%m", read_only=True, allow_null=True)
    phase = serializers.CharField(
        source="phase.kind", read_only=True, allow_null=True, default=None
    )
    row_count = serializers.IntegerField(source="row_count_total", read_only=True, default=0)
    status = serializers.CharField(read_only=True, help_text="draft 待上报 · reported 已上报")

    class Meta:
        model = Consolidation
        fields = [
            "id",
            "campaign",
            "kind",
            "month",
            "phase",
            "status",
            "row_count",
            "created_at",
            "reported_at",
        ]


class MonthSerializer(serializers.Serializer):
    month = serializers.CharField()
    campaign = serializers.CharField(required=False, allow_null=True)
