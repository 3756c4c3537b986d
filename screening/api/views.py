"""The screening API: start a suspect list import or a roster comparison (each answers the job,
to poll at /api/v1/jobs/{id}/), and 人社's 社保缴费信息查询."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.parsers import ObjectJSONParser
from jobs.api.serializers import JobSerializer
from screening import services
from screening.api.serializers import (
    ComparisonSerializer,
    InsuranceLookupSerializer,
    PayingUnitSerializer,
    SuspectImportSerializer,
)


def _valid(serializer_class, request) -> dict:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


class SuspectImportView(APIView):
    """Import a ministry suspect list (multipart ``file``, ``dry_run``) as a background job."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=SuspectImportSerializer, responses={202: JobSerializer})
    def post(self, request):
        data = _valid(SuspectImportSerializer, request)
        job = services.suspects_job_start(
            actor=request.user, upload=data["file"], dry_run=data["dry_run"]
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ComparisonView(APIView):
    """Compare the two rosters over a period (multipart) as a background job."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ComparisonSerializer, responses={202: JobSerializer})
    def post(self, request):
        job = services.comparison_job_start(
            actor=request.user, **_valid(ComparisonSerializer, request)
        )
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class InsuranceLookupView(APIView):
    """Look up a person's paying units for a period (audited with the reason; rate-limited)."""

    parser_classes = [ObjectJSONParser, FormParser]

    @extend_schema(request=InsuranceLookupSerializer, responses=PayingUnitSerializer(many=True))
    def post(self, request):
        units = services.insurance_lookup(
            user=request.user, **_valid(InsuranceLookupSerializer, request)
        )
        return Response(PayingUnitSerializer(units, many=True).data)
