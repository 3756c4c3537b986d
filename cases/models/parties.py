"""The parties of a case: professionals (专业技术人员), their certificates, and units (单位)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels


class Person(ChoiceLabels, models.Model):
    """A registered professional (专业技术人员); one row per document number across departments."""

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("居民身份证")
        HMT_PERMIT = "hmt_residence_permit", _("港澳台居民居住证")
        FOREIGN_PERMANENT = "foreign_permanent_id", _("外国人永久居留身份证")
        PASSPORT = "passport", _("护照")

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    name = models.CharField(_("姓名"), max_length=50)
    id_type = models.CharField(
        _("证件类型"), max_length=24, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=32)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    is_public_employee = models.BooleanField(
        _("国家机关/事业单位工作人员"),
        default=False,
        help_text=_("是则处理时须通报其实际工作单位和监察机关。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("专业技术人员")
        verbose_name_plural = _("专业技术人员")
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="person_unique_document"),
        ]
        indexes = [models.Index(fields=["name"], name="person_name")]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        """Return the document number with the middle hidden (510104********002X)."""
        from cases.identifiers import mask_id_number

        return mask_id_number(self.id_number)


class Unit(ChoiceLabels, models.Model):
    """A unit (单位): an enterprise, an HR agency, a state organ or an institution."""

    class Kind(models.TextChoices):
        CONSTRUCTION = "construction", _("施工企业")
        SURVEY_DESIGN = "survey_design", _("勘察设计单位")
        SUPERVISION = "supervision", _("监理单位")
        COST_CONSULTING = "cost_consulting", _("造价咨询单位")
        HR_AGENCY = "hr_agency", _("人力资源服务机构")
        STATE_ORGAN = "state_organ", _("国家机关")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(  # noqa: DJ001 — NULL, not "", so the unique constraint skips it
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        help_text=_("缺少代码的历史记录允许保存，但会标记为待补全。"),
    )
    kind = models.CharField(_("单位类型"), max_length=24, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey(
        "agencies.Region",
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=models.Q(uscc__isnull=False), name="unit_unique_uscc"
            ),
        ]
        indexes = [models.Index(fields=["name"], name="unit_name")]

    def __str__(self):
        return self.name

    @property
    def lacks_code(self) -> bool:
        """Return True for an old record without a 统一社会信用代码 (flagged in lists)."""
        return not self.uscc

    @property
    def code_warning(self) -> str | None:
        """Return a warning when the code's 组织机构代码 part fails its own check (DOMAIN §8)."""
        from cases.identifiers import uscc_organisation_code_warning

        return uscc_organisation_code_warning(self.uscc) if self.uscc else None


class CertificateType(ChoiceLabels, models.Model):
    """A 执业资格类别: category, level and specialty (DOMAIN.md §7); admins may add more."""

    class Category(models.TextChoices):
        ARCHITECT = "architect", _("注册建筑师")
        SURVEY_ENGINEER = "survey_engineer", _("勘察设计注册工程师")
        CONSTRUCTOR = "constructor", _("建造师")
        SUPERVISION_ENGINEER = "supervision_engineer", _("监理工程师")
        COST_ENGINEER = "cost_engineer", _("造价工程师")

    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    level = models.CharField(_("级别"), max_length=8, blank=True, help_text=_("1、2 或留空"))
    specialty = models.CharField(_("专业"), max_length=50, blank=True)
    title = models.CharField(_("名称"), max_length=80, help_text=_("如 一级建造师（建筑工程）"))
    department = models.ForeignKey(
        "agencies.Department",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category", "level", "specialty"]
        verbose_name = _("执业资格类别")
        verbose_name_plural = _("执业资格类别")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level", "specialty"], name="certificate_type_unique"
            ),
        ]

    def __str__(self):
        return self.title


class Certificate(ChoiceLabels, models.Model):
    """A person's registration certificate (注册证书) and its state."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("注册有效")
        REVOKED = "revoked", _("已撤销注册")
        DEREGISTERED = "deregistered", _("已注销注册")

    person = models.ForeignKey(
        Person, verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="certificates"
    )
    certificate_type = models.ForeignKey(
        CertificateType, verbose_name=_("执业资格类别"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("证书编号"), max_length=50)
    registered_unit = models.ForeignKey(
        Unit,
        verbose_name=_("注册单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_certificates",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.REGISTERED
    )
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    deregistered_on = models.DateField(_("注销日期"), null=True, blank=True)
    reregistration_banned_until = models.DateField(_("不得再次申请注册至"), null=True, blank=True)

    class Meta:
        ordering = ["person", "id"]
        verbose_name = _("注册证书")
        verbose_name_plural = _("注册证书")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "number"], name="certificate_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["number"], name="certificate_number")]

    def __str__(self):
        return f"{self.certificate_type.title} {self.number}"
