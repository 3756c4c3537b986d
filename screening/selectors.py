"""Reads of the screening app: where data-driven leads are received, runs, the rosters."""

from __future__ import annotations

from agencies.models import Agency, Region
from agencies.querysets import VIEW
from screening.models import ScreeningRun


def screening_intake() -> Agency | None:
    """Return the agency that receives suspect lists and compares rosters: 住建厅 (the lead
    department's province agency)."""
    return (
        Agency.objects.filter(department__is_lead=True, level=Region.Level.PROVINCE, is_active=True)
        .select_related("department", "region")
        .first()
    )


def run_list(*, user, kind: str | None = None):
    """Return the screening runs of the agencies ``user`` may see, newest first."""
    runs = ScreeningRun.objects.restrict(user, VIEW).select_related("created_by")
    return runs.filter(kind=kind) if kind else runs


def paying_units(*, id_number: str, month_from: str, month_to: str) -> list[dict]:
    """Return the units that paid ``id_number``'s social insurance in the period, from the last
    loaded roster: name, credit code and the months, the units by their first month."""
    from screening.models import RosterPayment

    rows = (
        RosterPayment.objects.filter(
            id_number=id_number, month__gte=month_from, month__lte=month_to
        )
        .order_by("month", "unit_name")
        .values_list("unit_name", "unit_uscc", "month")
    )
    units: dict[tuple[str, str], dict] = {}
    for name, uscc, month in rows:
        unit = units.setdefault((name, uscc), {"name": name, "uscc": uscc, "months": []})
        if month not in unit["months"]:
            unit["months"].append(month)
    return list(units.values())
