"""Time and peak memory of checking and importing an Excel case import, and of refusing bombs.

Usage (a dedicated database with the reference data loaded; the check writes nothing, the
import deletes its cases again, and the tables it writes are vacuumed before each part):

    createdb -h 127.0.0.1 -U postgres guazheng_import_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/guazheng_import_bench
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py load_reference_data
    .venv/bin/python bench/import_check.py [--rows 10000] [--parts guard,parse,check,import]

Each part runs in a fresh process so that its peak resident memory (``ru_maxrss``) is its own;
"base" is the process after Django setup and the workbook is built, before the part runs.

* ``guard`` — ``core.xlsx_guard.xlsx_check`` on the workbook;
* ``parse`` — ``cases.imports.parse_workbook`` (``core.sheet_import`` over the case sheet):
  the guard, then calamine reading every row;
* ``check`` — the whole check job, run eagerly as without a broker: the guard, parsing and the
  dry run of ``case_create_many`` (every case checked, then written) in a transaction that is
  rolled back;
* ``import`` — check and import end to end, as a clerk's upload and confirmation run them: the
  check job, then ``import_confirm`` and the import job (which parses and checks the file again,
  writes and commits, the deferred foreign-key checks included); the cases are deleted again
  afterwards, so every run starts from the same data;
* ``bombs`` — ``xlsx_check`` refusing each hand-built bomb of tests/core/test_xlsx_guard.py.
"""

import argparse
import contextlib
import datetime
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

from _common import ROOT, print_table, setup_django
from fill_cases import resident_id, uscc


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workbook(rows: int) -> bytes:
    """Return the import template filled with ``rows`` one-person cases (valid identifiers).

    Every case has its own person and certificate; the 200 registered and 200 working units are
    each shared by 50 cases, so that case k is linked to the file's earlier cases of its units
    (245,000 links for 10,000 rows), as entering them one by one would link them.
    """
    from openpyxl import load_workbook

    from cases import imports

    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book[imports.SHEET]
    keys = [c.key for c in imports.columns()]
    born = datetime.date(1970, 1, 1)
    for i in range(1, rows + 1):
        birth = (born + datetime.timedelta(days=i)).strftime("%Y%m%d")
        values = {
            "group": str(i),
            "source": "自查自纠",
            "violations": "注册单位与实际工作单位不符",
            "opened_on": "2019-03-02",
            "name": f"张{i}",
            "id_number": resident_id(f"510104{birth}{i % 1000:03d}"),
            "is_public_employee": "否",
            "cert_category": "建造师",
            "cert_level": "一级",
            "cert_specialty": "建筑工程",
            "cert_number": f"川151{i:09d}",
            "reg_unit_name": f"四川某建设有限公司{i % 200}",
            "reg_unit_uscc": uscc("510104", 7000 + i % 200),
            "act_unit_name": f"成都某设计院{i % 200}",
            "act_unit_uscc": uscc("510105", 8000 + i % 200),
        }
        sheet.append([values.get(key, "") for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def part_guard(content: bytes) -> dict:
    from cases import imports
    from core.sheet_import import HEADER_ROW
    from core.xlsx_guard import xlsx_check

    started = time.perf_counter()
    xlsx_check(content, max_rows=imports.SPEC.max_rows + HEADER_ROW)
    return {"seconds": time.perf_counter() - started}


def part_parse(content: bytes) -> dict:
    from cases import imports

    started = time.perf_counter()
    result = imports.parse_workbook(content)
    if result.errors:
        raise SystemExit(f"unexpected errors: {result.errors[:3]}")
    return {"seconds": time.perf_counter() - started, "cases": len(result.groups)}


def _clerk():
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from agencies.models import Agency, Membership

    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="import-bench-")
    agency = Agency.objects.get(department__code="ZJ", region__code="510104")
    user, _ = get_user_model().objects.get_or_create(username="import_bench")
    Membership.objects.get_or_create(user=user, agency=agency, role="clerk")
    return user, agency


WRITTEN = (
    "cases_caselink",
    "cases_caseparty",
    "cases_case",
    "cases_certificate",
    "cases_person",
    "cases_unit",
    "cases_casesequence",
    "notifications_notification",
)


def _vacuum() -> None:
    """Reclaim what earlier runs left (a rolled-back check, the deleted import), so that each run
    starts from the same tables; not timed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(WRITTEN)}")


def _checked(user, agency, content: bytes):
    from cases import job_kinds
    from jobs import services
    from jobs.models import Job

    job = services.job_start(kind=job_kinds.CHECK, owner=user, agency=agency, content=content)
    job = Job.objects.get(pk=job.pk)
    if job.state != "succeeded" or not job.result["ok"]:
        raise SystemExit(f"check failed: {job.state} {job.error} {str(job.result)[:500]}")
    return job


def part_check(content: bytes) -> dict:
    from jobs import services

    user, agency = _clerk()
    _vacuum()
    started = time.perf_counter()
    job = _checked(user, agency, content)
    seconds = time.perf_counter() - started
    services.job_input_discard(job=job)
    return {"seconds": seconds, "cases": job.result["group_count"]}


def _marks() -> dict:
    """Return the last id of each table an import writes, and the case counters."""
    from django.db.models import Max

    from cases.models import Case, CaseLink, CaseParty, CaseSequence, Certificate, Person, Unit
    from notifications.models import Notification

    models = (CaseLink, CaseParty, Case, Certificate, Person, Unit, Notification)
    marks = {m: m.objects.aggregate(last=Max("pk"))["last"] or 0 for m in models}
    marks["sequences"] = list(CaseSequence.objects.values_list("pk", "last"))
    return marks


def _undo(marks: dict) -> int:
    """Delete what the import wrote after ``marks`` (the audit log is append-only: it stays)."""
    from django.db import transaction

    from cases.models import Case, CaseSequence

    with transaction.atomic():
        imported = Case.objects.filter(pk__gt=marks[Case]).count()
        for model, last in marks.items():
            if model != "sequences":
                model.objects.filter(pk__gt=last).delete()
        before = dict(marks["sequences"])
        for sequence in CaseSequence.objects.all():
            if sequence.pk not in before:
                sequence.delete()
            elif sequence.last != before[sequence.pk]:
                sequence.last = before[sequence.pk]
                sequence.save(update_fields=["last"])
    return imported


def part_import(content: bytes) -> dict:
    from cases import job_kinds
    from jobs.imports import import_confirm
    from jobs.models import Job

    user, agency = _clerk()
    _vacuum()
    marks = _marks()
    started = time.perf_counter()
    check = _checked(user, agency, content)
    checked = time.perf_counter()
    job = import_confirm(job_kinds.CASES, actor=user, check=check)
    job = Job.objects.get(pk=job.pk)
    done = time.perf_counter()
    if job.state != "succeeded":
        raise SystemExit(f"import failed: {job.state} {job.error} {str(job.result)[:500]}")
    figures = {
        "seconds": done - started,
        "check_seconds": checked - started,
        "import_seconds": done - checked,
        "cases": _undo(marks),
    }
    _vacuum()
    return figures


def bombs() -> dict:
    """Return each bomb's packed size, refusal time and traced peak (tracemalloc)."""
    from core.xlsx_guard import MIB, UnsafeWorkbookError, xlsx_check
    from tests.core.test_xlsx_guard import MAIN, build, sheet_head

    many = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for i in range(10_000):
            archive.writestr(f"x/{i}", b"")
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(105_000))
    cases = {
        "100 MB of zeros in one sheet": build(
            {"xl/worksheets/sheet1.xml": (sheet_head(), b"0" * MIB, 100, b"")}
        ),
        "10 million tiny shared strings": build(
            {
                "xl/sharedStrings.xml": (
                    f'<sst xmlns="{MAIN}">'.encode(),
                    b"<si><t>a</t></si>" * 100_000,
                    100,
                    b"</sst>",
                )
            }
        ),
        "105,000 distinct shared strings, no count": build(
            {"xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">'.encode() + strings + b"</sst>"}
        ),
        "5 MB of zeros (ratio)": build(
            {"xl/worksheets/sheet1.xml": (sheet_head(), b"0" * MIB, 5, b"")}
        ),
        "10,000 empty parts": many.getvalue(),
        "dimension A1:U1048576": build(
            {"xl/worksheets/sheet1.xml": sheet_head("A1:U1048576") + b"</sheetData></worksheet>"}
        ),
    }
    figures = {}
    for name, content in cases.items():
        started = time.perf_counter()
        with contextlib.suppress(UnsafeWorkbookError):
            xlsx_check(content)
        seconds = time.perf_counter() - started
        tracemalloc.start()
        with contextlib.suppress(UnsafeWorkbookError):
            xlsx_check(content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        figures[name] = {
            "packed_kb": len(content) / 1024,
            "seconds": seconds,
            "peak_mb": peak / MIB,
        }
    return figures


def child(part: str, rows: int) -> None:
    setup_django()
    if part == "bombs":
        print(json.dumps(bombs()))
        return
    content = workbook(rows)
    base = rss_mb()
    parts = {"guard": part_guard, "parse": part_parse, "check": part_check, "import": part_import}
    figures = parts[part](content)
    figures.update({"base_mb": base, "peak_mb": rss_mb(), "size_kb": len(content) / 1024})
    print(json.dumps(figures))


def run(part: str, rows: int) -> dict:
    command = [sys.executable, __file__, "--part", part, "--rows", str(rows)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--part", choices=["guard", "parse", "check", "import", "bombs"])
    parser.add_argument("--parts", default="guard,parse,check,import,bombs")
    args = parser.parse_args()
    if args.part:
        child(args.part, args.rows)
        return
    parts = args.parts.split(",")
    table = []
    for part in ("guard", "parse", "check", "import"):
        if part not in parts:
            continue
        f = run(part, args.rows)
        time_text = f"{f['seconds']:.3f} s"
        if part == "import":
            time_text += f" (check {f['check_seconds']:.2f} s + import {f['import_seconds']:.2f} s)"
        table.append(
            [
                part,
                f"{f['size_kb']:.0f} KB",
                time_text,
                f"{f['base_mb']:.0f} MB",
                f"{f['peak_mb']:.0f} MB",
            ]
        )
    print(f"Checking and importing a {args.rows:,}-row case import")
    print_table(["part", "file", "time", "RSS base", "RSS peak"], table)
    print()
    if "bombs" not in parts:
        return
    rows = [
        [
            name,
            f"{f['packed_kb']:.0f} KB",
            f"{f['seconds'] * 1000:.1f} ms",
            f"{f['peak_mb']:.1f} MB",
        ]
        for name, f in run("bombs", args.rows).items()
    ]
    print_table(["bomb", "packed", "refused in", "traced peak"], rows)


if __name__ == "__main__":
    main()
