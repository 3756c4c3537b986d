"""Self-inspection declarations (自查自纠申报): what units, HR agencies and persons declared during
the self-inspection phase, and what they did about it.

A declaration is registered by the agency that received it (on paper, or in bulk from Excel);
each declared person names the certificate registered without a real job, what was done
(注销注册 applied, 劳动合同 signed, 社保 transferred …) and whether it is rectified. A rectified
situation is not pursued: the decision on a later case may mark it 自查自纠 on the strength of
the declaration (``cases.self_correction``).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet
from core.choices import ChoiceLabels
from core.models import AgencyYearSequence, StoredFile, content_addressed_path


class DeclarationQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"


class Declaration(ChoiceLabels, models.Model):
    """One declaration as received: who declared, when, and the persons it names."""

    # The campaign bounds the declaration date (``campaigns.services`` reads this name).
    CAMPAIGN_DAY = "declared_on"

    class Declarant(models.TextChoices):
        UNIT = "unit", _("用人单位")
        HR_AGENCY = "hr_agency", _("人力资源服务机构")
        PERSON = "person", _("专业技术人员本人")

    class Channel(models.TextChoices):
        PAPER = "paper", _("纸质材料")
        EXCEL = "excel", _("批量导入")

    reference = models.CharField(_("申报编号"), max_length=40, unique=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项整治"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("受理机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declarant = models.CharField(_("申报主体"), max_length=12, choices=Declarant.choices)
    unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("申报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    declared_on = models.DateField(_("申报日期"))
    channel = models.CharField(
        _("受理方式"), max_length=12, choices=Channel.choices, default=Channel.PAPER
    )
    summary = models.TextField(_("自查情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        ordering = ["-declared_on", "-id"]
        verbose_name = _("自查自纠申报")
        verbose_name_plural = _("自查自纠申报")
        indexes = [
            models.Index(fields=["agency", "-declared_on", "-id"], name="declaration_agency_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(declarant="person") | Q(unit__isnull=False),
                name="declaration_unit_declares",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("declarations:detail", args=[self.pk])


class DeclaredPerson(models.Model):
    """A person a declaration names, with what was done and whether it is rectified."""

    class Action(models.TextChoices):
        DEREGISTRATION_APPLIED = "deregistration_applied", _("已申请注销注册")
        DEREGISTERED = "deregistered", _("已注销注册")
        CONTRACT_SIGNED = "contract_signed", _("已签订劳动合同")
        INSURANCE_TRANSFERRED = "insurance_transferred", _("已转移社会保险")
        CERTIFICATE_RETURNED = "certificate_returned", _("已退还证书")
        OTHER = "other", _("其他")

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="persons"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    name = models.CharField(_("姓名"), max_length=50, help_text=_("申报材料所写的姓名"))
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
    actual_unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("实际工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actions = ArrayField(
        models.CharField(max_length=32, choices=Action.choices),
        verbose_name=_("整改措施"),
        default=list,
        blank=True,
    )
    rectified = models.BooleanField(_("整改到位"), default=False)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["declaration", "position", "id"]
        verbose_name = _("申报人员")
        verbose_name_plural = _("申报人员")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "person"], name="declared_person_unique"
            ),
            models.CheckConstraint(
                condition=Q(rectified=False) | Q(rectified_on__isnull=False),
                name="declared_person_rectified_on",
            ),
        ]
        indexes = [models.Index(fields=["person"], name="declared_person_person")]

    def __str__(self):
        return f"{self.declaration} · {self.name}"

    @property
    def action_labels(self) -> list[str]:
        labels = dict(self.Action.choices)
        return [str(labels.get(a, a)) for a in self.actions]


def attachment_path(instance, filename: str) -> str:
    """Store under the content hash and the detected type's extension (as case evidence)."""
    return content_addressed_path("declarations", instance)


class DeclarationAttachmentQuerySet(RestrictedQuerySet):
    agency_lookup = "declaration__agency"


class DeclarationAttachment(StoredFile):
    """A file received with a declaration (注销申请, 劳动合同, 社保转移凭证 …)."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DeclarationAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "id"]
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")


class DeclarationSequence(AgencyYearSequence):
    """The last declaration number issued per agency and year (ZJ-510104-ZC2019-0003)."""

    class Meta:
        verbose_name = _("申报编号序列")
        verbose_name_plural = _("申报编号序列")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="declaration_sequence_unique")
        ]
