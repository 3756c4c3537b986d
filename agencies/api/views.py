import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import selectors
from agencies.api.serializers import (
    AgencySerializer,
    DepartmentSerializer,
    MembershipSerializer,
    RegionSerializer,
)
from agencies.models import Agency, Department


class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Administrative divisions of Sichuan (public reference data)."""

    serializer_class = RegionSerializer
    filterset_fields = ["level", "parent"]
    pagination_class = None

    def get_queryset(self):
        return selectors.region_list()


class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Departments taking part in the campaign (public reference data)."""

    serializer_class = DepartmentSerializer
    pagination_class = None
    queryset = Department.objects.all()


class AgencyFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__code")
    region = django_filters.CharFilter(field_name="region__code")

    class Meta:
        model = Agency
        fields = ["department", "region", "level", "parent"]


class AgencyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Agencies in the caller's scope."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter

    def get_queryset(self):
        return selectors.agency_list(user=self.request.user)


class MeView(APIView):
    """The caller and their memberships."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "memberships": MembershipSerializer(many=True),
            },
        )
    )
    def get(self, request):
        memberships = selectors.membership_list(user=request.user)
        return Response(
            {
                "username": request.user.username,
                "is_superuser": request.user.is_superuser,
                "memberships": MembershipSerializer(memberships, many=True).data,
            }
        )
