import django_filters
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from agencies import selectors
from agencies.api.serializers import (
    AgencySerializer,
    DepartmentSerializer,
    MembershipSerializer,
    RegionSerializer,
)
from agencies.models import Agency, Department
from core.errors import DomainError


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


class TokenView(APIView):
    """Exchange a username and password for an API token (throttled; failures lock out)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {
                "username": serializers.CharField(),
                "password": serializers.CharField(),
            },
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request):
        username = str(request.data.get("username", ""))
        password = str(request.data.get("password", ""))
        if not username or not password:
            raise DomainError(
                _("请填写用户名和密码。"),
                fields={
                    k: [_("此项为必填项。")]
                    for k, v in (("username", username), ("password", password))
                    if not v
                },
            )
        user = authenticate(request._request, username=username, password=password)
        if user is None or not user.is_active:
            raise DomainError(_("用户名或密码错误，多次失败后账号将被暂时锁定。"))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
