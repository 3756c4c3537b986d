"""The case register's API: reads through the selectors, every state change an explicit action."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from agencies import permissions
from agencies.models import Agency
from agencies.selectors import agency_directory
from cases import labels, selectors, services
from cases.api.serializers import (
    CaseDetailSerializer,
    CaseListSerializer,
    CaseWriteSerializer,
    DecideSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    JoinSerializer,
    PersonPickSerializer,
    ReasonSerializer,
    TransferSerializer,
    UnitSerializer,
)
from cases.filters import CaseFilterSet
from cases.models import Evidence
from core.api import CappedPagination
from core.errors import DomainError, PermissionDeniedError
from core.http import stored_file_response
from core.parsers import ObjectJSONParser


def _valid(serializer_class, request, *, partial: bool = False) -> dict:
    payload = serializer_class(data=request.data, partial=partial)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases visible to the caller; another jurisdiction's case answers 404."""

    filterset_class = CaseFilterSet
    pagination_class = CappedPagination  # a province sees ~450,000 cases
    field_label = staticmethod(labels.field_label)  # names fields in error messages (core.api)
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [ObjectJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action == "list":
            return selectors.case_list_rows(user=self.request.user)
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            selectors.with_list_parties(page)
        return page

    def get_object(self):
        case = selectors.case_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, case)
        return case

    def _detail(self, case, *, status_code=status.HTTP_200_OK) -> Response:
        case = selectors.case_get(user=self.request.user, pk=case.pk)
        user = self.request.user
        context = {
            "request": self.request,
            "full_id": permissions.user_can_unmask_case(user=user, case=case),
            "can_change": permissions.user_can_change_case(user=user, case=case),
            "links": selectors.case_links(case=case, user=user),
        }
        return Response(CaseDetailSerializer(case, context=context).data, status=status_code)

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    def _agency_for_create(self, agency_id) -> Agency | None:
        if agency_id is not None:
            return (
                Agency.objects.select_related("department", "region").filter(pk=agency_id).first()
            )
        writable = permissions.agencies_where(self.request.user, permissions.WRITE_ROLES)
        if len(writable) == 1:
            return writable[0]
        if not writable:
            raise PermissionDeniedError(_("您没有登记案件的权限。"))
        message = _("您在多个机构任职，请选择承办机构。")
        raise DomainError(_("承办机构：") + message, fields={"agency": [message]})

    @extend_schema(request=CaseWriteSerializer, responses={201: dict})
    def create(self, request):
        data = dict(_valid(CaseWriteSerializer, request))
        agency = self._agency_for_create(data.pop("agency", None))
        case = services.case_create(actor=request.user, agency=agency, **data)
        return Response(
            {
                "id": case.pk,
                "reference": case.reference,
                "status": case.status,
                "duplicate_notices": selectors.case_duplicate_notices(case=case, user=request.user),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=CaseWriteSerializer, responses=CaseDetailSerializer)
    def partial_update(self, request, pk=None):
        case = self.get_object()
        data = dict(_valid(CaseWriteSerializer, request, partial=True))
        if "agency" in data:
            message = _("承办机构不能直接修改，请使用移交。")
            raise DomainError(message, fields={"agency": [message]})
        case = services.case_update(actor=request.user, case=case, **data)
        return self._detail(case)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        case = services.case_start_investigation(actor=request.user, case=self.get_object())
        return self._detail(case)

    @extend_schema(request=DecideSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        case = self.get_object()
        services.case_decide(actor=request.user, case=case, **_valid(DecideSerializer, request))
        return self._detail(case)

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        services.case_close(actor=request.user, case=case, **_valid(ReasonSerializer, request))
        return self._detail(case)

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        case = self.get_object()
        services.case_reopen(actor=request.user, case=case, **_valid(ReasonSerializer, request))
        return self._detail(case)

    @extend_schema(request=TransferSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        case = self.get_object()
        data = _valid(TransferSerializer, request)
        to_agency = agency_directory().filter(pk=data["to_agency"]).first()
        services.case_transfer(
            actor=request.user, case=case, to_agency=to_agency, reason=data["reason"]
        )
        return self._detail(case)

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="cancel-transfer")
    def cancel_transfer(self, request, pk=None):
        case = self.get_object()
        data = _valid(ReasonSerializer, request)
        services.case_transfer_cancel(actor=request.user, case=case, **data)
        return self._detail(case)

    @extend_schema(request=None, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="accept-transfer")
    def accept_transfer(self, request, pk=None):
        case = services.case_transfer_accept(actor=request.user, case=self.get_object())
        return self._detail(case)

    @extend_schema(request=ReasonSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reject-transfer")
    def reject_transfer(self, request, pk=None):
        case = self.get_object()
        data = _valid(ReasonSerializer, request)
        services.case_transfer_reject(actor=request.user, case=case, **data)
        # The refused case goes back out of the caller's scope: answer with what they already saw.
        return Response({"id": case.pk, "reference": case.reference, "status": case.status})

    @extend_schema(request=JoinSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        case = self.get_object()
        other_id = _valid(JoinSerializer, request)["other"]
        other = selectors.case_list(user=request.user).filter(pk=other_id).first()
        services.case_join(actor=request.user, case=case, other=other)
        return self._detail(case)

    @extend_schema(responses=dict)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        case = self.get_object()
        events = selectors.case_timeline(case=case, user=request.user)
        return Response(events)

    @extend_schema(request=EvidenceUploadSerializer, responses=EvidenceSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def evidence(self, request, pk=None):
        case = self.get_object()
        if request.method == "POST":
            data = _valid(EvidenceUploadSerializer, request)
            evidence = services.evidence_add(
                actor=request.user,
                case=case,
                uploaded_file=data["file"],
                description=data["description"],
            )
            return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
        return Response(EvidenceSerializer(selectors.evidence_list(case=case), many=True).data)


class EvidenceViewSet(viewsets.GenericViewSet):
    """Evidence files, downloadable only by those who may see their case."""

    serializer_class = EvidenceSerializer

    def get_queryset(self):
        return Evidence.objects.none()  # every lookup goes through selectors.evidence_get

    def retrieve(self, request, pk=None):
        return Response(EvidenceSerializer(selectors.evidence_get(user=request.user, pk=pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return stored_file_response(selectors.evidence_get(user=request.user, pk=pk))


class PersonViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Persons of cases the caller may see, for pickers (``?q=`` name or document number)."""

    serializer_class = PersonPickSerializer
    pagination_class = None

    def get_queryset(self):
        q = self.request.GET.get("q", "")
        if selectors.looks_like_number(q):
            services.id_lookup_record(user=self.request.user, query=q, source="persons")
        return selectors.person_search(user=self.request.user, q=q)


class UnitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Units (shared reference data) for pickers (``?q=`` name or credit code)."""

    serializer_class = UnitSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.unit_search(user=self.request.user, q=self.request.GET.get("q", ""))
