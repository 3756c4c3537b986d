"""The decision on a case (处理决定) and the measures it imposes on each party."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """The outcome of a case; ``decided_on`` places it in the month's 附件1."""

    class Outcome(models.TextChoices):
        ESTABLISHED = "established", _("构成挂证等违法违规行为")
        NOT_ESTABLISHED = "not_established", _("不构成挂证")

    class Exemption(models.TextChoices):
        """Situations that are in principle not 挂证 (national supplementary notice)."""

        BRANCH_OFFICE = "branch_office", _("总分公司关系")
        RETIRED = "retired", _("退休或依法提前退休")
        INSTITUTION_STAFF = "institution_staff", _("事业单位改制保留身份")
        UNIVERSITY_STAFF = "university_staff", _("高校所属单位的在职教师或科研人员")
        INSURANCE_BOUGHT_OUT = "insurance_bought_out", _("买断社保")
        OTHER_LEGAL_BASIS = "other_legal_basis", _("其他有法律或政策依据的情形")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="decision"
    )
    decided_on = models.DateField(_("处理决定日期"), db_index=True)
    outcome = models.CharField(_("处理结论"), max_length=20, choices=Outcome.choices)
    exemption = models.CharField(
        _("不构成挂证的情形"), max_length=24, choices=Exemption.choices, blank=True
    )
    exemption_evidence = models.TextField(
        _("证明材料"),
        blank=True,
        help_text=_("如 退休证、人事关系证明、社会保险个人权益记录、买断协议"),
    )
    self_corrected = models.BooleanField(
        _("自查自纠"), default=False, help_text=_("自查自纠期间整改到位，可视情况不再追究。")
    )
    self_correction_text = models.CharField(
        _("自查自纠情况"), max_length=200, blank=True, help_text=_("如 已注销注册")
    )
    document_number = models.CharField(_("处理决定文号"), max_length=100, blank=True)
    penalty_text = models.TextField(_("处理情况说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定录入人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("处理决定")
        verbose_name_plural = _("处理决定")

    def __str__(self):
        return f"{self.case} {self.get_outcome_display()}"


class Measure(models.Model):
    """One measure of a decision on one party: a person (via the case party) or a unit."""

    class Kind(models.TextChoices):
        REVOKE_REGISTRATION = "revoke_registration", _("撤销注册")
        REREGISTRATION_BAN = "reregistration_ban", _("3年内不得再次申请注册")
        BAD_RECORD = "bad_record", _("记入不良行为记录")
        BLACKLIST = "blacklist", _("列入建筑市场主体黑名单")
        CIRCULAR = "circular", _("通报")
        NOTIFY_EMPLOYER = "notify_employer", _("通报实际工作单位和监察机关")
        RECTIFY_ORDER = "rectify_order", _("限期责令整改")
        FINE = "fine", _("罚款")
        REVOKE_HR_LICENSE = "revoke_hr_license", _("吊销人力资源服务许可证")
        DEREGISTRATION = "deregistration", _("注销注册")

    decision = models.ForeignKey(
        Decision, verbose_name=_("处理决定"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("措施"), max_length=24, choices=Kind.choices)
    party = models.ForeignKey(
        "cases.CaseParty",
        verbose_name=_("对象（人员）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
    )
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("对象（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("由规则推算并保存")
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("处理措施")
        verbose_name_plural = _("处理措施")
        indexes = [models.Index(fields=["kind", "ends_on"], name="measure_kind_ends")]

    def __str__(self):
        return self.get_kind_display()
