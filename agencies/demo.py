"""Demo users, one per kind of work, so a newcomer sees how scope changes what is visible."""

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency, Membership
from agencies.services import membership_add

# (username, department, region code, role, description); every password is DEMO_PASSWORD.
DEMO_PASSWORD = "demo12345"  # noqa: S105 — documented demo credential, local data only
DEMO_USERS = (
    ("county_clerk", "ZJ", "510104", "clerk", "成都市锦江区住建局 录入员"),
    ("county_reviewer", "ZJ", "510104", "reviewer", "成都市锦江区住建局 审核员"),
    ("county2_clerk", "ZJ", "510105", "clerk", "成都市青羊区住建局 录入员"),
    ("city_clerk", "ZJ", "510100", "clerk", "成都市住建局 录入员"),
    ("city_reviewer", "ZJ", "510100", "reviewer", "成都市住建局 审核员"),
    ("mianyang_reviewer", "ZJ", "510700", "reviewer", "绵阳市住建局 审核员"),
    ("province_reviewer", "ZJ", "510000", "reviewer", "住建厅 审核员（汇总、上报）"),
    ("province_clerk", "ZJ", "510000", "clerk", "住建厅 录入员"),
    ("rs_county_clerk", "RS", "510104", "clerk", "锦江区人社局 录入员"),
    ("rs_city_reviewer", "RS", "510100", "reviewer", "成都市人社局 审核员"),
    ("rs_province_reviewer", "RS", "510000", "reviewer", "人社厅 审核员"),
    ("jt_province_reviewer", "JT", "510000", "reviewer", "交通运输厅 审核员"),
    ("sl_province_reviewer", "SL", "510000", "reviewer", "水利厅 审核员"),
    ("tx_province_reviewer", "TX", "510000", "reviewer", "通信管理局 审核员"),
    ("inspector", "ZJ", "510000", "inspector", "住建厅 督查员"),
    ("ministry", "BU", "510000", "ministry", "住房城乡建设部 部级用户"),
)


@transaction.atomic
def demo_users_create() -> None:
    """Create the admin and the demo users with their memberships; safe to run again."""
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
