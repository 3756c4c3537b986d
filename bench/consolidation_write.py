"""Write a large 附件1 consolidation in its background job: time and peak memory (RSS).

Usage (a dedicated database with the reference data; see bench/README.md):

    .venv/bin/python bench/consolidation_write.py [--rows 50000]

The script first stores a March 2019 consolidation of the five departments' approved province
reports, ``--rows`` frozen rows in all (the bench's own rows, replacing any consolidation of that
month), then measures each writer in a fresh process of its own, so that each peak RSS
(``VmHWM``) is that writer's alone:

* ``job`` — the download's background job (``reports.job_kinds``), run eagerly in the process:
  claims the job, streams the rows from the database a chunk at a time into the workbook file,
  writes progress on its second connection;
* ``in memory`` — ``reports.annex1.consolidation_workbook``, the same workbook as bytes (what
  the download answers at once for a small consolidation);
* ``write_only`` — bare openpyxl in ``write_only`` mode writing the same cell values (every row
  twice: its department's sheet and 汇总) from a cursor: the physical limit.

``--root`` runs the ``in memory`` writer from another checkout of the app (e.g. a ``git
archive`` of an older commit), to compare with an earlier writer on the same data.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, print_table, setup_django

MARCH = datetime.date(2019, 3, 1)
DEPARTMENTS = ("ZJ", "RS", "JT", "SL", "TX")
PENALTY = "撤销注册、3年内不得再次申请注册（川建罚〔2019〕12号）"


def _status_mb(field: str) -> float:
    """Return a memory figure of this process in MB from /proc (VmRSS: now, VmHWM: peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    # VmHWM, not ru_maxrss: on Linux ru_maxrss survives execve, so a child started by this
    # script would report the parent's peak (Django plus the rows it stored) when higher.
    return _status_mb("VmHWM")


def prepare(rows: int) -> None:
    """Store the consolidation to write: five approved reports sharing ``rows`` rows."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from agencies.models import Agency, Membership
    from campaigns.models import Campaign
    from reports.models import Consolidation, Report, ReportRevision, ReportRow

    campaign = Campaign.objects.get(code="sc-2019")
    agencies = {
        a.department.code: a
        for a in Agency.objects.filter(
            department__code__in=DEPARTMENTS, region__code="510000"
        ).select_related("department")
    }
    user, _created = get_user_model().objects.get_or_create(username="bench-consolidator")
    Membership.objects.get_or_create(user=user, agency=agencies["ZJ"], role="reviewer")
    now = timezone.now()
    with transaction.atomic():
        Consolidation.objects.filter(campaign=campaign, month=MARCH).delete()
        Report.objects.filter(campaign=campaign, month=MARCH, agency__in=agencies.values()).update(
            current_revision=None
        )
        Report.objects.filter(campaign=campaign, month=MARCH, agency__in=agencies.values()).delete()
        consolidation = Consolidation.objects.create(
            campaign=campaign, month=MARCH, agency=agencies["ZJ"], created_by=user
        )
        share = rows // len(DEPARTMENTS)
        for index, code in enumerate(DEPARTMENTS):
            count = share if index < len(DEPARTMENTS) - 1 else rows - share * index
            agency = agencies[code]
            report = Report.objects.create(
                campaign=campaign, agency=agency, month=MARCH, status=Report.Status.APPROVED
            )
            revision = ReportRevision.objects.create(
                report=report,
                number=1,
                preparer_name="张三",
                preparer_phone="028-86651234",
                prepared_at=now,
                signer_name="李四",
                submitted_at=now,
                row_count=count,
                outcome=ReportRevision.Outcome.APPROVED,
            )
            Report.objects.filter(pk=report.pk).update(current_revision=revision)
            ReportRow.objects.bulk_create(
                (_row(revision, agency, seq) for seq in range(1, count + 1)), batch_size=5000
            )
            consolidation.revisions.add(revision)
    print(f"stored consolidation {consolidation.pk}: {rows:,} rows over {len(DEPARTMENTS)} sheets")


def _row(revision, agency, seq: int):
    from reports.models import ReportRow

    return ReportRow(
        revision=revision,
        seq=seq,
        name="王" + "伟芳娜秀英敏静丽"[seq % 8] + "强磊军洋"[seq % 4],
        id_number=f"5101041980{seq % 12 + 1:02d}{seq % 28 + 1:02d}{seq % 1000:03d}X",
        certificate_number=f"川151201{seq:07d}",
        certificate_title="一级建造师（建筑工程）",
        registered_unit="四川华信建设工程有限公司",
        actual_unit="成都蓉城工程设计有限公司",
        unit_name="四川华信建设工程有限公司",
        unit_uscc="91510104MA61XXXX0X",
        self_correction="已注销注册" if seq % 3 == 0 else "",
        penalty="" if seq % 3 == 0 else PENALTY,
        remarks="补报（2019年2月）" if seq % 50 == 0 else "",
        kind=ReportRow.Kind.REGULAR,
        row_key=f"p{seq}",
        fact_month=MARCH,
        fingerprint=f"{seq:032x}",
        origin_agency=agency,
        origin_name=agency.name,
        measure_kinds="revoke_registration",
    )


def _consolidation():
    from reports.models import Consolidation

    return Consolidation.objects.select_related("agency", "created_by").get(month=MARCH)


def measure_job() -> dict:
    from jobs.models import Job
    from jobs.services import job_start
    from reports.job_kinds import CONSOLIDATION_WORKBOOK

    consolidation = _consolidation()
    job = job_start(
        kind=CONSOLIDATION_WORKBOOK,
        owner=consolidation.created_by,
        params={"consolidation": consolidation.pk},
    )  # eager Celery: runs here once job_start's transaction commits
    job.refresh_from_db()
    if job.state != Job.State.SUCCEEDED:
        raise SystemExit(f"job {job.pk} {job.state}: {job.message}")
    path = Path(os.environ.get("MEDIA_ROOT", ROOT / "var" / "media")) / "jobs/exports"
    size = (path / job.result["file"]).stat().st_size
    (path / job.result["file"]).unlink()
    return {"bytes": size, "progress": f"{job.done:,}/{job.total:,}"}


def measure_in_memory() -> dict:
    from reports import annex1

    return {"bytes": len(annex1.consolidation_workbook(_consolidation(), full_ids=True))}


def measure_write_only() -> dict:
    import tempfile

    from django.db import transaction
    from openpyxl import Workbook

    from reports import annex1, layout
    from reports.models import ReportRow

    consolidation = _consolidation()
    revisions = list(consolidation.revisions.order_by("pk"))
    keys = [c.key for c in layout.COLUMNS]

    def values(revision_ids):
        for revision_id in revision_ids:
            rows = (
                ReportRow.objects.filter(revision_id=revision_id)
                .order_by("seq")
                .values(*annex1.ROW_KEYS)
                .iterator(chunk_size=annex1.CHUNK)
            )
            for seq, row in enumerate(rows, start=1):
                yield [seq if key == "seq" else row.get(key, "") for key in keys]

    wb = Workbook(write_only=True)
    with transaction.atomic():
        for revision in revisions:
            ws = wb.create_sheet()
            for row in values([revision.pk]):
                ws.append(row)
        ws = wb.create_sheet()
        for row in values([r.pk for r in revisions]):
            ws.append(row)
        with tempfile.TemporaryFile() as stream:
            wb.save(stream)
            return {"bytes": stream.tell()}


WRITERS = {"job": measure_job, "in memory": measure_in_memory, "write_only": measure_write_only}


def child(writer: str, root: str | None) -> None:
    """Measure one writer in this process and print its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    if root:
        sys.path.insert(0, root)  # ahead of this checkout
    setup_django()
    from django.db import connection

    connection.ensure_connection()
    base = _status_mb("VmRSS")
    begin = time.perf_counter()
    figures = WRITERS[writer]()
    seconds = time.perf_counter() - begin
    print(json.dumps({**figures, "seconds": seconds, "base": base, "peak": _peak_mb()}))


def run(args) -> dict:
    setup_django()
    prepare(args.rows)
    results = []
    plans = [("job", None), ("in memory", None), ("write_only", None)]
    if args.root:
        plans.insert(2, ("in memory", args.root))
    for writer, root in plans:
        command = [sys.executable, __file__, "--child", writer]
        if root:
            command += ["--root", root]
        # Run from the checkout itself: something in Django's setup puts the working
        # directory first on sys.path.
        output = subprocess.run(  # noqa: S603 — this script, fixed arguments
            command, check=True, capture_output=True, text=True, cwd=root or ROOT
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        results.append((writer + (f" ({root})" if root else ""), figures))
    limit = results[-1][1]["seconds"]
    print(f"Consolidation of {args.rows:,} rows (each written twice: its sheet and 汇总)")
    print_table(
        ["writer", "seconds", "ratio to write_only", "RSS base MB", "RSS peak MB", "bytes", "job"],
        [
            [
                name,
                f"{f['seconds']:.1f}",
                f"{f['seconds'] / limit:.2f}×",
                f"{f['base']:.0f}",
                f"{f['peak']:.0f}",
                f"{f['bytes']:,}",
                f.get("progress", ""),
            ]
            for name, f in results
        ],
    )
    figures = {name.replace(" ", "_"): f for name, f in results}
    if args.json:  # for run_all.py: the figures as the last line
        print(json.dumps(figures))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--root", help="another checkout to run the in-memory writer from")
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    parser.add_argument("--child", choices=sorted(WRITERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.root)
    else:
        run(args)


if __name__ == "__main__":
    main()
