"""API plumbing shared by every app: pagination and the single error shape."""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.paginator import COUNT_CAP, IdFirstPaginator

# The one mapping from a domain error's code to the API's status (see core.errors).
HTTP_STATUS = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
    "conflict": status.HTTP_409_CONFLICT,
    "rate_limited": status.HTTP_429_TOO_MANY_REQUESTS,
}


class Pagination(pagination.PageNumberPagination):
    """Page-numbered lists, 50 a page by default, up to 200 with ``page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 200


class CappedPagination(Pagination):
    """Pages of a large list: ids first, rows after; ``count`` exact up to a cap.

    ``count_capped`` is True when more than ``count`` rows match; ``next`` still leads on.
    """

    django_paginator_class = IdFirstPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_capped"] = self.page.paginator.count_capped
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when more than count (capped at {COUNT_CAP}) rows match.",
        }
        return schema


def _flatten(detail):
    """Turn DRF's nested error detail into plain strings, keeping the structure."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _first_error(detail, path: str = "") -> tuple[str, str] | None:
    """Return (field path, message) of the first error in DRF's nested detail.

    ``{"persons": {"0": {"name": ["…"]}}}`` gives ``("persons[0].name", "…")``, the path shape
    the services use.
    """
    if isinstance(detail, str):
        return path, detail
    items = []
    if isinstance(detail, dict):
        items = [(str(k), v) for k, v in detail.items()]
    elif isinstance(detail, list):
        items = [(str(i) if isinstance(v, dict | list) else "", v) for i, v in enumerate(detail)]
    for key, value in items:
        if not key:
            sub = path
        elif key.isdigit():
            sub = f"{path}[{key}]"
        else:
            sub = f"{path}.{key}" if path else key
        found = _first_error(value, sub)
        if found is not None:
            return found
    return None


def field_label(path: str, view=None) -> str:
    """Return the Chinese name of a field path for a message: the view's labels, else the model's.

    A view may offer ``field_label(path)`` (the case register's handles ``persons[0].id_number``);
    otherwise the leading name is looked up as a field of the view's model; else it stays as is.
    """
    labeler = getattr(view, "field_label", None)
    if callable(labeler):
        label = labeler(path)
        if label and label != path:
            return str(label)
    model = getattr(getattr(view, "queryset", None), "model", None)
    if model is None:
        serializer_class = getattr(view, "serializer_class", None)
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    name = path.split(".")[0].split("[")[0]
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return path
        # A reverse relation (a lead's "persons") has no verbose_name: name it by its model.
        label = getattr(field, "verbose_name", None) or field.related_model._meta.verbose_name
        return str(label)
    return path


def _message(fields, view) -> str:
    first = _first_error(fields)
    if first is None:
        return _("提交的数据有误，请检查标注的字段。")
    path, text = first
    if not path or path == "non_field_errors":
        return text
    return f"{field_label(path, view)}：{text}"


def exception_handler(exc, context):
    """Answer every error as ``{"message": …, "extra": {"fields": …}}``."""
    view = context.get("view")
    if isinstance(exc, DomainError):
        return Response(
            {"message": exc.message, "extra": {"fields": exc.fields}},
            status=HTTP_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST),
        )
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = (
            _message(fields, view) if fields else "；".join(exc.messages) or _("提交的数据有误。")
        )
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
            message = _message(fields, view)
        else:
            fields, message = {"non_field_errors": fields}, "；".join(map(str, fields))
        response.data = {"message": message, "extra": {"fields": fields}}
    else:
        detail = getattr(exc, "detail", "")
        response.data = {"message": str(detail), "extra": {}}
    return response
