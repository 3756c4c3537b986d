from django.core.management.base import BaseCommand

from agencies.services import reference_data_load


class Command(BaseCommand):
    help = "Load regions, departments, agencies and complaint channels (idempotent)."

    def handle(self, *args, **options):
        created = reference_data_load()
        msg = (
            "参考数据已加载：新增区划 {regions}，部门 {departments}，"
            "机构 {agencies}，举报渠道 {channels}。"
        )
        self.stdout.write(msg.format(**created))
