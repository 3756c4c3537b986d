"""The monthly report's background job: writing a large consolidation's 附件1 workbook.

The workbook streams from the frozen rows to a file under MEDIA_ROOT/jobs/exports (the list
exports' folder, swept after a day) and is downloaded by the job's owner only, as an export is.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies import permissions
from jobs.exports import export_path
from jobs.registry import JobFailedError, JobKind, register

CONSOLIDATION_WORKBOOK = "reports.consolidation_workbook"


def _write_consolidation(*, job, progress) -> dict:
    from reports import annex1  # the domain layer above this module
    from reports.models import Consolidation

    consolidation = (
        Consolidation.objects.restrict(job.owner)
        .select_related("agency", "created_by", "reported_by")
        .filter(pk=job.params.get("consolidation"))
        .first()
    )
    if consolidation is None:
        raise JobFailedError(_("未找到该汇总表。"))
    full_ids = permissions.user_can_unmask_consolidation(
        user=job.owner, consolidation=consolidation
    )
    rows = annex1.consolidation_row_count(consolidation)
    total = 2 * rows  # each row twice: its department's sheet and 汇总
    progress(0, total, _("正在生成汇总表……"), force=True)
    name, path = export_path()
    try:
        with path.open("wb") as stream:
            annex1.consolidation_write(
                consolidation, stream, full_ids=full_ids, on_row=lambda n: progress(n, total)
            )
    except BaseException:
        path.unlink(missing_ok=True)  # a cancelled or failed job leaves no half file
        raise
    progress(total, total, _("汇总表已生成"), force=True)
    return {
        "file": name,
        "filename": annex1.consolidation_filename(consolidation),
        "rows": rows,
        "list_url": "reports:consolidations",
    }


register(
    JobKind(
        name=CONSOLIDATION_WORKBOOK,
        label=gettext_lazy("生成全省汇总表"),
        run=_write_consolidation,
        result_template="jobs/export_result.html",
    )
)
