"""manage.py compare_rosters --registrations REG.csv --insurance INS.csv --from 2019-01
--to 2019-03 [--dry-run]: compare the province's rosters and raise the findings as leads."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from screening.rosters import RosterError, rosters_compare
from screening.selectors import screening_intake


def _month(value: str) -> str:
    try:
        datetime.datetime.strptime(value, "%Y-%m")  # noqa: DTZ007 — a month, no time
    except ValueError as exc:
        raise CommandError(f"月份应为 YYYY-MM：{value}") from exc
    return value


class Command(BaseCommand):
    help = "比对注册人员名册与社保缴费名册，按规则生成问题线索（一次运行为一个事务）。"

    def add_arguments(self, parser):
        parser.add_argument("--registrations", required=True, help="注册人员名册 CSV")
        parser.add_argument("--insurance", required=True, help="社保缴费名册 CSV")
        parser.add_argument("--from", dest="month_from", required=True, help="起始月 YYYY-MM")
        parser.add_argument("--to", dest="month_to", required=True, help="截止月 YYYY-MM")
        parser.add_argument("--dry-run", action="store_true", help="只比对，不生成线索")

    def handle(self, *args, **options):
        paths = [Path(options["registrations"]), Path(options["insurance"])]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
        period = (_month(options["month_from"]), _month(options["month_to"]))
        if period[0] > period[1]:
            raise CommandError("截止月份不能早于起始月份。")
        intake = screening_intake()
        if intake is None:
            raise CommandError("未找到省住房城乡建设厅机构，请先加载参考数据。")
        try:
            report = rosters_compare(
                actor=None,
                intake=intake,
                registrations=paths[0],
                insurance=paths[1],
                period=period,
                dry_run=options["dry_run"],
            )
        except RosterError as exc:
            for error in exc.result["errors"]:
                self.stderr.write(error)
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"注册 {report['registrations']} 行，缴费 {report['payments']} 行，"
            f"期间 {period[0]} 至 {period[1]}{'（试运行，未写入）' if options['dry_run'] else ''}："
        )
        for rule in report["rules"]:
            self.stdout.write(
                f"  {rule['rule']}：新 {rule['new']}，在办 {rule['known']}，"
                f"已核实不再提出 {rule['suppressed']}"
            )
