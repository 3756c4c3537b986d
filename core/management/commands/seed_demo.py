from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from core.loaders import demo_configs


class Command(BaseCommand):
    help = (
        "Load the reference data, then every app's demo data (users, cases, reports); repeatable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", action="append", metavar="APP", help="only these apps' demo data (repeatable)"
        )

    @transaction.atomic
    def handle(self, *args, only=None, **options):
        call_command("load_reference_data", verbosity=0)
        for config in demo_configs():
            if not only or config.label in only:
                self.stdout.write(config.load_demo_data())
