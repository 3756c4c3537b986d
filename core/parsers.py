"""Request body parsers shared by every API endpoint."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class ObjectJSONParser(parsers.JSONParser):
    """Parse a JSON body that must be an object: every endpoint reads named fields.

    ``null``, a list or a string would reach views that call ``request.data.get`` (a 500), or
    serializers expecting a mapping; they are refused here once, for every endpoint.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("请求体应为 JSON 对象（{…}）。"))
        return data
