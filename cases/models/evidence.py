"""Files attached to a case as evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet


class EvidenceQuerySet(RestrictedQuerySet):
    agency_lookup = "case__agency"

    def restrict_extra(self, user, action, memberships):
        """Follow the case's own rule exactly, e.g. the receiving agency of a pending transfer."""
        from cases.models.case import Case

        return Q(case__in=Case.objects.restrict(user, action).values("pk"))


def evidence_path(instance, filename: str) -> str:
    """Store under the content hash and the extension of the detected type, never under the
    uploader's file name (a PDF named 证明.exe is stored as …/<sha256>.pdf)."""
    extension = instance.original_name.rsplit(".", 1)[-1] if "." in instance.original_name else ""
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}" + (
        f".{extension}" if extension else ""
    )


class Evidence(models.Model):
    """A file (PDF, image, Office document) attached to a case, with its SHA-256."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")

    def __str__(self):
        return self.original_name
