from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.loaders import reference_configs


class Command(BaseCommand):
    help = "Load every app's reference data (regions, agencies, certificate types …); idempotent."

    @transaction.atomic
    def handle(self, *args, **options):
        created: dict[str, int] = {}
        tables: list[str] = []
        for config in reference_configs():
            created.update(config.load_reference_data())
            tables += getattr(config, "analyze_after_load", ())
        summary = "，".join(f"{name} {count}" for name, count in created.items())
        self.stdout.write(f"参考数据已加载：新增{summary}。")
        # Fresh tables have no statistics until autovacuum runs; without them the planner takes
        # agencies_agency for one row per path prefix and nests loops over the cases table.
        if any(created.values()):
            transaction.on_commit(lambda: self._analyze(tables))

    @staticmethod
    def _analyze(tables: list[str]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
