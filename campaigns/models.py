"""The campaign as data: its dates, its phases (with the documents that extended them) and the
months its monthly 附件1 covers.

Every case, report and declaration belongs to a campaign, so a later round (the 2024 national
round, say) is a new row in the admin with its own months and reports, and leaves the first's
untouched. Dates the plan states live in rows, never in code (``campaigns.reference`` loads the
2019 campaign; ``campaigns.selectors`` answers "which campaign, which phase, which months").
"""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from core.months import month_label


class Campaign(models.Model):
    """One campaign (专项整治) with its reporting calendar."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=40, help_text=_("如 2019年专项整治"))
    document_number = models.CharField(
        _("方案文号"), max_length=100, blank=True, help_text=_("本省印发方案的文号")
    )
    basis = models.CharField(
        _("依据文件"), max_length=200, blank=True, help_text=_("如 建办市〔2018〕57号")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(
        _("结束日期"), null=True, blank=True, help_text=_("为空表示尚未结束（长效机制）。")
    )
    first_reported_month = models.DateField(
        _("首个报送月份"),
        help_text=_("附件1 所报的第一个月（该月1日）。此前的月份由自查自纠工作总结涵盖。"),
    )
    last_reported_month = models.DateField(
        _("最后报送月份"), null=True, blank=True, help_text=_("为空表示按月持续报送。")
    )
    compares_housing_fund = models.BooleanField(
        _("比对住房公积金"),
        default=False,
        help_text=_("除社会保险外，同时比对住房公积金缴存单位（如 2024 年全国专项行动）。"),
    )
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-starts_on", "code"]
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_reported_month__day=1), name="campaign_first_month_day_1"
            ),
            models.CheckConstraint(
                condition=Q(last_reported_month__isnull=True) | Q(last_reported_month__day=1),
                name="campaign_last_month_day_1",
            ),
            models.CheckConstraint(
                condition=Q(last_reported_month__isnull=True)
                | Q(last_reported_month__gte=F("first_reported_month")),
                name="campaign_months_in_order",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="campaign_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.short_name

    def covers(self, day: datetime.date) -> bool:
        """Return True if ``day`` falls within the campaign's dates."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def reports_month(self, month: datetime.date) -> bool:
        """Return True if ``month`` is one of the campaign's reported months."""
        return self.first_reported_month <= month and (
            self.last_reported_month is None or month <= self.last_reported_month
        )

    @property
    def reporting_label(self) -> str:
        last = month_label(self.last_reported_month) if self.last_reported_month else "至今"
        return f"{month_label(self.first_reported_month)}—{last}"


class Phase(ChoiceLabels, models.Model):
    """A phase of the campaign (自查自纠, 全面排查, 监督检查) and the deadlines of its summary."""

    class Kind(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("自查自纠")
        INVESTIGATION = "investigation", _("全面排查")
        SUPERVISION = "supervision", _("监督检查")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项整治"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("阶段"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期（原定）"))
    # The phase summary (工作总结) goes up the chain by these dates: 市(州) departments to their
    # provincial department, provincial departments to 住建厅, 住建厅 to the ministry.
    summary_due_city = models.DateField(_("市（州）报送总结期限"), null=True, blank=True)
    summary_due_province = models.DateField(_("省级部门报送总结期限"), null=True, blank=True)
    summary_due_lead = models.DateField(_("住房城乡建设厅上报期限"), null=True, blank=True)

    class Meta:
        ordering = ["campaign", "starts_on", "kind"]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="phase_unique_kind"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="phase_dates_in_order"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} {self.get_kind_display()}"

    @property
    def effective_end(self) -> datetime.date:
        """Return the end after every extension (read from prefetched extensions)."""
        return max([self.ends_on, *(e.ends_on for e in self.extensions.all())])

    def covers(self, day: datetime.date) -> bool:
        """Return True if ``day`` falls within the phase, extensions included."""
        return self.starts_on <= day <= self.effective_end


class PhaseExtension(models.Model):
    """A document that moved a phase's end (the national supplementary notice, 2019)."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("阶段"), on_delete=models.CASCADE, related_name="extensions"
    )
    ends_on = models.DateField(_("延长至"))
    document_number = models.CharField(_("文号"), max_length=100)
    document_title = models.CharField(_("文件名称"), max_length=300, blank=True)
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)

    class Meta:
        ordering = ["phase", "ends_on"]
        verbose_name = _("阶段延期")
        verbose_name_plural = _("阶段延期")

    def __str__(self):
        return f"{self.phase} 延长至 {self.ends_on}（{self.document_number}）"
