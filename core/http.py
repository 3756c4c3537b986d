"""HTTP answers shared by the apps' pages and API."""

from urllib.parse import quote

from django.http import HttpResponse

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
