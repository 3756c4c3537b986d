"""The monthly 附件1: reports per agency and month, their frozen revisions, and consolidations."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies import permissions
from agencies.models import Department, Region
from agencies.querysets import CHANGE, READ_ROLES, RestrictedQuerySet
from core.choices import ChoiceLabels
from core.models import StoredFile, content_addressed_path
from core.months import month_label
from reports.deadlines import DEFAULT_REMINDER_WORKING_DAYS, MAX_WORKING_DAY

# The departments that file a monthly 附件1 (DOMAIN.md §2) are those of kind "reporting"; the
# lead department (住建厅, ``Department.is_lead``) consolidates them. Both are data.
REPORTING = Department.Kind.REPORTING


def province_reports_q(prefix: str = "agency__") -> Q:
    """Return the condition for the reporting departments' province-level agencies."""
    return Q(**{f"{prefix}level": Region.Level.PROVINCE, f"{prefix}department__kind": REPORTING})


class ReportQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"

    def restrict_extra(self, user, action, memberships):
        """Let 住建厅 (the lead department's province agency) see every department's
        province-level reports: its reviewers approve them."""
        roles = {permissions.REVIEWER} if action == CHANGE else READ_ROLES
        if permissions.lead_province_roles(user) & roles:
            return province_reports_q()
        return None


class Report(ChoiceLabels, models.Model):
    """One agency's report of a kind for a period of its campaign: the monthly 附件1 for a month,
    a phase summary (工作总结) for a phase. Every preparation freezes a ``ReportRevision``.
    What a kind contains and how it is written out: ``reports.kinds``."""

    # The campaign bounds the reported month (``campaigns.services`` reads this name).
    CAMPAIGN_MONTH = "month"

    class Kind(models.TextChoices):
        ANNEX1 = "annex1", _("附件1 月报")
        SUMMARY = "summary", _("阶段工作总结")

    class Status(models.TextChoices):
        DRAFT = "draft", _("未报")
        PREPARED = "prepared", _("待签发")  # prepared, awaiting the agency's own sign-off
        SUBMITTED = "submitted", _("已报送")  # signed by the agency's 负责人, sent to the parent
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项整治"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("报送机构"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.ANNEX1)
    month = models.DateField(_("月份"), null=True, blank=True, help_text=_("月报：该月1日"))
    phase = models.ForeignKey(
        "campaigns.Phase",
        verbose_name=_("阶段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("阶段工作总结：所总结的阶段"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    current_revision = models.ForeignKey(
        "reports.ReportRevision",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "agency__department__sort_order", "agency__region__code"]
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agency", "kind", "month"],
                condition=Q(month__isnull=False),
                name="report_unique_campaign_agency_kind_month",
            ),
            models.UniqueConstraint(
                fields=["agency", "phase"],
                condition=Q(phase__isnull=False),
                name="report_unique_agency_phase",
            ),
            models.CheckConstraint(
                condition=(Q(kind="annex1", month__isnull=False, phase__isnull=True))
                | (Q(kind="summary", month__isnull=True, phase__isnull=False)),
                name="report_period_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__day=1), name="report_month_is_first_day"
            ),
        ]
        indexes = [models.Index(fields=["month", "status"], name="report_month_status")]

    def __str__(self):
        return f"{self.agency} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        """Return the reported period: 2019年3月 (附件1), 自查自纠阶段工作总结 (a summary)."""
        if self.month is not None:
            return month_label(self.month)
        return f"{self.phase.get_kind_display()}阶段工作总结"

    @property
    def noun(self) -> str:
        """Return what the report is called in messages: 月报, 工作总结."""
        return "月报" if self.kind == self.Kind.ANNEX1 else "工作总结"

    @property
    def is_open(self) -> bool:
        """Return True while the agency may (re)prepare the report."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_filed(self) -> bool:
        """Return True once the agency signed the report and sent it up (deadlines are met)."""
        return self.status in (self.Status.SUBMITTED, self.Status.APPROVED)


class ReportRevision(ChoiceLabels, models.Model):
    """A frozen revision of a report: its rows never change after it is written.

    The agency's own people sign it: 填表人 (who prepared it) and 负责人 (the agency's reviewer who
    signed it off and thereby sent it up), each with the name and phone of their profile at that
    moment. The parent agency's review is recorded apart (``reviewed_by``) and never printed.
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("未签发，已撤回")

    report = models.ForeignKey(
        Report, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填表人（用户）"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    preparer_name = models.CharField(_("填表人"), max_length=100)
    preparer_phone = models.CharField(_("填表人联系电话"), max_length=30, blank=True)
    prepared_at = models.DateTimeField(_("填报时间"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人（用户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signer_name = models.CharField(_("负责人"), max_length=100, blank=True)
    signer_phone = models.CharField(_("负责人联系电话"), max_length=30, blank=True)
    submitted_at = models.DateTimeField(
        _("申报时间"), null=True, blank=True, help_text=_("负责人签发、报送上级的时间。")
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    outcome = models.CharField(
        _("审核结果"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("上级机构的审核人；不是本表的负责人。"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("月报版本")
        verbose_name_plural = _("月报版本")
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="revision_unique_number"),
        ]

    def __str__(self):
        return f"{self.report} 第{self.number}版"

    @property
    def is_submitted(self) -> bool:
        """Return True once the revision was signed off and sent to the parent agency."""
        return self.submitted_at is not None


class ReportRow(ChoiceLabels, models.Model):
    """One frozen row of 附件1 in a revision, with where it came from (for 备注 and statistics)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("本月")
        LATE = "late", _("补报")
        CORRECTION = "correction", _("更正")

    revision = models.ForeignKey(
        ReportRevision, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="rows"
    )
    seq = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=32)
    certificate_number = models.CharField(_("证书编号"), max_length=50, blank=True)
    certificate_title = models.CharField(_("执业资格类别"), max_length=80, blank=True)
    registered_unit = models.CharField(_("注册单位"), max_length=200, blank=True)
    actual_unit = models.CharField(_("实际工作单位"), max_length=200, blank=True)
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    unit_uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    self_correction = models.CharField(_("自查自纠"), max_length=200, blank=True)
    penalty = models.TextField(_("行政处罚"), blank=True)
    remarks = models.CharField(_("备注"), max_length=300, blank=True)
    # Where the row came from; plain ids, so history survives edits of the case register.
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    case_party_id = models.BigIntegerField(_("涉案人员ID"), null=True, db_index=True)
    case_id = models.BigIntegerField(_("案件ID"), null=True)
    # What a row stands for across months: p<case party> for a person, c<case> for a case
    # without an established person (a unit or an HR agency dealt with alone).
    row_key = models.CharField(_("行标识"), max_length=32, blank=True, db_index=True)
    fact_month = models.DateField(_("处理决定月份"))
    fingerprint = models.CharField(_("内容摘要"), max_length=32)
    origin_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("填报机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    origin_name = models.CharField(_("填报机构名称"), max_length=100)
    source_revision = models.ForeignKey(
        ReportRevision,
        verbose_name=_("来源版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("汇总自下级机构已通过的月报时填写。"),
    )
    measure_kinds = models.CharField(_("措施代码"), max_length=300, blank=True)
    # The measures of the case's unit and HR agency (unit:circular,hr:fine), counted once per
    # case (``unit_key``) in the statistics however many person rows repeat them.
    unit_measure_kinds = models.CharField(_("单位措施代码"), max_length=300, blank=True)
    unit_key = models.CharField(_("单位标识"), max_length=32, blank=True)
    document_number = models.CharField(_("处理决定文号"), max_length=100, blank=True)

    class Meta:
        ordering = ["revision", "seq"]
        verbose_name = _("附件1行")
        verbose_name_plural = _("附件1行")
        constraints = [
            models.UniqueConstraint(fields=["revision", "seq"], name="report_row_unique_seq"),
        ]

    def __str__(self):
        return f"{self.seq} {self.name}"


def summary_attachment_path(instance, filename: str) -> str:
    """Store under the content hash and the detected type's extension (as case evidence)."""
    return content_addressed_path("summaries", instance)


class SummaryDraft(models.Model):
    """The narrative of a phase summary (工作总结) while its agency writes it; preparing the
    report freezes it, with the counts, into the revision's ``SummaryContent``."""

    report = models.OneToOneField(
        Report, verbose_name=_("工作总结"), on_delete=models.CASCADE, related_name="summary_draft"
    )
    work_done = models.TextField(_("工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作总结草稿")
        verbose_name_plural = _("工作总结草稿")

    def __str__(self):
        return str(self.report)


class SummaryAttachmentQuerySet(RestrictedQuerySet):
    agency_lookup = "report__agency"

    def restrict_extra(self, user, action, memberships):
        """Follow the report's own rule (住建厅 reads the departments' provincial summaries)."""
        return Q(report__in=Report.objects.restrict(user, action).values("pk"))


class SummaryAttachment(StoredFile):
    """A file attached to a phase summary (a table, a typical case …)."""

    report = models.ForeignKey(
        Report,
        verbose_name=_("工作总结"),
        on_delete=models.CASCADE,
        related_name="summary_attachments",
    )
    file = models.FileField(_("文件"), upload_to=summary_attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SummaryAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("工作总结附件")
        verbose_name_plural = _("工作总结附件")


class SummaryContent(models.Model):
    """A summary's content frozen with a revision: the counts computed at that moment, the
    narrative as written, and the attachments then present. Never changed afterwards."""

    revision = models.OneToOneField(
        ReportRevision, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="summary"
    )
    counts = models.JSONField(_("统计数据"), default=dict)
    work_done = models.TextField(_("工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步工作"), blank=True)
    attachments = models.ManyToManyField(
        SummaryAttachment, verbose_name=_("附件"), blank=True, related_name="contents"
    )

    class Meta:
        verbose_name = _("工作总结内容")
        verbose_name_plural = _("工作总结内容")

    def __str__(self):
        return str(self.revision)


class ConsolidationQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"

    def restrict_extra(self, user, action, memberships):
        """Let ministry users read consolidations once they are reported upward."""
        if action != CHANGE and permissions.is_ministry(user):
            return Q(status=Consolidation.Status.REPORTED)
        return None


class Consolidation(ChoiceLabels, models.Model):
    """住建厅's province-wide report of a period: the five departments' approved provincial
    reports of one kind (the month's 附件1, or a phase's summaries), reported to the ministry."""

    CAMPAIGN_MONTH = "month"

    class Status(models.TextChoices):
        DRAFT = "draft", _("待上报")
        REPORTED = "reported", _("已上报")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项整治"),
        on_delete=models.PROTECT,
        related_name="consolidations",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("汇总机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=Report.Kind.choices, default=Report.Kind.ANNEX1
    )
    month = models.DateField(_("月份"), null=True, blank=True)
    phase = models.ForeignKey(
        "campaigns.Phase",
        verbose_name=_("阶段"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consolidations",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    revisions = models.ManyToManyField(
        ReportRevision, verbose_name=_("汇总的版本"), related_name="consolidations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("汇总人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("汇总时间"), auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("上报时间"), null=True, blank=True)

    objects = ConsolidationQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("全省汇总")
        verbose_name_plural = _("全省汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "month"],
                condition=Q(month__isnull=False),
                name="consolidation_unique_campaign_month",
            ),
            models.UniqueConstraint(
                fields=["phase"],
                condition=Q(phase__isnull=False),
                name="consolidation_unique_phase",
            ),
            models.CheckConstraint(
                condition=(Q(kind="annex1", month__isnull=False, phase__isnull=True))
                | (Q(kind="summary", month__isnull=True, phase__isnull=False)),
                name="consolidation_period_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__day=1),
                name="consolidation_month_is_first_day",
            ),
        ]

    def __str__(self):
        return f"全省汇总 {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.month is not None:
            return month_label(self.month)
        return f"{self.phase.get_kind_display()}阶段工作总结"

    @property
    def is_reported(self) -> bool:
        return self.status == self.Status.REPORTED


class ReportDeadline(ChoiceLabels, models.Model):
    """When each stage of the chain is due, as data (later campaigns change it without code).

    The filing of a month opens on the 1st of the next month (the plan); a stage is due on the
    n-th working day of that month, counties first and 住建厅's consolidation last
    (``reports.deadlines``). Changed only through ``reports.services.deadline_update``.
    """

    class Stage(models.TextChoices):
        # The first three are ``Region.Level`` values: an agency's level names its stage.
        COUNTY = "county", _("县（市、区）报送市（州）")
        PREFECTURE = "prefecture", _("市（州）报送省级部门")
        PROVINCE = "province", _("省级部门报送住房城乡建设厅")
        CONSOLIDATION = "consolidation", _("住房城乡建设厅汇总上报住房城乡建设部")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项整治"),
        on_delete=models.CASCADE,
        related_name="report_deadlines",
        help_text=_("每个专项整治有自己的报送期限；未设置的环节按方案默认值。"),
    )
    stage = models.CharField(_("环节"), max_length=16, choices=Stage.choices)
    working_day = models.PositiveSmallIntegerField(
        _("次月第几个工作日"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_WORKING_DAY)],
        help_text=_("上月月报在次月第几个工作日（含调休）前报送；须按县、市、省、汇总的顺序递增。"),
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("提前提醒工作日数"),
        default=DEFAULT_REMINDER_WORKING_DAYS,
        validators=[MaxValueValidator(MAX_WORKING_DAY)],
    )

    class Meta:
        ordering = ["campaign", "working_day"]
        verbose_name = _("报送期限")
        verbose_name_plural = _("报送期限")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "stage"], name="report_deadline_unique_campaign_stage"
            )
        ]

    def __str__(self):
        return self.get_stage_display()
