from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.auth import user_password_reset
from agencies.models import Agency, Membership
from agencies.services import membership_add


class Command(BaseCommand):
    help = "Create a user if needed and give them a role at an agency."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", default=None)
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="replace an existing user's password with --password (recorded in the audit log)",
        )
        parser.add_argument("--department", required=True, help="ZJ, RS, JT, SL, TX, TL, MH or BU")
        parser.add_argument("--region", required=True, help="GB/T 2260 code, e.g. 510104")
        parser.add_argument(
            "--role", required=True, choices=[c for c, _ in Membership.Role.choices]
        )

    def handle(
        self, *args, username, password, reset_password, department, region, role, **options
    ):
        try:
            agency = Agency.objects.get(department__code=department.upper(), region__code=region)
        except Agency.DoesNotExist as exc:
            raise CommandError(
                f"没有找到部门 {department} 在区划 {region} 的机构；请先运行 load_reference_data。"
            ) from exc
        if reset_password and not password:
            raise CommandError(_("使用 --reset-password 时必须同时给出 --password。"))
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None and password and not reset_password:
            # A typo in the username must not take over someone else's account unnoticed.
            raise CommandError(
                _(
                    "用户 %(username)s 已存在，未修改其密码。"
                    "确需重置密码请加 --reset-password（将记入审计日志）。"
                )
                % {"username": username}
            )
        try:
            with transaction.atomic():
                if user is None and password:
                    password_validation.validate_password(
                        password, user=user_model(username=username)
                    )
                elif user is not None and reset_password:
                    user_password_reset(user=user, password=password, via="createmember")
                membership = membership_add(
                    username=username,
                    agency=agency,
                    role=role,
                    password=password if user is None else None,
                )
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"已添加：{membership}")
