"""Writes to the organisation: reference data loading and memberships."""

import csv

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency, ComplaintChannel, Department, Membership, Region
from agencies.reference import DEPARTMENTS, DIVISIONS_CSV, agency_name
from audit.services import audit_record


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Create or update regions, departments, agencies and complaint channels; idempotent.

    Names an admin changed are kept: only missing rows are created, and only fields the loader
    owns (tree, level) are corrected. Return the number of rows created per kind.
    """
    created = {"regions": 0, "departments": 0, "agencies": 0, "channels": 0}
    regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:  # the CSV lists parents before children
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

    existing = {(a.department_id, a.region_id): a for a in Agency.objects.all()}
    for order, spec in enumerate(DEPARTMENTS):
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
                agency.save()
                created["agencies"] += 1
            elif agency.parent_id != (parent.pk if parent else None):
                agency.parent = parent
                agency.save()
            by_region[region.code] = agency
    return created


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
    membership, _ = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    audit_record(
        actor=actor,
        action="membership.added",
        target=membership,
        agency=agency,
        data={"username": username, "role": role, "user_created": user_created},
    )
    return membership
