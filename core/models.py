"""The few tables the bottom layer keeps (rate-limit counters shared by every worker) and the
abstract shapes several registers share: an uploaded file's record, a reference counter."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Hits of one key (an action and a hashed client address) in one fixed time window."""

    key = models.CharField(max_length=100)
    window = models.BigIntegerField(help_text="the window's start, in seconds since the epoch")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="rate_counter_unique")
        ]
        indexes = [models.Index(fields=["window"], name="rate_counter_window")]

    def __str__(self):
        return f"{self.key}@{self.window}: {self.hits}"


class StoredFile(models.Model):
    """What every register keeps of an uploaded file besides the file and who uploaded it.

    Evidence, declarations', leads' and summaries' attachments: the name it is served under (with
    the extension of its real type), the detected type, size, content hash and a note.
    """

    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def content_addressed_path(folder: str, instance: StoredFile) -> str:
    """Return ``folder/ab/abcdef….ext``: the content hash and the detected type's extension."""
    name = instance.original_name
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return f"{folder}/{instance.sha256[:2]}/{instance.sha256}" + (
        f".{extension}" if extension else ""
    )


class AgencyYearSequence(models.Model):
    """The last reference number issued per agency and year (``core.sequences`` increments it)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.agency_id}-{self.year}: {self.last}"
