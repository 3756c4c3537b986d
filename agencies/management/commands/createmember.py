from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency, Membership
from agencies.services import membership_add


class Command(BaseCommand):
    help = "Create a user if needed and give them a role at an agency."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", default=None)
        parser.add_argument("--department", required=True, help="ZJ, RS, JT, SL, TX, TL, MH or BU")
        parser.add_argument("--region", required=True, help="GB/T 2260 code, e.g. 510104")
        parser.add_argument(
            "--role", required=True, choices=[c for c, _ in Membership.Role.choices]
        )

    def handle(self, *args, username, password, department, region, role, **options):
        try:
            agency = Agency.objects.get(department__code=department.upper(), region__code=region)
        except Agency.DoesNotExist as exc:
            raise CommandError(
                f"没有找到部门 {department} 在区划 {region} 的机构；请先运行 load_reference_data。"
            ) from exc
        membership = membership_add(username=username, agency=agency, role=role, password=password)
        self.stdout.write(f"已添加：{membership}")
