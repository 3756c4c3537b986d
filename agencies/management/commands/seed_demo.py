from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from agencies.demo import DEMO_PASSWORD, DEMO_USERS
from agencies.models import Agency, Membership
from agencies.services import membership_add


class Command(BaseCommand):
    help = "Create demo users (and demo cases where the apps provide them); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--no-cases", action="store_true", help="only users, no demo cases")

    @transaction.atomic
    def handle(self, *args, no_cases=False, **options):
        call_command("load_reference_data", verbosity=0)
        user_model = get_user_model()
        if not user_model.objects.filter(username="admin").exists():
            user_model.objects.create_superuser("admin", "", DEMO_PASSWORD)
        for username, department, region, role, description in DEMO_USERS:
            agency = Agency.objects.get(department__code=department, region__code=region)
            if not user_model.objects.filter(username=username).exists():
                membership_add(username=username, agency=agency, role=role, password=DEMO_PASSWORD)
                user_model.objects.filter(username=username).update(first_name=description)
            elif not Membership.objects.filter(
                user__username=username, agency=agency, role=role
            ).exists():  # membership_add audits every call; a second seed must record nothing
                membership_add(username=username, agency=agency, role=role)
        if not no_cases:
            from cases.demo import demo_cases_create

            created = demo_cases_create()
            self.stdout.write(f"演示案件：新增 {created} 件。")
            from reports.demo import demo_reports_create

            steps = demo_reports_create()
            self.stdout.write(f"演示月报（2019年1–3月）：执行 {steps} 步报送、审核、汇总与上报。")
        self.stdout.write(f"演示用户已就绪，密码均为 {DEMO_PASSWORD}。")
