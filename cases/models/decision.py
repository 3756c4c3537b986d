"""The decision on a case (处理决定): one act with one 文号, and an outcome for each party.

In one case one person may be established and another exempt (退休, 总分公司 …), each with their
own measures and evidence; the unit that used the certificate and the HR agency are parties too.
So the decision holds what is common (the date, the deciding authority, the 文号) and each
``Outcome`` holds a party's result, its measures (``Measure``) and the proofs of an exemption.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels


class Decision(models.Model):
    """The 处理决定 of a case; ``decided_on`` places its rows in the month's 附件1."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="decision"
    )
    decided_on = models.DateField(_("处理决定日期"), db_index=True)
    deciding_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("处理机关"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("作出处理决定的机关，默认为承办机构。"),
    )
    referred_to_issuer = models.BooleanField(
        _("已移送发证机关"),
        default=False,
        help_text=_(
            "发证机关不是本机关时，由发证机关依法依规处罚（如一级建造师由住房城乡建设部）。"
        ),
    )
    issuer = models.CharField(_("发证机关"), max_length=100, blank=True)
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
        return f"{self.case} {self.decided_on}"

    @property
    def is_established(self) -> bool:
        """Return True when at least one party's outcome is 构成 (read from prefetched outcomes)."""
        return any(o.result == Outcome.Result.ESTABLISHED for o in self.outcomes.all())


class Outcome(ChoiceLabels, models.Model):
    """One party's result under a decision: a person, the unit that used the certificate, or the
    HR agency."""

    class Role(models.TextChoices):
        PERSON = "person", _("专业技术人员")
        UNIT = "unit", _("买卖租借证书单位")
        HR_AGENCY = "hr_agency", _("人力资源服务机构")

    class Result(models.TextChoices):
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

    decision = models.ForeignKey(
        Decision, verbose_name=_("处理决定"), on_delete=models.CASCADE, related_name="outcomes"
    )
    role = models.CharField(_("对象类型"), max_length=12, choices=Role.choices)
    party = models.ForeignKey(
        "cases.CaseParty",
        verbose_name=_("对象（人员）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("对象（单位）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    result = models.CharField(_("处理结论"), max_length=20, choices=Result.choices)
    exemption = models.CharField(
        _("不构成挂证的情形"), max_length=24, choices=Exemption.choices, blank=True
    )
    self_corrected = models.BooleanField(
        _("自查自纠"), default=False, help_text=_("自查自纠期间整改到位，可视情况不再追究。")
    )
    self_correction_text = models.CharField(
        _("自查自纠情况"), max_length=200, blank=True, help_text=_("如 已注销注册")
    )
    self_corrected_on = models.DateField(_("整改日期"), null=True, blank=True)
    self_correction_basis = models.CharField(
        _("自查自纠依据"),
        max_length=200,
        blank=True,
        help_text=_("自查自纠申报编号，或整改日期在自查自纠阶段内（cases.self_correction）。"),
    )

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("处理结论")
        verbose_name_plural = _("处理结论")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="person", party__isnull=False, unit__isnull=True)
                    | (~Q(role="person") & Q(party__isnull=True, unit__isnull=False))
                ),
                name="outcome_one_party",
            ),
            models.UniqueConstraint(
                fields=["decision", "party"],
                condition=Q(party__isnull=False),
                name="outcome_unique_person",
            ),
            models.UniqueConstraint(
                fields=["decision", "role"],
                condition=~Q(role="person"),
                name="outcome_unique_unit_role",
            ),
        ]

    def __str__(self):
        return f"{self.decision} {self.get_role_display()} {self.get_result_display()}"

    @property
    def party_name(self) -> str:
        """Return the name of the person or unit this outcome concerns."""
        return self.party.name if self.party_id else self.unit.name


class ExemptionProof(ChoiceLabels, models.Model):
    """A document proving an exemption (退休证 …), with its file among the case's evidence."""

    class Kind(models.TextChoices):
        RETIREMENT_CERTIFICATE = "retirement_certificate", _("退休证")
        LABOUR_CONTRACT = "labour_contract", _("劳动合同")
        PERSONNEL_RELATION = "personnel_relation", _("人事关系证明")
        INSURANCE_RECORD = "insurance_record", _("社会保险个人权益记录")
        BUYOUT_AGREEMENT = "buyout_agreement", _("买断协议")
        OTHER = "other", _("其他")

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("处理结论"), on_delete=models.CASCADE, related_name="proofs"
    )
    kind = models.CharField(_("证明材料种类"), max_length=24, choices=Kind.choices)
    evidence = models.ForeignKey(
        "cases.Evidence",
        verbose_name=_("文件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proofs",
        help_text=_("记录于本系统之前的证明材料仅有文字说明。"),
    )
    note = models.CharField(_("说明"), max_length=2000, blank=True)

    class Meta:
        ordering = ["outcome", "id"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    def __str__(self):
        return self.get_kind_display()


class Measure(ChoiceLabels, models.Model):
    """One measure of a party's outcome, with its dates derived by the plan's rules."""

    class Kind(models.TextChoices):
        """The measures, in the order the plan names them (附件1 lists them so)."""

        REVOKE_REGISTRATION = "revoke_registration", _("撤销注册")
        REREGISTRATION_BAN = "reregistration_ban", _("3年内不得再次申请注册")
        CIRCULAR = "circular", _("通报")
        BAD_RECORD = "bad_record", _("记入不良行为记录")
        BLACKLIST = "blacklist", _("列入建筑市场主体黑名单")
        NOTIFY_EMPLOYER = "notify_employer", _("通报实际工作单位和监察机关")
        RECTIFY_ORDER = "rectify_order", _("限期责令整改")
        FINE = "fine", _("罚款")
        REVOKE_HR_LICENSE = "revoke_hr_license", _("吊销人力资源服务许可证")
        DEREGISTRATION = "deregistration", _("注销注册")

    outcome = models.ForeignKey(
        Outcome, verbose_name=_("处理结论"), on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("措施"), max_length=24, choices=Kind.choices)
    starts_on = models.DateField(_("起始日期"), null=True, blank=True)
    ends_on = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("由规则推算并保存")
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["outcome", "id"]
        verbose_name = _("处理措施")
        verbose_name_plural = _("处理措施")
        indexes = [models.Index(fields=["kind", "ends_on"], name="measure_kind_ends")]

    def __str__(self):
        return self.get_kind_display()
