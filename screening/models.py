"""Screening by data (比对排查): the runs that turn data into leads, and the province's rosters.

A suspect list from the ministry and the comparison of the province's registration roster with
its social-insurance roster both end as leads (``leads.Lead``, sources ``ministry_list`` and
``comparison``); what is kept here is each run's report and the last loaded rosters, which the
comparison reads with set-based SQL and 人社 staff query for an enterprise's paying units.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet
from core.choices import ChoiceLabels


class ScreeningRunQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"


class ScreeningRun(ChoiceLabels, models.Model):
    """One import of a suspect list or one roster comparison, and what it found.

    ``report`` holds the counts (new / known / skipped or suppressed, per rule); a dry run is
    recorded too, so the audit trail shows who checked which file.
    """

    class Kind(models.TextChoices):
        SUSPECTS = "suspects", _("部转疑似名单导入")
        COMPARISON = "comparison", _("社保与注册数据比对")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    batch = models.CharField(_("批次"), max_length=60, blank=True)
    dry_run = models.BooleanField(_("试运行"), default=False)
    period_from = models.DateField(_("比对起始月"), null=True, blank=True)
    period_to = models.DateField(_("比对截止月"), null=True, blank=True)
    input_names = models.JSONField(_("文件名"), default=list, blank=True)
    report = models.JSONField(_("结果"), default=dict, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("登记机构"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    objects = ScreeningRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("比对排查批次")
        verbose_name_plural = _("比对排查批次")

    def __str__(self):
        return f"{self.get_kind_display()} {self.batch or self.pk}"


class RosterRegistration(models.Model):
    """One row of the last loaded registration roster, as the file gave it (checked in SQL).

    Replaced whole by each comparison run (TRUNCATE … RESTART IDENTITY and COPY inside the run's
    transaction), so a run that fails leaves the previous roster in place, and a row's file line
    is its ``id`` + 1 (the header is line 1).
    """

    id_number = models.CharField(_("证件号码"), max_length=40)
    name = models.CharField(_("姓名"), max_length=100)
    category = models.CharField(_("执业资格类别"), max_length=60)
    specialty = models.CharField(_("专业"), max_length=60, blank=True)
    certificate_number = models.CharField(_("证书编号"), max_length=60, blank=True)
    unit_name = models.CharField(_("注册单位名称"), max_length=200)
    unit_uscc = models.CharField(_("注册单位统一社会信用代码"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("注册人员名册")
        verbose_name_plural = _("注册人员名册")

    def __str__(self):
        return f"{self.name} @ {self.unit_name}"


class RosterPayment(models.Model):
    """One month of one person's social insurance paid by one unit (the last loaded roster;
    its file line is its ``id`` + 1, as for registrations)."""

    id_number = models.CharField(_("证件号码"), max_length=40)
    name = models.CharField(_("姓名"), max_length=100)
    unit_name = models.CharField(_("缴费单位名称"), max_length=200)
    unit_uscc = models.CharField(_("缴费单位统一社会信用代码"), max_length=40, blank=True)
    month = models.CharField(_("缴费月份"), max_length=10)

    class Meta:
        verbose_name = _("社保缴费名册")
        verbose_name_plural = _("社保缴费名册")
        # 人社's lookup by document number; dropped and rebuilt around each load (rosters.py).
        indexes = [models.Index(fields=["id_number"], name="roster_payment_id_number")]

    def __str__(self):
        return f"{self.name} {self.month} @ {self.unit_name}"
