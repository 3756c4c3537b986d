"""Background jobs: a long operation's state, progress and result, readable by pages and the API."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet
from core.choices import ChoiceLabels


class JobQuerySet(RestrictedQuerySet):
    """Jobs of the agencies a user may see, and always the user's own."""

    agency_lookup = "agency"

    def restrict_extra(self, user, action: str, memberships: list) -> Q | None:
        """Return the user's own jobs: a job without an agency is its owner's alone."""
        return Q(owner=user)


class Job(ChoiceLabels, models.Model):
    """One run of a long operation (an import, a comparison, an export) on a Celery worker.

    The row, not Celery's result backend, is the truth: pages and the API read it through the
    visibility rule, and it survives restarts of the worker and the broker.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    FINISHED = (State.SUCCEEDED, State.FAILED, State.CANCELLED)

    kind = models.CharField(_("类型"), max_length=50)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("已完成数"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("进度说明"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The uploaded input waits in MEDIA_ROOT/jobs/ (never served) and is deleted when the job ends.
    input_name = models.CharField(_("文件名"), max_length=255, blank=True)
    input_path = models.CharField(max_length=80, blank=True, editable=False)
    input_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="jobs_state_heartbeat"),
            models.Index(fields=["owner", "kind"], name="jobs_owner_kind"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def percent(self) -> int:
        """Return the progress in whole percent (100 once succeeded, 0 while unknown)."""
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)
