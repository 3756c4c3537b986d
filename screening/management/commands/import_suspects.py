"""manage.py import_suspects FILE [--dry-run] [--user NAME]: import a ministry suspect list."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from screening.selectors import screening_intake
from screening.suspects import SuspectListError, suspects_import


class Command(BaseCommand):
    help = "导入部转挂证存疑名单（.xlsx 或 .csv）：每名本省人员生成一条问题线索。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="名单文件（.xlsx 或 .csv）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--user", help="记为导入人的用户名（默认：系统）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        intake = screening_intake()
        if intake is None:
            raise CommandError("未找到省住房城乡建设厅机构，请先加载参考数据。")
        try:
            report = suspects_import(
                actor=actor,
                intake=intake,
                content=path.read_bytes(),
                file_name=path.name,
                dry_run=options["dry_run"],
            )
        except SuspectListError as exc:
            for error in exc.result["errors"]:
                self.stderr.write(error)
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        verb = "检查通过（未写入）" if options["dry_run"] else "已导入"
        self.stdout.write(
            f"{verb}：共 {report['rows']} 行，新线索 {report['new']} 条，"
            f"已有线索 {report['known']} 条，外省跳过 {report['other_province']} 行。"
        )
