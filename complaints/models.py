"""Complaints (投诉举报): a lead with a complainant, the channel it came through and a reply owed.

The plan: 对投诉举报事项逐一登记，认真核实并查处. Each complaint is a ``leads.Lead`` (source
``complaint``) plus what only a complaint has: a receipt number a caller can be told on the
phone, the complainant (or none: anonymous), and the reply. Whoever complained is shown only to
the handling agency (``agencies.permissions.user_can_see_complainant``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels


class Complaint(ChoiceLabels, models.Model):
    """What a complaint adds to its lead: receipt, channel, complainant and the reply."""

    class Channel(models.TextChoices):
        TELEPHONE = "telephone", _("电话")
        MAILBOX = "mailbox", _("信箱或电子邮件")
        LETTER = "letter", _("来信")
        VISIT = "visit", _("来访")
        WEB = "web", _("网上投诉")
        REFERRED = "referred", _("上级或其他部门转办")

    class ReplyChannel(models.TextChoices):
        TELEPHONE = "telephone", _("电话答复")
        LETTER = "letter", _("书面答复")
        EMAIL = "email", _("电子邮件答复")
        IN_PERSON = "in_person", _("当面答复")
        ONLINE = "online", _("网上公布（凭受理编号查询）")

    lead = models.OneToOneField(
        "leads.Lead",
        verbose_name=_("线索"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="complaint",
    )
    receipt = models.CharField(_("受理编号"), max_length=20, unique=True)
    channel = models.CharField(_("投诉方式"), max_length=12, choices=Channel.choices)
    published_channel = models.ForeignKey(
        "agencies.ComplaintChannel",
        verbose_name=_("公布的投诉渠道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("受理时间"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    complainant_name = models.CharField(_("投诉人姓名"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    complainant_contact = models.CharField(_("其他联系方式"), max_length=200, blank=True)
    query_digest = models.CharField(_("查询码摘要"), max_length=64, editable=False)
    reply_due = models.DateField(_("答复期限"))
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    reply_channel = models.CharField(
        _("答复方式"), max_length=12, choices=ReplyChannel.choices, blank=True
    )
    reply_text = models.TextField(_("答复内容"), max_length=2000, blank=True)
    reply_waived_reason = models.CharField(_("不予答复的理由"), max_length=500, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(complainant_name="", complainant_phone=""),
                name="complaint_anonymous_has_no_identity",
            ),
        ]
        indexes = [models.Index(fields=["-received_at"], name="complaint_received")]

    def __str__(self):
        return self.receipt

    def get_absolute_url(self) -> str:
        return reverse("complaints:detail", args=[self.pk])

    @property
    def reply_settled(self) -> bool:
        """Whether the reply owed is recorded, or waived with a reason."""
        return self.replied_on is not None or bool(self.reply_waived_reason)

    def closing_refused(self) -> str | None:
        """Return why the lead of this complaint may not be closed yet, or None.

        ``leads.services.lead_close`` asks every lead's complaint (if it has one) this question,
        so the rule that a complaint is not closed before its reply lives with the complaint.
        """
        if self.reply_settled:
            return None
        return _t("投诉举报须先记录答复（或说明不予答复的理由）才能办结。")


class ComplaintSequence(models.Model):
    """The last receipt number issued per day (TS-20190312-0007), shared by every agency."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受理编号序列")
        verbose_name_plural = _("受理编号序列")

    def __str__(self):
        return f"{self.day}: {self.last}"
