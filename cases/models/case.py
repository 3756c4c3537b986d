"""The case (案件): who rented whose certificate, how it was found, and where it stands."""

from collections import Counter

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.counts import AgencyCount
from agencies.querysets import (
    READ_ROLES,
    VIEW,
    RestrictedQuerySet,
    agency_ids_within,
    memberships_of,
)
from core.choices import ChoiceLabels
from core.models import AgencyYearSequence


def supervised_departments(memberships) -> list[int]:
    """Return the supervising departments the user reads for (their specialties' cases)."""
    from agencies.models import Department

    return sorted(
        {
            m.agency.department_id
            for m in memberships
            if m.agency.department.kind == Department.Kind.SUPERVISING and m.role in READ_ROLES
        }
    )


def _offered_to_any(user, agency_ids: list[int]) -> bool:
    """Whether any case awaits one of ``agency_ids``' acceptance, asked once per user object.

    Almost no case is pending transfer; leaving the ``OR transfer_to_id IN (…)`` out when none
    is lets a county's list walk its (agency, opened_on, id) index instead of sorting the whole
    county (146 ms → a few ms at a million cases, docs/performance.md §9).
    """
    cached = getattr(user, "_offered_cache", None)
    if cached is None:
        cached = Case.objects.filter(transfer_to_id__in=agency_ids).exists()
        user._offered_cache = cached
    return cached


class CaseQuerySet(RestrictedQuerySet):
    agency_lookup = "agency"

    def restrict_extra(self, user, action, memberships):
        """Grant reading beyond the subtree, in two cases.

        - The receiving agency's chain reads a case offered to it, to accept or refuse it.
        - A supervising bureau (成都铁路监督管理局, 民航西南管理局) reads the cases whose
          certificates are of its specialty (铁路工程 / 民航机场工程 建造师): the certificate
          type names the department that supervises it (``CertificateType.department``).
        """
        if action != VIEW:
            return None
        condition = Q(pk__in=[])
        incoming = agency_ids_within(user, READ_ROLES)
        if incoming and _offered_to_any(user, incoming):
            condition |= Q(transfer_to_id__in=incoming)
        supervised = supervised_departments(memberships)
        if supervised:
            # The second term repeats what the first implies, so the partial index of supervised
            # cases serves it (a bureau's capped count: 365 → 12 ms at 5 M cases, cold).
            condition |= Q(supervising_departments__overlap=supervised) & ~Q(
                supervising_departments=[]
            )
        return condition

    def counts_beyond(self, user, agency_ids: list[int], counter) -> Counter:
        """Count by status what ``restrict_extra`` grants ``user`` outside ``agency_ids``
        (for ``agencies.counts``): supervised cases from the counters' ``status:department``
        keys, offered cases (few) live."""
        supervised = supervised_departments(memberships_of(user))
        totals = Counter()
        beyond = self.exclude(agency_id__in=agency_ids)
        if len(supervised) == 1:
            keys = counter.objects.exclude(agency_id__in=agency_ids).filter(
                key__endswith=f":{supervised[0]}"
            )
            for key, n in keys.values_list("key").annotate(Sum("n")).order_by():
                totals[key.split(":")[0]] += n
        elif supervised:  # both bureaus (no such user yet): a case of both specialties once
            both = beyond.filter(supervising_departments__overlap=supervised)
            totals.update(dict(both.values_list("status").annotate(Count("pk")).order_by()))
        incoming = agency_ids_within(user, READ_ROLES)
        if incoming and _offered_to_any(user, incoming):
            offered = beyond.filter(transfer_to_id__in=incoming)
            if supervised:
                offered = offered.exclude(supervising_departments__overlap=supervised)
            totals.update(dict(offered.values_list("status").annotate(Count("pk")).order_by()))
        return totals


class Case(ChoiceLabels, models.Model):
    """An investigated matter owned by one agency; its decision places it in a month's 附件1."""

    class Source(models.TextChoices):
        SELF_INSPECTION = "self_inspection", _("自查自纠")
        COMPARISON = "comparison", _("比对排查")
        COMPLAINT = "complaint", _("投诉举报")
        SPOT_CHECK = "spot_check", _("抽查")
        OTHER = "other", _("其他")

    class Violation(models.TextChoices):
        UNIT_MISMATCH = "unit_mismatch", _("注册单位与实际工作单位不符")
        CERTIFICATE_TRADING = "certificate_trading", _("买卖租借证书")
        FALSE_JOB_INFO = "false_job_info", _("提供虚假就业信息")
        BROKERING = "brokering", _("以职业介绍为名提供挂证信息服务")
        CERTIFICATE_WITHHOLDING = "certificate_withholding", _("扣押证书")
        ABSENT_FROM_POST = "absent_from_post", _("项目主要管理技术人员不到岗履职")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已登记")
        INVESTIGATING = "investigating", _("调查中")
        DECIDED = "decided", _("已作出处理决定")
        CLOSED = "closed", _("已结案")

    # The campaign bounds the opening date (``campaigns.services`` reads this name).
    CAMPAIGN_DAY = "opened_on"

    reference = models.CharField(_("案件编号"), max_length=40, unique=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("专项整治"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("承办机构"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    source = models.CharField(_("案件来源"), max_length=20, choices=Source.choices)
    violations = ArrayField(
        models.CharField(max_length=32, choices=Violation.choices),
        verbose_name=_("违法违规行为"),
    )
    opened_on = models.DateField(_("立案日期"))
    summary = models.TextField(_("基本案情"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    certificate_user_unit = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("买卖租借证书单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hr_agency = models.ForeignKey(
        "cases.Unit",
        verbose_name=_("人力资源服务机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_to = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("移交至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        help_text=_("待接收的移交；接收或退回后清空。"),
    )
    transfer_reason = models.TextField(_("移交理由"), blank=True)
    related = models.ManyToManyField(
        "self",
        verbose_name=_("关联案件"),
        through="cases.CaseLink",
        symmetrical=False,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # A copy of decision.decided_on kept by case_decide/case_reopen, so the month filter and the
    # visibility scope meet in one index instead of probing every decided case's decision.
    decided_on = models.DateField(_("处理决定日期"), null=True, blank=True, editable=False)
    # The supervising bureaus (铁路, 民航) whose specialty a party's certificate is of, as
    # department ids; kept by triggers on the parties (cases.supervision), read by restrict().
    supervising_departments = ArrayField(
        models.BigIntegerField(), default=list, blank=True, editable=False
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        indexes = [
            models.Index(fields=["agency", "-opened_on", "-id"], name="case_agency_opened"),
            # The list's default order: a wide scope (a province) walks it and stops at a page.
            models.Index(fields=["-opened_on", "-id"], name="case_opened"),
            models.Index(fields=["agency", "decided_on"], name="case_agency_decided"),
            # A month's decisions (the list's month filter, its count) read from the index
            # alone: at a province's scale, 45 ms of heap visits per count otherwise.
            models.Index(
                fields=["decided_on"],
                include=["agency", "status", "opened_on", "id"],
                name="case_decided_cover",
            ),
            models.Index(fields=["status"], name="case_status"),
            GinIndex(fields=["violations"], name="case_violations"),
            # The supervising bureaus' cases (~5 %): restrict() names the predicate.
            GinIndex(
                fields=["supervising_departments"],
                condition=~Q(supervising_departments=[]),
                name="case_supervised",
            ),
        ]
        constraints = [
            # case_decide refuses a decision before the opening; the month filter relies on it.
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("opened_on")),
                name="case_decided_after_opened",
            ),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        """Save, never writing ``supervising_departments``: the parties' triggers own it
        (``cases.supervision``), and a case read before its parties changed holds a stale copy."""
        stored = not self._state.adding and not kwargs.get("force_insert")
        if stored and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "supervising_departments"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])


class CaseParty(models.Model):
    """A professional involved in a case, with the certificate concerned and both units."""

    case = models.ForeignKey(
        Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="parties"
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("专业技术人员"),
        on_delete=models.PROTECT,
        related_name="case_parties",
    )
    # The name as this case's agency recorded it. The person row is shared by every department
    # (one per document number) and keeps the name first registered; a clerk who cannot see
    # that person's other cases must not learn that name, nor whether theirs matches it.
    name = models.CharField(_("姓名"), max_length=50)
    certificate = models.ForeignKey(
        "cases.Certificate",
        verbose_name=_("涉及证书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_parties",
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
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        ordering = ["case", "position", "id"]
        verbose_name = _("涉案人员")
        verbose_name_plural = _("涉案人员")
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_party_unique_person"),
        ]

    def __str__(self):
        return f"{self.case} · {self.name}"


class CaseLink(ChoiceLabels, models.Model):
    """A link between two cases: a shared person or unit found on entry, or a manual join."""

    class Kind(models.TextChoices):
        SAME_PERSON = "same_person", _("涉及同一人员")
        SAME_CERTIFICATE = "same_certificate", _("涉及同一证书")
        SAME_UNIT = "same_unit", _("涉及同一单位")
        JOINED = "joined", _("并案/关联")

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关联类型"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("关联时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("案件关联")
        verbose_name_plural = _("案件关联")
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case", "kind"], name="case_link_unique"
            ),
        ]

    def __str__(self):
        return f"{self.from_case} → {self.to_case}（{self.get_kind_display()}）"


class CaseSequence(AgencyYearSequence):
    """The last reference number issued per agency and year (ZJ-510104-2019-0007)."""

    class Meta:
        verbose_name = _("案件编号序列")
        verbose_name_plural = _("案件编号序列")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="case_sequence_unique")
        ]


class CaseCount(AgencyCount):
    """Cases per agency and status, kept by triggers (``agencies.counts``) for the dashboards."""

    class Meta:
        verbose_name = _("案件数（按机构、状态）")
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["agency", "key"], name="case_count_agency_key")]
