"""Recompile a month's 附件1 for every reporting agency (or one department) in one query."""

import time
from collections import Counter, defaultdict

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from campaigns.selectors import campaign_get, campaign_reporting
from core.errors import DomainError
from core.months import month_label
from reports import annex1, services
from reports.models import REPORTING
from reports.periods import check_month


class Command(BaseCommand):
    help = (
        "重新汇编某月附件1（只读）：一次查询汇编各报送机构现在准备会冻结的行，"
        "逐机构列出行数，并标出与已冻结版本不同的月报。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM，如 2019-03")
        parser.add_argument("--department", help="部门代码，如 ZJ；省略则为全部报送部门")
        parser.add_argument("--campaign", help="专项整治代码；省略则为报送该月的专项整治")

    def handle(self, *args, month, department, campaign, **options):
        try:
            month = services.month_of(month)
            campaign = campaign_get(campaign) if campaign else campaign_reporting(month)
            check_month(campaign, month)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        agencies = Agency.objects.filter(is_active=True, department__kind=REPORTING)
        if department:
            agencies = agencies.filter(department__code=department)
        by_department = defaultdict(list)
        for agency in agencies.order_by("department__sort_order", "path"):
            by_department[agency.department_id].append(agency)
        if not by_department:
            raise CommandError(f"没有部门代码为 {department} 的报送机构。")
        totals = Counter()
        began = time.perf_counter()
        # A department's subtree at a time: one compile query each, and memory for one
        # department's rows (≈0.4 GB for ZJ's 56,000 at a million cases), not the province's.
        for members in by_department.values():
            for item in annex1.recompile_month(campaign=campaign, month=month, agencies=members):
                self._line(item)
                totals.update(agencies=1, rows=len(item.rows), changed=int(item.changed))
        self.stdout.write(
            self.style.SUCCESS(
                f"{campaign} {month_label(month)}：{totals['agencies']} 个机构，"
                f"共 {totals['rows']} 行，{totals['changed']} 份月报与冻结版本不同；"
                f"汇编用时 {time.perf_counter() - began:.2f} 秒。"
            )
        )

    def _line(self, item: annex1.Recompiled) -> None:
        status = item.report.get_status_display() if item.report else "未建"
        frozen = "—" if item.frozen is None else item.frozen
        mark = "  与冻结版本不同" if item.changed else ""
        self.stdout.write(
            f"{item.agency.name}\t{status}\t现{len(item.rows)}行\t冻结{frozen}行{mark}"
        )
