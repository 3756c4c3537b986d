"""Template helpers for the report pages: a report's status badge and a child's lateness.

Both were ``{% include %}``s rendered once per row of the status tables (205 rows on an
inspector's page, each with its translation tags); one tag call a row draws the same markup
(docs/performance.md §14).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.models import Report

register = template.Library()

# Status → the badge's classes; a returned report (or any other status) is red.
BADGES = {
    Report.Status.PREPARED: "bg-info text-dark",
    Report.Status.SUBMITTED: "bg-primary",
    Report.Status.APPROVED: "bg-success",
}


@register.simple_tag
def report_status(report) -> str:
    """Return the badge of ``report``'s status: 未报 for none (or a draft)."""
    if not report or report.status == Report.Status.DRAFT:
        return format_html('<span class="badge bg-secondary">{}</span>', _("未报"))
    css = BADGES.get(report.status, "bg-danger")
    if report.status == Report.Status.PREPARED:
        return format_html(
            '<span class="badge {}" title="{}">{}</span>',
            css,
            _("已填报，待本机构负责人签发"),
            report.get_status_display(),
        )
    return format_html('<span class="badge {}">{}</span>', css, report.get_status_display())


@register.simple_tag
def late_badge(child) -> str:
    """Return a child's lateness: still owed past its due date, or first sent up after it."""
    if child.is_late:
        return format_html(' <span class="badge bg-warning text-dark">{}</span>', _("逾期"))
    days = child.late_days
    if days:
        text = ngettext("逾期%(n)s天报送", "逾期%(n)s天报送", days) % {"n": days}
        return format_html(' <span class="badge bg-warning text-dark">{}</span>', text)
    return ""
