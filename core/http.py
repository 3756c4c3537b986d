"""HTTP answers shared by the apps' pages and API."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """Return ``content`` as a download named ``filename`` (Chinese names kept, RFC 5987)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """Return an Excel workbook as a download."""
    return attachment(content, filename, XLSX)


def stored_file_response(stored) -> FileResponse:
    """Stream an uploaded file (evidence, a declaration's or a lead's file …) as a download.

    ``stored`` has ``file``, ``original_name`` and ``content_type``; the caller found it through
    the visibility rule. A row that outlived its file answers 404: there is nothing to send.
    """
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件不存在。")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
