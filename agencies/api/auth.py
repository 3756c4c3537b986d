"""API authentication: exchange a password for a token, log out, answer a lockout."""

from collections.abc import Mapping

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from agencies.auth import token_issue, tokens_revoke
from core.errors import DomainError


class TokenRequestSerializer(serializers.Serializer):
    """Coerce the token request: a JSON object with two strings, no NUL bytes."""

    # Passwords are taken as typed; DRF's CharField already refuses NUL bytes, which PostgreSQL
    # cannot store and which would otherwise reach the lockout records as a 500.
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenView(APIView):
    """Exchange a username and password for an API token (throttled; failures lock out)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def field_label(self, path: str) -> str:
        """Name the request's fields in Chinese for the error message."""
        return {"username": _("用户名"), "password": _("密码")}.get(path, path)

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
        ),
    )
    def post(self, request):
        if not isinstance(request.data, Mapping):  # JSON null, a list, a string, a number
            raise DomainError(_('请求体应为 JSON 对象：{"username": …, "password": …}。'))
        payload = TokenRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        username, password = payload.validated_data["username"], payload.validated_data["password"]
        user = authenticate(request._request, username=username, password=password)
        if user is None or not user.is_active:
            raise DomainError(_("用户名或密码错误，多次失败后账号将被暂时锁定。"))
        instance, token = token_issue(user=user)
        # Same as a login through the form: axes clears the failures, last_login is set.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        # The only time the token is shown: the database keeps its digest.
        expiry = serializers.DateTimeField().to_representation(instance.expiry)
        return Response({"token": token, "expiry": expiry})


class LogoutView(APIView):
    """Revoke every API token of the caller (and end the session if there is one)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        tokens_revoke(user=request.user)
        if request.auth is None:  # came with the session cookie
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out login: the API's JSON error shape under /api/, else the Chinese page.

    django-axes calls this (AXES_LOCKOUT_CALLABLE) after the view, in place of its own page,
    which an API client could not read. 429 with Retry-After: the caller may retry later.
    """
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else None
    failure_limit = get_failure_limit(request, credentials)
    if request.path.startswith("/api/"):
        message = _("登录失败次数过多，账号已暂时锁定，请%(minutes)d分钟后再试或联系管理员。") % {
            "minutes": (seconds or 0) // 60
        }
        extra = {"failure_limit": failure_limit, "cooloff_seconds": seconds}
        response = JsonResponse({"message": message, "extra": extra}, status=429)
    else:
        response = render(request, "registration/locked_out.html", status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
