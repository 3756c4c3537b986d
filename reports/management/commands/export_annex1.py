"""Write a month's 附件1 workbook to a file: one agency's report, or the province consolidation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.months import month_label
from reports import annex1, selectors, services
from reports.models import Consolidation, Report


class Command(BaseCommand):
    help = "导出附件1：--agency 指定机构的月报，否则导出该月全省汇总表。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM，如 2019-03")
        parser.add_argument("--agency", type=int, help="机构 ID；省略则导出全省汇总")
        parser.add_argument("--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, month, agency, output, **options):
        try:
            month = services.month_of(month)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if agency:
            report = (
                Report.objects.select_related("agency", "current_revision")
                .filter(agency_id=agency, month=month)
                .first()
            )
            if report is None:
                raise CommandError(f"机构 {agency} 没有 {month_label(month)} 的月报。")
            # Run by an operator on the server: the full sheet, as filed.
            content, _name = selectors.report_document(report, full_ids=True)
        else:
            consolidation = (
                Consolidation.objects.select_related("agency", "created_by", "reported_by")
                .filter(month=month)
                .first()
            )
            if consolidation is None:
                raise CommandError(
                    f"{month_label(month)} 尚未生成全省汇总；可用 --agency 导出单个机构。"
                )
            content = annex1.consolidation_workbook(consolidation, full_ids=True)
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}（{len(content)} 字节）"))
