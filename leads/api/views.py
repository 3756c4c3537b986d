"""The lead register's API: reads through the selectors, every state change an explicit action."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from agencies import permissions
from agencies.models import Agency
from agencies.selectors import agency_directory
from cases.models import Case
from core.api import CappedPagination
from core.errors import DomainError, PermissionDeniedError
from core.parsers import ObjectJSONParser
from leads import selectors, services
from leads.api.serializers import (
    AssignSerializer,
    CloseSerializer,
    FileUploadSerializer,
    LeadAttachmentSerializer,
    LeadDetailSerializer,
    LeadListSerializer,
    LeadReasonSerializer,
    LeadWriteSerializer,
)
from leads.filters import LeadFilterSet
from leads.models import Lead

# What the ``case`` object of a ``case_opened`` close may override of the prefilled case.
CASE_FIELDS = frozenset(
    {
        "source",
        "violations",
        "opened_on",
        "summary",
        "persons",
        "certificate_user_unit",
        "hr_agency",
        "campaign",
    }
)


def valid(serializer_class, request) -> dict:
    """Return the request body coerced by ``serializer_class`` (400 when it does not fit)."""
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


def intake_agency(user, agency_id, *, what: str) -> Agency | None:
    """Return the registering agency named, or the caller's only writable one."""
    if agency_id is not None:
        return Agency.objects.select_related("department", "region").filter(pk=agency_id).first()
    writable = permissions.agencies_where(user, permissions.WRITE_ROLES)
    if len(writable) == 1:
        return writable[0]
    if not writable:
        raise PermissionDeniedError(_("您没有登记%(what)s的权限。") % {"what": what})
    message = _("您在多个机构任职，请选择登记机构。")
    raise DomainError(_("登记机构：") + message, fields={"agency": [message]})


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


class LeadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Leads visible to the caller; another jurisdiction's lead answers 404."""

    filterset_class = LeadFilterSet
    pagination_class = CappedPagination  # a province reads hundreds of thousands
    serializer_class = LeadListSerializer
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]
    queryset = Lead.objects.none()  # for the schema; get_queryset restricts

    def get_queryset(self):
        if self.action == "list":
            return selectors.lead_list_rows(user=self.request.user)
        return selectors.lead_list(user=self.request.user)

    def get_object(self):
        return selectors.lead_get(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, lead, *, status_code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        lead = selectors.lead_get(user=user, pk=lead.pk)
        context = {
            "request": self.request,
            "full_id": permissions.user_can_unmask_lead(user=user, lead=lead),
        }
        return Response(LeadDetailSerializer(lead, context=context).data, status=status_code)

    @extend_schema(responses=LeadDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(request=LeadWriteSerializer, responses={201: LeadDetailSerializer})
    def create(self, request):
        data = valid(LeadWriteSerializer, request)
        agency = intake_agency(request.user, data.pop("agency", None), what=_("线索"))
        lead = services.lead_register(actor=request.user, agency=agency, **data)
        if not selectors.lead_list(user=request.user).filter(pk=lead.pk).exists():
            # Routed to an agency outside the caller's view: say where, show no more.
            body = {"id": lead.pk, "reference": lead.reference, "agency": lead.agency.name}
            return Response(body, status=status.HTTP_201_CREATED)
        return self._detail(lead, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        lead = self.get_object()
        data = valid(AssignSerializer, request)
        target = agency_directory().filter(pk=data["agency"]).first()
        services.lead_assign(actor=request.user, lead=lead, to_agency=target, reason=data["reason"])
        return self._after_routing(lead)

    @extend_schema(request=None, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        lead = services.lead_accept(actor=request.user, lead=self.get_object())
        return self._detail(lead)

    @extend_schema(request=LeadReasonSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        lead = self.get_object()
        services.lead_reject(actor=request.user, lead=lead, **valid(LeadReasonSerializer, request))
        return self._after_routing(lead)

    def _after_routing(self, lead) -> Response:
        """Answer a lead just sent elsewhere: in full if still visible, else what was seen."""
        if selectors.lead_list(user=self.request.user).filter(pk=lead.pk).exists():
            return self._detail(lead)
        fresh = Lead.objects.select_related("agency").get(pk=lead.pk)
        return Response(
            {
                "id": fresh.pk,
                "reference": fresh.reference,
                "state": fresh.state,
                "agency": fresh.agency.name,
            }
        )

    @extend_schema(request=CloseSerializer, responses=LeadDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        lead = self.get_object()
        data = valid(CloseSerializer, request)
        outcome, case = data.pop("outcome"), data.pop("case")
        duplicate = selectors.lead_list(user=request.user).filter(pk=data.pop("duplicate_of"))
        if outcome == Lead.Outcome.CASE_OPENED:
            given = case if isinstance(case, dict) else {}
            fields = {k: v for k, v in given.items() if k in CASE_FIELDS}
            lead = services.lead_open_case(
                actor=request.user, lead=lead, reason=data["reason"], **fields
            )
        else:
            lead = services.lead_close(
                actor=request.user,
                lead=lead,
                outcome=outcome,
                case=Case.objects.filter(pk=_pk(case)).first() if _pk(case) else None,
                duplicate_of=duplicate.first(),
                **data,
            )
        return self._detail(lead)

    @extend_schema(request=FileUploadSerializer, responses={201: LeadAttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def files(self, request, pk=None):
        lead = self.get_object()
        data = valid(FileUploadSerializer, request)
        attachment = services.lead_add_file(
            actor=request.user,
            lead=lead,
            uploaded_file=data["file"],
            description=data["description"],
        )
        return Response(LeadAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
