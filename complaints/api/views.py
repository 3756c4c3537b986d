"""The complaint register's API: the public front door (no login) and the staff's register."""

import re

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import permissions
from complaints import selectors, services
from complaints.api.serializers import (
    ComplaintDetailSerializer,
    ComplaintListSerializer,
    ComplaintWriteSerializer,
    ErrorSerializer,
    PublicComplaintSerializer,
    PublicReceiptSerializer,
    PublicStatusSerializer,
    ReplySerializer,
    WaiveSerializer,
)
from complaints.labels import public_field_label, public_message
from complaints.limits import STATUS, SUBMIT, body_limit, public_limit
from complaints.models import Complaint
from core.api import CappedPagination
from core.errors import DomainError, NotFoundError
from core.parsers import ObjectJSONParser
from leads.api.views import intake_agency, valid
from leads.models import Lead
from leads.selectors import lead_get, lead_list, lead_search

RECEIPT = re.compile(r"^[A-Za-z0-9-]{1,40}$")
NOT_FOUND = gettext_lazy("未找到，请核对受理编号和查询码。")


def _errors(*codes: int) -> dict:
    return {code: OpenApiResponse(ErrorSerializer) for code in codes}


class PublicComplaintCreateView(APIView):
    """File a complaint without logging in (rate limited per client address)."""

    authentication_classes = []  # no session, hence no CSRF check on an anonymous JSON POST
    permission_classes = [AllowAny]
    parser_classes = [ObjectJSONParser]
    field_label = staticmethod(public_field_label)  # names fields in error messages (core.api)

    @extend_schema(
        operation_id="public_complaints_create",
        tags=["public"],
        request=PublicComplaintSerializer,
        responses={201: PublicReceiptSerializer, **_errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        body_limit(request, with_files=False)
        public_limit(request, SUBMIT)
        data = valid(PublicComplaintSerializer, request)
        try:
            complaint, code = services.complaint_submit_public(**data)
        except DomainError as exc:
            if exc.fields:  # the service names fields as staff do; say it in the public's words
                exc.message = public_message(exc.fields)
            raise
        body = {"receipt": complaint.receipt, "query_code": code}
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class PublicComplaintStatusView(APIView):
    """The state and published reply of a complaint, for whoever holds its receipt and code."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="public_complaints_status",
        tags=["public"],
        parameters=[OpenApiParameter("code", str, required=True, description="查询码")],
        responses={200: PublicStatusSerializer, **_errors(404, 429)},
        auth=[],
    )
    def get(self, request, receipt: str):
        public_limit(request, STATUS)
        # A receipt that cannot be one is looked up as "" so it answers (and takes) the same.
        found = selectors.complaint_public_status(
            receipt=receipt if RECEIPT.match(receipt) else "",
            code=request.query_params.get("code", "")[:64],
        )
        if found is None:
            raise NotFoundError(str(NOT_FOUND))
        body = {"receipt": found.receipt, "state": found.state, "reply": found.reply or None}
        return Response(body, headers={"Cache-Control": "no-store"})


class ComplaintFilterSet(django_filters.FilterSet):
    """The lead list's filters, through each complaint's lead."""

    source = django_filters.ChoiceFilter(
        label=gettext_lazy("线索来源"), choices=Lead.Source.choices, field_name="lead__source"
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=Lead.State.choices, field_name="lead__state"
    )
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("办理结果"), choices=Lead.Outcome.choices, field_name="lead__outcome"
    )
    agency = django_filters.NumberFilter(
        label=gettext_lazy("承办机构 ID"), field_name="lead__agency_id"
    )
    q = django_filters.CharFilter(
        label=gettext_lazy("搜索"),
        method="filter_text",
        help_text=gettext_lazy("受理编号、线索编号、姓名、单位"),
    )

    class Meta:
        model = Complaint
        fields = ["source", "state", "outcome", "agency"]

    def filter_text(self, queryset, name, value):
        leads = lead_search(lead_list(user=self.request.user), user=self.request.user, q=value)
        return queryset.filter(lead__in=leads.values("pk"))


class ComplaintViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Complaints visible to the caller; whoever complained only for the handling agency."""

    filterset_class = ComplaintFilterSet
    pagination_class = CappedPagination  # a province reads hundreds of thousands
    serializer_class = ComplaintListSerializer
    queryset = Complaint.objects.none()  # for the schema; get_queryset restricts
    lookup_url_kwarg = "id"  # the complaint's key is its lead's id: /complaints/{id}/ as leads

    def get_queryset(self):
        if self.action == "list":
            return selectors.complaint_list_rows(user=self.request.user)
        return selectors.complaint_list(user=self.request.user)

    def get_object(self):
        return selectors.complaint_get(user=self.request.user, pk=self.kwargs["id"])

    def _detail(self, complaint, *, status_code=status.HTTP_200_OK, extra=None) -> Response:
        user = self.request.user
        complaint = selectors.complaint_get(user=user, pk=complaint.pk)
        complaint.lead = lead_get(user=user, pk=complaint.pk)
        context = {
            "request": self.request,
            "full_id": permissions.user_can_unmask_lead(user=user, lead=complaint.lead),
        }
        body = ComplaintDetailSerializer(complaint, context=context).data
        return Response({**body, **(extra or {})}, status=status_code)

    @extend_schema(responses=ComplaintDetailSerializer)
    def retrieve(self, request, id=None):
        return self._detail(self.get_object())

    @extend_schema(request=ComplaintWriteSerializer, responses={201: ComplaintDetailSerializer})
    def create(self, request):
        data = valid(ComplaintWriteSerializer, request)
        agency = intake_agency(request.user, data.pop("agency", None), what=_("投诉举报"))
        complaint, code = services.complaint_register(actor=request.user, agency=agency, **data)
        extra = {"query_code": code}  # shown once, to be told to the caller
        if not selectors.complaint_list(user=request.user).filter(pk=complaint.pk).exists():
            body = {"id": complaint.pk, "receipt": complaint.receipt, **extra}
            return Response(body, status=status.HTTP_201_CREATED)
        return self._detail(complaint, status_code=status.HTTP_201_CREATED, extra=extra)

    @extend_schema(request=ReplySerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, id=None):
        complaint = self.get_object()
        services.complaint_reply(
            actor=request.user, complaint=complaint, **valid(ReplySerializer, request)
        )
        return self._detail(complaint)

    @extend_schema(request=WaiveSerializer, responses=ComplaintDetailSerializer)
    @action(detail=True, methods=["post"], url_path="waive-reply")
    def waive_reply(self, request, id=None):
        complaint = self.get_object()
        data = valid(WaiveSerializer, request)
        services.complaint_waive_reply(actor=request.user, complaint=complaint, **data)
        return self._detail(complaint)
