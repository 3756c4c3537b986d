"""Registering leads and public complaints, one at a time as clerks and the public do.

Measures ``leads.services.lead_register`` (validation, routing, numbering, persons, units, the
audit row, the notice) and ``complaints.services.complaint_submit_public`` per call, against the
physical limit of the same writes: the rows one registration leaves (sequence upsert, lead, lead
person, person, unit, certificate, audit event) inserted by hand-written SQL in one transaction
per lead. Also times the staff list page and API list for a county clerk over the leads made.

    createdb guazheng_bench_leads; migrate; load_reference_data   (a fresh database each run)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_bench_leads \\
        .venv/bin/python bench/lead_intake.py --leads 500
"""

from __future__ import annotations

import argparse
import datetime
import time

from _common import median, percentile, print_table, setup_django


def _person(seq: int, *, born: int = 1960) -> dict:
    from cases.identifiers import build_uscc
    from tests.factories import valid_resident_id

    return {
        "name": f"测试{seq}",
        "id_number": valid_resident_id(seq, birth=f"{born + seq % 40}0101"),
        "certificate": {
            "category": "constructor",
            "level": "1",
            "specialty": "建筑工程",
            "number": f"川9{seq:09d}",
        },
        "registered_unit": {
            "name": f"基准测试建设公司{seq}",
            "uscc": build_uscc(region="510104", serial=700000 + seq),
        },
    }


def _register(n: int, clerk, agency) -> list[float]:
    from leads.services import lead_register

    times = []
    for seq in range(n):
        start = time.perf_counter()
        lead_register(
            actor=clerk,
            agency=agency,
            source="spot_check",
            received_on=datetime.date(2019, 3, 12),
            text="抽查发现注册单位与社保缴纳单位不一致。",
            violations=["unit_mismatch"],
            persons=[_person(100000 + seq)],
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


def _public(n: int) -> list[float]:
    from complaints.services import complaint_submit_public

    times = []
    for seq in range(n):
        start = time.perf_counter()
        complaint_submit_public(
            department="ZJ",
            region="510104",
            text=f"网上举报第{seq}号：某公司租用建造师证书。",
            anonymous=True,
            persons=[{"name": "某人"}],
        )
        times.append((time.perf_counter() - start) * 1000)
    return times


BARE = [
    "INSERT INTO leads_leadsequence (agency_id, year, last) VALUES (%(agency)s, 2019, 1) "
    "ON CONFLICT (agency_id, year) DO UPDATE SET last = leads_leadsequence.last + 1 RETURNING last",
    "INSERT INTO cases_unit (name, uscc, kind, created_at) VALUES (%(unit)s, %(uscc)s, 'other', "
    "now()) RETURNING id",
    "INSERT INTO cases_person (name, id_type, id_number, sex, is_public_employee, created_at) "
    "VALUES (%(name)s, 'resident_id', %(id)s, 'M', false, now()) RETURNING id",
]


def _bare(n: int, agency_id: int, campaign_id: int, user_id: int) -> list[float]:
    """Write the same rows per lead with hand-written SQL, one transaction each."""
    from django.db import connection, transaction

    times = []
    for seq in range(n):
        person = _person(200000 + seq, born=1920)
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            values = {
                "agency": agency_id,
                "unit": person["registered_unit"]["name"],
                "uscc": person["registered_unit"]["uscc"],
                "name": person["name"],
                "id": person["id_number"],
            }
            ids = []
            for statement in BARE:
                cursor.execute(statement, values)
                ids.append(cursor.fetchone()[0])
            cursor.execute(
                "INSERT INTO cases_certificate (person_id, certificate_type_id, number, state, "
                "registered_unit_id) SELECT %s, id, %s, 'registered', %s FROM "
                "cases_certificatetype LIMIT 1 RETURNING id",
                [ids[2], person["certificate"]["number"], ids[1]],
            )
            certificate = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO leads_lead (reference, campaign_id, source, agency_id, "
                "intake_agency_id, state, received_on, deadline, violations, text, rule, facts, "
                "fingerprint, batch, bounce_count, escalated, state_reason, outcome, "
                "outcome_reason, exemption, proof_kind, referred_to, created_at, updated_at) "
                "VALUES (%s, %s, 'spot_check', %s, %s, 'verifying', '2019-03-12', '2019-04-10', "
                "ARRAY['unit_mismatch'], 'x', '', '{}', '', '', 0, false, '', '', '', '', '', '', "
                "now(), now()) RETURNING id",
                [f"BARE-{seq}-{ids[0]}", campaign_id, agency_id, agency_id],
            )
            lead = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO leads_leadperson (lead_id, position, person_id, name, certificate_id, "
                "registered_unit_id) VALUES (%s, 0, %s, %s, %s, %s)",
                [lead, ids[2], person["name"], certificate, ids[1]],
            )
            cursor.execute(
                "INSERT INTO audit_auditevent (actor_id, actor_name, action, target_type_id, "
                "target_id, target_repr, agency_id, changes, data, created_at) VALUES "
                "(%s, 'x', 'lead.created', 1, %s, 'x', %s, '{}', '{}', now())",
                [user_id, str(lead), agency_id],
            )
        times.append((time.perf_counter() - start) * 1000)
    return times


def _lists(clerk) -> list[list]:
    from django.test import Client
    from rest_framework.test import APIClient

    rows = []
    page, api = Client(), APIClient()
    page.force_login(clerk)
    api.force_authenticate(clerk)
    for label, call in (
        ("HTML /leads/", lambda: page.get("/leads/")),
        ("API /api/v1/leads/", lambda: api.get("/api/v1/leads/")),
        ("API /api/v1/complaints/", lambda: api.get("/api/v1/complaints/")),
        ("HTML /complaints/", lambda: page.get("/complaints/")),
    ):
        call()
        times = []
        for _ in range(30):
            start = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{label}: {response.status_code}")
        rows.append([label, f"{median(times):.1f}", f"{percentile(times, 95):.1f}"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=500)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from agencies.models import Agency, Membership
    from campaigns.selectors import campaign_for_day
    from tests.factories import UserFactory

    agency = Agency.objects.select_related("department", "region").get(
        department__code="ZJ", region__code="510104"
    )
    clerk = UserFactory()
    Membership.objects.get_or_create(user=clerk, agency=agency, role="clerk")
    campaign = campaign_for_day(datetime.date(2019, 3, 12))

    app = _register(args.leads, clerk, agency)
    public = _public(args.leads)
    bare = _bare(args.leads, agency.pk, campaign.pk, clerk.pk)
    print_table(
        ["work", "calls", "p50 ms", "p95 ms", "× bare SQL (p50)"],
        [
            ["lead_register", len(app), f"{median(app):.1f}", f"{percentile(app, 95):.1f}",
             f"{median(app) / median(bare):.1f}"],
            ["complaint_submit_public", len(public), f"{median(public):.1f}",
             f"{percentile(public, 95):.1f}", f"{median(public) / median(bare):.1f}"],
            ["bare SQL, same rows", len(bare), f"{median(bare):.1f}",
             f"{percentile(bare, 95):.1f}", "1.0"],
        ],
    )  # fmt: skip
    print()
    print_table(["page (county clerk, single user)", "p50 ms", "p95 ms"], _lists(clerk))


if __name__ == "__main__":
    main()
