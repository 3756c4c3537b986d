"""API plumbing shared by every app: pagination and the single error shape."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


class Pagination(pagination.PageNumberPagination):
    """Page-numbered lists, 50 a page by default, up to 200 with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 200


def _flatten(detail):
    """Turn DRF's nested error detail into plain strings, keeping the structure."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def exception_handler(exc, context):
    """Answer every error as ``{"message": …, "extra": {"fields": …}}``."""
    if isinstance(exc, DomainError):
        return Response(
            {"message": exc.message, "extra": {"fields": exc.fields}}, status=exc.status_code
        )
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "；".join(exc.messages) or _("提交的数据有误。")
        return Response(
            {"message": message, "extra": {"fields": fields}}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, dict):
            first = next(iter(fields.items()), None)
            message = _("提交的数据有误，请检查标注的字段。")
            if first:
                key, value = first
                text = value[0] if isinstance(value, list) and value else value
                if isinstance(text, str):
                    message = f"{key}：{text}" if key != "non_field_errors" else text
        else:
            fields, message = {"non_field_errors": fields}, "；".join(map(str, fields))
        response.data = {"message": message, "extra": {"fields": fields}}
    else:
        detail = getattr(exc, "detail", "")
        response.data = {"message": str(detail), "extra": {}}
    return response
