"""The error pages: Chinese, in the site's layout, with a way back; the same under DEBUG.

Django's default handlers render ``400.html`` … ``500.html`` without telling the user what to do;
these give each a heading, an explanation and a safe link back (the Referer when it is this
site's). ``server_error`` renders without a request context on purpose: whatever broke the page
(a database down, a failing context processor) must not break the error page too.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.middleware import safe_back_url

TEXTS = {
    400: (
        gettext_lazy("请求无效"),
        gettext_lazy("提交的内容无法处理（格式不正确或含有不允许的字符）。请返回检查后重新提交。"),
    ),
    403: (
        gettext_lazy("无权访问"),
        gettext_lazy(
            "您没有执行该操作的权限。如认为这是错误，请联系本机构的审核人员或系统管理员。"
        ),
    ),
    404: (
        gettext_lazy("未找到"),
        gettext_lazy(
            "您要查看的页面或记录不存在，或不在您的管辖范围内。请核对链接，或从首页重新进入。"
        ),
    ),
    500: (
        gettext_lazy("系统出现错误"),
        gettext_lazy(
            "服务器处理您的请求时出错，本次操作没有完成。请稍后重试；如果持续出现，请联系系统管理员。"
        ),
    ),
}


def error_context(request, status: int, detail: str = "") -> dict:
    heading, explanation = TEXTS[status]
    back = safe_back_url(request, default="") if request is not None else ""
    return {
        "status": status,
        "heading": heading,
        "explanation": explanation,
        "detail": detail,
        "back_url": back if back != getattr(request, "path", None) else "",
        "tone": "danger" if status >= 500 else "warning",
    }


def error_page(request, status: int, detail: str = ""):
    """Render the error page for ``status`` with the request's context (user, navigation)."""
    return render(request, f"{status}.html", error_context(request, status, detail), status=status)


def bad_request(request, exception=None):
    return error_page(request, 400)


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return error_page(request, 403, message)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    context = error_context(None, 500)
    return HttpResponse(loader.get_template("500.html").render(context), status=500)


def csrf_failure(request, reason=""):
    """Explain a refused form after a long idle or a logout elsewhere; nothing was saved."""
    context = error_context(request, 403)
    context.update(
        heading=_("页面已过期，本次提交未保存"),
        explanation=_(
            "页面打开时间过长，或您已在其他窗口退出或重新登录，为保护您的账户，本次提交被拒绝，"
            "没有保存任何内容。请返回上一页，刷新后重新填写并提交。"
        ),
    )
    return render(request, "403_csrf.html", context, status=403)
