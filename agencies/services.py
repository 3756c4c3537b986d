"""Writes to the organisation: reference data loading and memberships."""

import csv
import re
import unicodedata

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from agencies.models import Agency, ComplaintChannel, Department, Membership, Profile, Region
from agencies.reference import DEPARTMENTS, DIVISIONS_CSV, agency_name
from audit.actions import Action
from audit.services import audit_record
from core.errors import DomainError


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update regions, departments, agencies and complaint channels; idempotent.

    Names an admin changed are kept: only missing rows are created, and only fields the loader
    owns (tree, level) are corrected. Return the number of rows created per kind.
    """
    created = {"regions": 0, "departments": 0, "agencies": 0, "channels": 0}
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    regions = _regions_load(rows, created)
    existing = {(a.department_id, a.region_id): a for a in Agency.objects.all()}
    for order, spec in enumerate(DEPARTMENTS):
        department = _department_load(spec, order, created)
        _agencies_load(spec, department, rows, regions, existing, created)
    return created


def _regions_load(rows: list[dict], created: dict) -> dict[str, Region]:
    """Create the CSV's missing regions (parents come first) and correct their tree."""
    regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    for row in rows:
        parent = regions.get(row["parent_code"]) if row["parent_code"] else None
        region = regions.get(row["code"])
        if region is None:
            region = Region.objects.create(
                code=row["code"], name=row["name"], level=row["level"], parent=parent
            )
            regions[region.code] = region
            created["regions"] += 1
        elif region.parent_id != (parent.pk if parent else None) or region.level != row["level"]:
            region.parent, region.level = parent, row["level"]
            region.save(update_fields=["parent", "level"])
    return regions


def _department_load(spec, order: int, created: dict) -> Department:
    """Create the department (and its 附件2 complaint channel) unless it exists."""
    department, was_created = Department.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "is_lead": spec.is_lead,
            "sort_order": order,
        },
    )
    created["departments"] += was_created
    if spec.telephone or spec.email:
        _, was_created = ComplaintChannel.objects.get_or_create(
            department=department, telephone=spec.telephone, email=spec.email
        )
        created["channels"] += was_created
    return department


def _agencies_load(spec, department, rows, regions, existing, created) -> None:
    """Create the department's agency in each region of its levels, parents first."""
    by_region: dict[str, Agency] = {}
    for row in rows:
        if row["level"] not in spec.levels:
            continue
        region = regions[row["code"]]
        parent = by_region.get(row["parent_code"]) if row["parent_code"] else None
        agency = existing.get((department.pk, region.pk))
        if agency is None:
            region_name = region.name
            if region.level == Region.Level.COUNTY:
                region_name = regions[row["parent_code"]].name + region.name
            agency = Agency(
                department=department,
                region=region,
                parent=parent,
                level=region.level,
                name=agency_name(spec, region_name=region_name, level=region.level),
            )
            agency_save(agency=agency)
            created["agencies"] += 1
        elif agency.parent_id != (parent.pk if parent else None):
            agency.parent = parent
            agency_save(agency=agency)
        by_region[region.code] = agency


@transaction.atomic
def membership_add(
    *, username: str, agency: Agency, role: str, password: str | None = None, actor=None
) -> Membership:
    """Create the user if needed and give them ``role`` at ``agency``."""
    user_model = get_user_model()
    user, user_created = user_model.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
        user.save()
    elif user_created:
        user.set_unusable_password()
        user.save()
    return membership_grant(user=user, agency=agency, role=role, actor=actor, created=user_created)


@transaction.atomic
def membership_grant(*, user, agency: Agency, role: str, actor=None, created: bool = False):
    """Give ``user`` a role at ``agency`` (once) and record who granted it."""
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    audit_record(
        actor=actor,
        action=Action.MEMBERSHIP_ADDED,
        target=membership,
        agency=agency,
        data={"username": user.username, "role": role, "user_created": created},
    )
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, actor=None) -> None:
    """Take a role away, recording who did (the user keeps their other memberships)."""
    audit_record(
        actor=actor,
        action=Action.MEMBERSHIP_REMOVED,
        target=membership,
        agency=membership.agency,
        data={"username": membership.user.username, "role": membership.role},
    )
    membership.delete()


def _stored_path(agency: Agency) -> str:
    if not agency.pk:
        return ""
    stored = Agency.objects.filter(pk=agency.pk).order_by().values_list("path", flat=True)
    return next(iter(stored), "")


def agency_check_parent(*, agency: Agency, parent: Agency | None) -> None:
    """Refuse a parent in another department, or inside the agency's own subtree."""
    _check_parent(agency, parent, _stored_path(agency))


def _check_parent(agency: Agency, parent: Agency | None, old_path: str) -> None:
    if parent is not None and old_path and parent.path.startswith(old_path):
        message = _("不能把机构移到它自己或它的下级机构之下。")
        raise DomainError(message, fields={"parent": [message]})
    if parent is not None and parent.department_id != agency.department_id:
        message = _("上级机构须属于同一部门。")
        raise DomainError(message, fields={"parent": [message]})


@transaction.atomic
def agency_save(*, agency: Agency, actor=None) -> Agency:
    """Save an agency, keeping ``path`` in step with its parent; a move carries its subtree.

    The paths below a moved agency are rewritten in one UPDATE, not row by row.
    """
    old_path, parent = _stored_path(agency), agency.parent
    _check_parent(agency, parent, old_path)
    if not agency.level:
        agency.level = agency.region.level
    agency.save()
    new_path = f"{parent.path if parent else '/'}{agency.pk}/"
    if new_path != old_path:
        subtree = Agency.objects.filter(path__startswith=old_path) if old_path else None
        if subtree is None:
            Agency.objects.filter(pk=agency.pk).update(path=new_path)
        else:
            subtree.update(path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1)))
        agency.path = new_path
    if actor is not None:
        audit_record(
            actor=actor,
            action=Action.AGENCY_SAVED,
            target=agency,
            agency=agency,
            changes={"path": [old_path or None, new_path]} if new_path != old_path else {},
        )
    return agency


# -- profiles: the names and phones that sign forms ----------------------------------------

# A landline with its area code (028-85559305, 0816-2345678, an extension after a second
# hyphen), or a mainland mobile number (13800000000).
PHONE = re.compile(r"^(0\d{2,3}-\d{7,8}(-\d{1,6})?|1[3-9]\d{9})$")
# Han characters, with the middle dot of minority and foreign names (阿依古丽·买买提).
REAL_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+(·[\u3400-\u4dbf\u4e00-\u9fff]+)*$")
MIDDLE_DOTS = str.maketrans(dict.fromkeys("•・．.", "·"))
# A name that is a role is no signature (the forms were once signed 审核员).
ROLE_WORDS = ("录入员", "审核员", "负责人", "督查员", "部级用户", "管理员", "用户")


def _normalise(value: str) -> str:
    # NFKC turns full-width digits and hyphens (０２８－…) into the ASCII ones the pattern knows.
    return unicodedata.normalize("NFKC", value or "").strip()


def profile_check(*, real_name: str, office_phone: str) -> dict[str, str]:
    """Return the cleaned name and phone, or raise with every problem by field."""
    name = _normalise(real_name).replace(" ", "").translate(MIDDLE_DOTS)
    phone = _normalise(office_phone).replace(" ", "").replace("—", "-")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["real_name"] = [_("请填写真实姓名：附件1的填表人、负责人须署名。")]
    elif any(word in name for word in ROLE_WORDS):
        errors["real_name"] = [_("请填写本人姓名，不要填写职务或角色。")]
    elif not (2 <= len(name) <= 30 and REAL_NAME.match(name)):
        errors["real_name"] = [_("姓名应为2至30个汉字（少数民族姓名可用“·”分隔）。")]
    if not phone:
        errors["office_phone"] = [_("请填写联系电话。")]
    elif not PHONE.match(phone):
        errors["office_phone"] = [
            _("联系电话格式应为“区号-号码”（如 028-85559305）或11位手机号码（如 13800000000）。")
        ]
    if errors:
        raise DomainError(_("个人信息有误，请按提示修改。"), fields=errors)
    return {"real_name": name, "office_phone": phone}


@transaction.atomic
def profile_update(*, user, real_name: str, office_phone: str, actor=None) -> Profile:
    """Set the user's real name and office phone; record what changed and who changed it."""
    values = profile_check(real_name=real_name, office_phone=office_phone)
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    changes = {
        field: [getattr(profile, field), value]
        for field, value in values.items()
        if getattr(profile, field) != value
    }
    if changes:
        for field, value in values.items():
            setattr(profile, field, value)
        profile.save()
        audit_record(actor=actor, action=Action.PROFILE_UPDATED, target=user, changes=changes)
    return profile
