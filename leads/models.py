"""Leads (问题线索): what the campaign finds, routed to the agency that verifies and closes it.

Every source feeds the same pipeline: a complaint from the public (``complaints``), the
ministry's suspect lists and the province's own data comparison (screening), spot checks,
referrals. A lead is about persons and units (the same records as cases), is routed to the
responsible agency, accepted or sent back there, verified, and closed with an outcome, often by
opening a case. ``leads.services`` is the only writer.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.counts import AgencyCount
from agencies.querysets import RestrictedQuerySet
from core.choices import ChoiceLabels
from core.models import AgencyYearSequence, StoredFile, content_addressed_path


class LeadQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"


class Lead(ChoiceLabels, models.Model):
    """One lead: its source, whom it is about, who holds it now, and how it ended."""

    CAMPAIGN_DAY = "received_on"

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("投诉举报")
        MINISTRY_LIST = "ministry_list", _("部转疑似名单")
        COMPARISON = "comparison", _("数据比对")
        SPOT_CHECK = "spot_check", _("抽查")
        REFERRAL = "referral", _("移送")
        OTHER = "other", _("其他")

    class State(models.TextChoices):
        TRIAGE = "triage", _("待分办")
        PENDING = "pending", _("待接收")
        VERIFYING = "verifying", _("核查中")
        CLOSED = "closed", _("已办结")

    class Outcome(models.TextChoices):
        CASE_OPENED = "case_opened", _("已立案")
        JOINED_CASE = "joined_case", _("并入已有案件")
        NOT_GUAZHENG = "not_guazheng", _("不属于挂证")
        RECTIFIED = "rectified", _("已自查整改，不再追究")
        UNSUBSTANTIATED = "unsubstantiated", _("查无实据")
        REFERRED_OUT = "referred_out", _("移送其他机关")
        DUPLICATE = "duplicate", _("重复线索")

    reference = models.CharField(_("线索编号"), max_length=40, unique=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("专项整治"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("线索来源"), max_length=20, choices=Source.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("承办机构"),
        on_delete=models.PROTECT,
        related_name="leads",
    )
    intake_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("登记机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    routed_from = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("分办机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("把线索分办到承办机构的机构；退回时线索回到这里。"),
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices)
    received_on = models.DateField(_("收到日期"))
    deadline = models.DateField(_("办理期限"))
    violations = ArrayField(
        models.CharField(max_length=32),
        verbose_name=_("反映的问题"),
        default=list,
        blank=True,
    )
    text = models.TextField(_("线索内容"), max_length=5000)
    # Data-driven sources (suspect lists, roster comparison) record what they found: the rule
    # that fired, its facts (months, paying units, the list's 问题说明 …), and a fingerprint of
    # the facts so that a re-sent list or a re-run comparison recognises what it raised before.
    rule = models.CharField(_("比对规则"), max_length=40, blank=True, db_index=True)
    facts = models.JSONField(_("比对事实"), default=dict, blank=True)
    fingerprint = models.CharField(_("事实指纹"), max_length=64, blank=True, db_index=True)
    batch = models.CharField(_("批次"), max_length=60, blank=True)
    bounce_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalated = models.BooleanField(_("已提级"), default=False)
    state_reason = models.CharField(_("退回或提级原因"), max_length=500, blank=True)

    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("核查情况"), max_length=2000, blank=True)
    exemption = models.CharField(_("不属于挂证的情形"), max_length=24, blank=True)
    proof_kind = models.CharField(_("证明材料种类"), max_length=24, blank=True)
    referred_to = models.CharField(_("移送机关"), max_length=200, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("与之重复的线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("问题线索")
        verbose_name_plural = _("问题线索")
        indexes = [
            models.Index(fields=["agency", "-received_on", "-id"], name="lead_agency_received"),
            models.Index(fields=["-received_on", "-id"], name="lead_received"),
            models.Index(fields=["state", "deadline"], name="lead_state_deadline"),
            # The dashboards' overdue count: open leads of the user's agencies past their date.
            models.Index(
                fields=["agency", "deadline"],
                condition=~Q(state="closed"),
                name="lead_open_agency_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome__in=["case_opened", "joined_case"]) | Q(case__isnull=False),
                name="lead_case_outcome_has_case",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False)
                | (~Q(state="closed") & Q(outcome="")),
                name="lead_closed_consistent",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("leads:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class LeadPerson(models.Model):
    """A person a lead is about: linked to the register when the document number is known."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="persons"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    name = models.CharField(_("姓名"), max_length=50)
    certificate = models.ForeignKey(
        "cases.Certificate",
        verbose_name=_("证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("注册单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    insurance_unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("社保缴纳单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["lead", "position", "id"]
        verbose_name = _("线索涉及人员")
        verbose_name_plural = _("线索涉及人员")
        indexes = [
            models.Index(fields=["person"], name="lead_person_person"),
            models.Index(fields=["registered_unit"], name="lead_person_registered"),
        ]

    def __str__(self):
        return f"{self.lead} · {self.name}"


class LeadUnit(ChoiceLabels, models.Model):
    """A unit a lead is about: the unit using rented certificates, an HR agency, or another."""

    class Role(models.TextChoices):
        CERTIFICATE_USER = "certificate_user", _("使用挂证人员的单位")
        HR_AGENCY = "hr_agency", _("人力资源服务机构")
        OTHER = "other", _("其他单位")

    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="units"
    )
    unit = models.ForeignKey(
        "cases.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="leads"
    )
    role = models.CharField(_("涉及方式"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["lead", "id"]
        verbose_name = _("线索涉及单位")
        verbose_name_plural = _("线索涉及单位")
        constraints = [
            models.UniqueConstraint(fields=["lead", "unit", "role"], name="lead_unit_unique"),
        ]
        indexes = [models.Index(fields=["unit"], name="lead_unit_unit")]

    def __str__(self):
        return f"{self.lead} · {self.unit}"


def attachment_path(instance, filename: str) -> str:
    """Store under the content hash and the detected type's extension (as case evidence)."""
    return content_addressed_path("leads", instance)


class LeadAttachmentQuerySet(RestrictedQuerySet):
    agency_lookup = "lead__agency"


class LeadAttachment(StoredFile):
    """A file received with a lead or gathered while verifying it (checked as case evidence)."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("线索"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = LeadAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["lead", "id"]
        verbose_name = _("线索附件")
        verbose_name_plural = _("线索附件")


class LeadDeadline(ChoiceLabels, models.Model):
    """How many working days an agency has to verify and close a lead of a source."""

    source = models.CharField(
        _("线索来源"), max_length=20, choices=Lead.Source.choices, unique=True
    )
    working_days = models.PositiveSmallIntegerField(_("办理期限（工作日）"))
    reminder_working_days = models.PositiveSmallIntegerField(_("提前提醒（工作日）"), default=3)

    class Meta:
        ordering = ["source"]
        verbose_name = _("线索办理期限")
        verbose_name_plural = _("线索办理期限")

    def __str__(self):
        return f"{self.get_source_display()}：{self.working_days}个工作日"


class LeadSequence(AgencyYearSequence):
    """The last lead number issued per agency and year (ZJ-510104-XS2019-0003)."""

    class Meta:
        verbose_name = _("线索编号序列")
        verbose_name_plural = _("线索编号序列")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="lead_sequence_unique")
        ]


class LeadCount(AgencyCount):
    """Leads per agency and state, kept by triggers (``agencies.counts``) for the dashboards."""

    class Meta:
        verbose_name = _("线索数（按机构、状态）")
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["agency", "key"], name="lead_count_agency_key")]
