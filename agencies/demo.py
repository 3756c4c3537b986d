"""Demo users, one per kind of work, so a newcomer sees how scope changes what is visible.

Every demo user has a plausible real name and an office phone of their city (028 for Chengdu,
0816 for Mianyang, 010 for the ministry in Beijing): the 附件1 footer prints them as 填表人 and
负责人. The names are invented.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency, Membership, Profile
from agencies.services import membership_add, profile_update

# (username, department, region code, role, real name, office phone); the description of each
# user's work is in README.md. Every password is DEMO_PASSWORD.
DEMO_PASSWORD = "demo12345"  # noqa: S105 — documented demo credential, local data only
DEMO_USERS = (
    ("county_clerk", "ZJ", "510104", "clerk", "王丽", "028-86651234"),
    ("county_reviewer", "ZJ", "510104", "reviewer", "陈建国", "028-86651235"),
    ("county2_clerk", "ZJ", "510105", "clerk", "刘芳", "028-86253401"),
    ("county2_reviewer", "ZJ", "510105", "reviewer", "赵志强", "028-86253402"),
    ("city_clerk", "ZJ", "510100", "clerk", "杨静", "028-61881201"),
    ("city_reviewer", "ZJ", "510100", "reviewer", "黄伟", "028-61881202"),
    ("mianyang_reviewer", "ZJ", "510700", "reviewer", "吴明", "0816-2223456"),
    ("province_reviewer", "ZJ", "510000", "reviewer", "郑文斌", "028-85559311"),
    ("province_signer", "ZJ", "510000", "reviewer", "孙丽华", "028-85559312"),
    ("province_clerk", "ZJ", "510000", "clerk", "马骏", "028-85559313"),
    ("rs_county_clerk", "RS", "510104", "clerk", "何小燕", "028-86660721"),
    ("rs_county_reviewer", "RS", "510104", "reviewer", "罗刚", "028-86660722"),
    ("rs_city_reviewer", "RS", "510100", "reviewer", "谢军", "028-61883001"),
    ("rs_province_reviewer", "RS", "510000", "reviewer", "唐敏", "028-86759601"),
    ("jt_province_reviewer", "JT", "510000", "reviewer", "韩磊", "028-85525301"),
    ("sl_province_reviewer", "SL", "510000", "reviewer", "冯涛", "028-86939301"),
    ("tx_province_reviewer", "TX", "510000", "reviewer", "曹勇", "028-87015901"),
    ("inspector", "ZJ", "510000", "inspector", "许静", "028-85559320"),
    ("ministry", "BU", "510000", "ministry", "高峰", "010-58933001"),
)
ADMIN = ("admin", "邓宇", "028-85559399")


def _profile(user, real_name: str, office_phone: str) -> None:
    """Give ``user`` the demo name and phone unless someone already filled in a profile."""
    # profile_update audits every change; a second seed finds the profile and records nothing,
    # and a name a newcomer changed by hand is left as they set it.
    if not Profile.objects.filter(user=user).exclude(real_name="").exists():
        profile_update(user=user, real_name=real_name, office_phone=office_phone)


@transaction.atomic
def demo_users_create() -> None:
    """Create the admin and the demo users with their memberships and profiles; safe to rerun."""
    user_model = get_user_model()
    username, real_name, office_phone = ADMIN
    if not user_model.objects.filter(username=username).exists():
        user_model.objects.create_superuser(username, "", DEMO_PASSWORD)
    _profile(user_model.objects.get(username=username), real_name, office_phone)
    for username, department, region, role, real_name, office_phone in DEMO_USERS:
        agency = Agency.objects.get(department__code=department, region__code=region)
        if not user_model.objects.filter(username=username).exists():
            membership_add(username=username, agency=agency, role=role, password=DEMO_PASSWORD)
        elif not Membership.objects.filter(
            user__username=username, agency=agency, role=role
        ).exists():  # membership_add audits every call; a second seed must record nothing
            membership_add(username=username, agency=agency, role=role)
        _profile(user_model.objects.get(username=username), real_name, office_phone)
