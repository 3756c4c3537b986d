"""The declarations' API: reads through the selectors, registration through the service."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from agencies import permissions
from agencies.models import Agency
from core.api import CappedPagination
from core.errors import DomainError, PermissionDeniedError
from core.parsers import ObjectJSONParser
from declarations import selectors, services
from declarations.api.serializers import (
    DeclarationDetailSerializer,
    DeclarationListSerializer,
    DeclarationWriteSerializer,
)


class DeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Declarations visible to the caller; another jurisdiction's answers 404.

    ``?campaign=sc-2019`` chooses the campaign (all campaigns without it); ``?q=`` searches by
    reference, unit, name or certificate number (a document number only where shown in full).
    """

    pagination_class = CappedPagination
    http_method_names = ["get", "post", "head", "options"]
    parser_classes = [ObjectJSONParser]

    def get_queryset(self):
        from campaigns.selectors import campaign_get

        code = self.request.query_params.get("campaign")
        campaign = campaign_get(code) if code else None
        queryset = selectors.declaration_list(user=self.request.user, campaign=campaign)
        return selectors.declaration_search(
            queryset, user=self.request.user, q=self.request.query_params.get("q", "")
        )

    def get_serializer_class(self):
        return DeclarationListSerializer if self.action == "list" else DeclarationDetailSerializer

    def _detail(self, pk, *, status_code=status.HTTP_200_OK) -> Response:
        declaration = selectors.declaration_get(user=self.request.user, pk=pk)
        full = permissions.user_can_unmask_declaration(
            user=self.request.user, declaration=declaration
        )
        data = DeclarationDetailSerializer(declaration, context={"full_id": full}).data
        return Response(data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(pk)

    def _agency(self, agency_id) -> Agency | None:
        if agency_id is not None:
            return (
                Agency.objects.select_related("department", "region").filter(pk=agency_id).first()
            )
        writable = permissions.agencies_where(self.request.user, permissions.WRITE_ROLES)
        if len(writable) == 1:
            return writable[0]
        if not writable:
            raise PermissionDeniedError(_("您没有登记申报的权限。"))
        message = _("您在多个机构任职，请选择受理机构。")
        raise DomainError(_("受理机构：") + message, fields={"agency": [message]})

    @extend_schema(request=DeclarationWriteSerializer, responses={201: DeclarationDetailSerializer})
    def create(self, request):
        payload = DeclarationWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        agency = self._agency(data.pop("agency", None))
        declaration = services.declaration_create(actor=request.user, agency=agency, **data)
        return self._detail(declaration.pk, status_code=status.HTTP_201_CREATED)
