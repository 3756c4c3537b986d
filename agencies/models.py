"""The organisation of the campaign: regions, departments, their agencies and who works where."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet
from core.choices import ChoiceLabels


class Region(ChoiceLabels, models.Model):
    """An administrative division of Sichuan (GB/T 2260): the province, a 市州 or a county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        PREFECTURE = "prefecture", _("市（州）")
        COUNTY = "county", _("县（市、区）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_standard = models.BooleanField(
        _("国标区划"), default=True, help_text=_("天府新区、高新区等非国标单位为否。")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        """Return the name with its 市州 for a county (成都市锦江区), else the name."""
        if self.level == self.Level.COUNTY and self.parent_id:
            return f"{self.parent.name}{self.name}"
        return self.name


class Department(ChoiceLabels, models.Model):
    """A provincial department or bureau taking part in the campaign (住建厅, 人社厅 …)."""

    class Kind(models.TextChoices):
        REPORTING = "reporting", _("报送部门")
        SUPERVISING = "supervising", _("监督部门")
        MINISTRY = "ministry", _("部委")

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=20)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self):
        return self.name


class AgencyQuerySet(RestrictedQuerySet):
    agency_lookup = ""


class Agency(ChoiceLabels, models.Model):
    """One department's office in one region (e.g. 成都市锦江区住房和城乡建设局).

    ``path`` is the chain of ids from the department's top agency down to this one
    (``/12/340/5121/``) so that a subtree is one indexed ``LIKE 'prefix%'``; it is written only
    by ``agencies.services.agency_save``, which also moves a subtree in one statement.
    """

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="agencies"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="agencies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=Region.Level.choices)
    path = models.CharField(_("层级路径"), max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["department__sort_order", "region__code"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "region"], name="agency_unique_department_region"
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="agency_path_like", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name


class Membership(ChoiceLabels, models.Model):
    """A user's role at an agency; a user may hold several."""

    class Role(models.TextChoices):
        CLERK = "clerk", _("录入员")
        REVIEWER = "reviewer", _("审核员/负责人")
        INSPECTOR = "inspector", _("督查员")
        MINISTRY = "ministry", _("部级用户")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["user", "agency__path"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.agency}（{self.get_role_display()}）"


class ComplaintChannel(models.Model):
    """A published complaint channel of a department (附件2 of the plan)."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="channels"
    )
    telephone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.CharField(_("举报网址或邮箱"), max_length=100, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["department__sort_order"]
        verbose_name = _("投诉举报渠道")
        verbose_name_plural = _("投诉举报渠道")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "telephone", "email"], name="channel_unique"
            ),
        ]

    def __str__(self):
        return f"{self.department.short_name} {self.telephone} {self.email}"


class Profile(models.Model):
    """A user's real name and office phone: how they sign forms (填表人, 负责人 of 附件1).

    Kept beside Django's user rather than in ``first_name``/``last_name``: a Chinese name is one
    field (``get_full_name`` would print it given name first), and the phone has no home there.
    Written only by ``agencies.services.profile_update``, which validates and audits.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="profile",
    )
    real_name = models.CharField(_("姓名"), max_length=30, blank=True)
    office_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("个人信息")
        verbose_name_plural = _("个人信息")

    def __str__(self):
        return self.real_name or str(self.user)
