from django.core.management.base import BaseCommand
from django.db import connection, transaction

from agencies.services import reference_data_load
from cases.reference import certificate_types_load


class Command(BaseCommand):
    help = "Load regions, departments, agencies, channels and certificate types (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = reference_data_load()
        created["certificate_types"] = certificate_types_load()
        msg = (
            "参考数据已加载：新增区划 {regions}，部门 {departments}，机构 {agencies}，"
            "举报渠道 {channels}，执业资格类别 {certificate_types}。"
        )
        self.stdout.write(msg.format(**created))
        # Fresh tables have no statistics until autovacuum runs; without them the planner takes
        # agencies_agency for one row per path prefix and nests loops over the cases table.
        if any(created.values()):
            transaction.on_commit(self._analyze)

    @staticmethod
    def _analyze():
        with connection.cursor() as cursor:
            for table in ("agencies_region", "agencies_agency", "cases_certificatetype"):
                cursor.execute(f"ANALYZE {table}")
