"""Recompile a month's 附件1 for every reporting agency (or one department) in one query."""

import time

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
        agencies = list(agencies.order_by("path"))
        if not agencies:
            raise CommandError(f"没有部门代码为 {department} 的报送机构。")
        began = time.perf_counter()
        recompiled = annex1.recompile_month(campaign=campaign, month=month, agencies=agencies)
        seconds = time.perf_counter() - began
        for item in recompiled:
            status = item.report.get_status_display() if item.report else "未建"
            frozen = "—" if item.frozen is None else item.frozen
            mark = "  与冻结版本不同" if item.changed else ""
            self.stdout.write(
                f"{item.agency.name}\t{status}\t现{len(item.rows)}行\t冻结{frozen}行{mark}"
            )
        changed = sum(item.changed for item in recompiled)
        self.stdout.write(
            self.style.SUCCESS(
                f"{campaign} {month_label(month)}：{len(recompiled)} 个机构，"
                f"共 {sum(len(item.rows) for item in recompiled)} 行，"
                f"{changed} 份月报与冻结版本不同；汇编用时 {seconds:.2f} 秒。"
            )
        )
