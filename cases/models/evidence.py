"""Files attached to a case as evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.querysets import RestrictedQuerySet
from core.models import StoredFile, content_addressed_path


class EvidenceQuerySet(RestrictedQuerySet):
    agency_lookup = "case__agency"

    def restrict_extra(self, user, action, memberships):
        """Follow the case's own rule exactly, e.g. the receiving agency of a pending transfer."""
        from cases.models.case import Case

        return Q(case__in=Case.objects.restrict(user, action).values("pk"))


def evidence_path(instance, filename: str) -> str:
    """Store under the content hash and the extension of the detected type, never under the
    uploader's file name (a PDF named 证明.exe is stored as …/<sha256>.pdf)."""
    return content_addressed_path("evidence", instance)


class Evidence(StoredFile):
    """A file (PDF, image, Office document) attached to a case, with its SHA-256."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to=evidence_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["case", "uploaded_at"]
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
