"""Checking an uploaded evidence file: its size, its real type, its name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from cases.validation.base import Errors, clean_text

# Office formats, PDF and images, as detected from the content (never from the file name).
EVIDENCE_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/gif",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class FileInput:
    mime: str
    sha256: str
    description: str
    name: str  # the uploader's name with the extension of the detected type


UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def evidence_name(uploaded_name: str, extension: str) -> str:
    """Return the name a file is kept and served under: the uploader's stem, the real extension.

    ``证明.exe`` holding a PDF becomes ``证明.pdf``: the extension tells a downloader's
    computer how to open it, so it must be the one the content has.
    """
    base = UNSAFE_IN_NAMES.sub("_", (uploaded_name or "").replace("\\", "/").split("/")[-1])
    stem = base.rsplit(".", 1)[0].strip(" ._") if "." in base else base.strip(" ._")
    return f"{(stem or '证据材料')[:200]}.{extension}"


def clean_evidence(uploaded_file, description: str) -> FileInput:
    """Check an upload's size and real type (from its content) and hash it; raise on refusal."""
    errors = Errors()
    if uploaded_file is None:
        errors.add("file", _("请选择文件。"))
        errors.raise_if_any()
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded_file.size > limit:
        errors.add("file", _("文件不能超过%(mb)sMB。") % {"mb": f"{limit / 1024 / 1024:g}"})
        errors.raise_if_any()
    uploaded_file.seek(0)
    kind = filetype.guess(uploaded_file.read(8192))
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        errors.add(
            "file", _("只接受 PDF、JPG、PNG、GIF 图片和 Word、Excel 文档（按文件内容识别）。")
        )
    description = clean_text(description, "description", errors, limit=200)
    errors.raise_if_any()
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    name = evidence_name(getattr(uploaded_file, "name", ""), kind.extension)
    return FileInput(kind.mime, digest.hexdigest(), description, name)
