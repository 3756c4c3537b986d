import json

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from agencies import permissions
from agencies.models import Agency
from campaigns.models import Phase
from campaigns.selectors import campaign_get, campaign_reporting
from core.http import DOCX, XLSX, attachment, xlsx_response
from reports import selectors, services
from reports.api.serializers import (
    ConsolidationSerializer,
    MonthSerializer,
    ReportCreateSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    ReturnSerializer,
    SummaryTextSerializer,
    WithdrawSerializer,
)
from reports.kinds import kind_of
from reports.models import Report


class XlsxRenderer(BaseRenderer):
    """Let ``…/annex1.xlsx`` resolve through DRF's format suffix; errors still go out as JSON."""

    media_type = XLSX
    format = "xlsx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


MONTH = OpenApiParameter("month", str, description="YYYY-MM，如 2019-03")
CAMPAIGN = OpenApiParameter("campaign", str, description="专项整治代码，如 sc-2019")


def _month(request):
    value = request.query_params.get("month")
    return services.month_of(value) if value else None


def _campaign(request, *, field: str = "campaign"):
    value = request.query_params.get(field)
    return campaign_get(value) if value else None


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly reports (附件1) visible to the caller; state changes are explicit actions."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        listing = self.action == "list"
        return selectors.report_list(
            user=self.request.user,
            month=_month(self.request) if listing else None,
            campaign=_campaign(self.request) if listing else None,
        )

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    @extend_schema(parameters=[MONTH, CAMPAIGN])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, pk=None):
        report = self.get_object()
        full_ids = permissions.user_can_unmask_report(user=request.user, report=report)
        rows, frozen = selectors.report_rows(report, full_ids=full_ids)
        context = {**self.get_serializer_context(), "rows": rows, "frozen": frozen}
        return Response(ReportDetailSerializer(report, context=context).data)

    @extend_schema(request=ReportCreateSerializer, responses=ReportSerializer)
    def create(self, request):
        """Create the agency's report for the month, or return the existing one."""
        payload = ReportCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agency = get_object_or_404(
            Agency.objects.restrict(request.user, "change").select_related("department"),
            pk=payload.validated_data["agency"],
        )
        if payload.validated_data.get("phase") is not None:
            return self._create_summary(agency, payload.validated_data["phase"])
        month = services.month_of(payload.validated_data.get("month"))
        code = payload.validated_data.get("campaign")
        campaign = campaign_get(code) if code else campaign_reporting(month)
        existed = (
            selectors.report_list(user=request.user, campaign=campaign)
            .filter(agency=agency, kind=Report.Kind.ANNEX1, month=month)
            .exists()
        )
        report = services.report_get_or_create(
            agency=agency, month=month, user=request.user, campaign=campaign
        )
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        report = selectors.report_list(user=request.user).get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=code)

    def _create_summary(self, agency, phase_id) -> Response:
        phase = get_object_or_404(Phase.objects.select_related("campaign"), pk=phase_id)
        existed = Report.objects.filter(agency=agency, phase=phase).exists()
        report = services.summary_get_or_create(agency=agency, phase=phase, user=self.request.user)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        report = selectors.report_list(user=self.request.user).get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=code)

    @extend_schema(request=SummaryTextSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def summary(self, request, pk=None):
        """Save a phase summary's narrative while it is open (the counts are computed)."""
        payload = SummaryTextSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = self.get_object()
        services.summary_draft_save(report=report, actor=request.user, **payload.validated_data)
        return self._respond(report)

    def _respond(self, report):
        report = selectors.report_list(user=self.request.user).get(pk=report.pk)
        return Response(ReportSerializer(report).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Prepare the report; a reviewer of its agency signs and sends it up in the same step."""
        return self._respond(
            services.report_submit(report=self.get_object(), submitted_by=request.user)
        )

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Sign a prepared report off as the agency's 负责人 and send it up."""
        return self._respond(services.report_sign(report=self.get_object(), signed_by=request.user))

    @extend_schema(request=WithdrawSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a prepared, unsigned report back with a reason."""
        payload = WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(
            services.report_withdraw(
                report=self.get_object(),
                withdrawn_by=request.user,
                reason=payload.validated_data["reason"],
            )
        )

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._respond(
            services.report_approve(report=self.get_object(), approved_by=request.user)
        )

    @extend_schema(request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        payload = ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._respond(
            services.report_return(
                report=self.get_object(),
                returned_by=request.user,
                reason=payload.validated_data["reason"],
            )
        )

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=True, methods=["get"], url_path="annex1", renderer_classes=[XlsxRenderer])
    def annex1(self, request, pk=None, format=None):
        report = self.get_object()
        full_ids = permissions.user_can_unmask_report(user=request.user, report=report)
        return xlsx_response(*selectors.report_document(report, full_ids=full_ids))

    @extend_schema(responses={(200, XLSX): bytes, (200, DOCX): bytes})
    @action(detail=True, methods=["get"], renderer_classes=[XlsxRenderer])
    def document(self, request, pk=None):
        """The report's document: the 附件1 workbook, or a phase summary as Word."""
        report = self.get_object()
        full_ids = permissions.user_can_unmask_report(user=request.user, report=report)
        content, filename = selectors.report_document(report, full_ids=full_ids)
        return attachment(content, filename, kind_of(report).media_type)


class ConsolidationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """住建厅's consolidations; ministry users see only those reported upward."""

    serializer_class = ConsolidationSerializer

    def get_queryset(self):
        listing = self.action == "list"
        return selectors.consolidation_list(
            user=self.request.user,
            month=_month(self.request) if listing else None,
            campaign=_campaign(self.request) if listing else None,
        )

    @extend_schema(parameters=[MONTH, CAMPAIGN])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MonthSerializer, responses=ConsolidationSerializer)
    def create(self, request):
        payload = MonthSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        code = payload.validated_data.get("campaign")
        consolidation = services.consolidation_create(
            month=payload.validated_data["month"],
            campaign=campaign_get(code) if code else None,
            created_by=request.user,
        )
        consolidation = self.get_queryset().get(pk=consolidation.pk)
        return Response(ConsolidationSerializer(consolidation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ConsolidationSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        consolidation = services.consolidation_report(
            consolidation=self.get_object(), reported_by=request.user
        )
        return Response(ConsolidationSerializer(self.get_queryset().get(pk=consolidation.pk)).data)

    @extend_schema(responses={(200, XLSX): bytes})
    @action(detail=True, methods=["get"], url_path="annex1", renderer_classes=[XlsxRenderer])
    def annex1(self, request, pk=None, format=None):
        return self._document(request)

    @extend_schema(responses={(200, XLSX): bytes, (200, DOCX): bytes})
    @action(detail=True, methods=["get"], renderer_classes=[XlsxRenderer])
    def document(self, request, pk=None):
        """The consolidation's document: the province's 附件1, or its summary as Word."""
        return self._document(request)

    def _document(self, request):
        consolidation = self.get_object()
        full_ids = permissions.user_can_unmask_consolidation(
            user=request.user, consolidation=consolidation
        )
        kind = kind_of(consolidation)
        return attachment(
            kind.consolidation_document(consolidation, full_ids=full_ids),
            kind.consolidation_filename(consolidation),
            kind.media_type,
        )
