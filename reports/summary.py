"""The phase summary (工作总结) as a kind of report: its counts, narrative and attachments.

The plan asks each 市(州) department to sum up a phase to its provincial department, each
provincial department to 住建厅, and 住建厅 to the ministry. The counts that can be computed are
prefilled from the register — for the self-inspection phase the declarations received within
the phase (units, persons, rectifications, deregistrations, by certificate category and region);
for the later phases the cases opened and decided within it — and the narrative (工作开展情况,
存在问题, 下一步工作) is typed by staff. Preparing the report freezes all of it
(``SummaryContent``); the chain (prepare, sign, approve or return) is ``reports.services``'.
The document is ``reports.summary_docx``.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from campaigns.models import Phase
from cases.models import Case, CertificateType, Measure, Outcome
from core.errors import DomainError
from declarations.models import Declaration, DeclaredPerson
from reports import periods, summary_docx
from reports.models import Consolidation, Report, ReportRevision, SummaryContent, SummaryDraft

NARRATIVE = (
    ("work_done", "一、工作开展情况"),
    ("problems", "二、存在问题"),
    ("next_steps", "三、下一步工作"),
)
DEREGISTRATION_ACTIONS = {
    DeclaredPerson.Action.DEREGISTRATION_APPLIED,
    DeclaredPerson.Action.DEREGISTERED,
}
NO_CERTIFICATE = "无证书"
OWN_LEVEL = "本级"


def window(phase: Phase) -> tuple[datetime.date, datetime.date]:
    """Return the phase's first and last day, extensions included."""
    return phase.starts_on, phase.effective_end


def _child_names(agency: Agency) -> dict[str, str]:
    """Return the names of the agencies right below ``agency`` by their path segment."""
    children = Agency.objects.filter(parent=agency).select_related("region")
    return {str(child.pk): child.region.name for child in children}


def _region_of(path: str, agency: Agency, names: dict[str, str]) -> str:
    """Return the region (the child agency) a record of ``path`` falls under, or 本级."""
    segment = path[len(agency.path) :].split("/", 1)[0]
    return names.get(segment, OWN_LEVEL)


def _category_labels() -> dict[str, str]:
    return {str(code): str(label) for code, label in CertificateType.Category.choices}


def _table(columns: list[str], rows: dict[str, list[int]]) -> dict:
    """Return a breakdown as JSON: named columns and rows sorted by name (本级 last)."""
    ordered = sorted(rows.items(), key=lambda item: (item[0] == OWN_LEVEL, item[0]))
    return {"columns": columns, "rows": [[name, *values] for name, values in ordered]}


# --------------------------------------------------------------------------- the counts


def _self_inspection_counts(report: Report, first, last) -> dict:
    """Count the declarations received within the phase in the agency's subtree."""
    declarations = Declaration.objects.filter(
        campaign=report.campaign,
        agency__path__startswith=report.agency.path,
        declared_on__range=(first, last),
    )
    persons = list(
        DeclaredPerson.objects.filter(declaration__in=declarations).values(
            "rectified",
            "actions",
            "declaration__agency__path",
            "certificate__certificate_type__category",
        )
    )
    names, categories = _child_names(report.agency), _category_labels()
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in declarations.values("agency__path"):
        by_region[_region_of(row["agency__path"], report.agency, names)][0] += 1
    for person in persons:
        category = categories.get(person["certificate__certificate_type__category"] or "")
        deregistered = bool(DEREGISTRATION_ACTIONS & set(person["actions"]))
        counts = by_category[category or NO_CERTIFICATE]
        counts[0] += 1
        counts[1] += person["rectified"]
        counts[2] += deregistered
        region = by_region[_region_of(person["declaration__agency__path"], report.agency, names)]
        region[1] += 1
        region[2] += person["rectified"]
    totals = [
        ("declarations", "自查自纠申报（份）", declarations.count()),
        (
            "units",
            "申报单位（家）",
            declarations.exclude(unit=None).values("unit").distinct().count(),
        ),
        ("persons", "申报人员（人）", len(persons)),
        ("rectified", "整改到位（人）", sum(p["rectified"] for p in persons)),
        (
            "deregistrations",
            "申请或办理注销注册（人）",
            sum(bool(DEREGISTRATION_ACTIONS & set(p["actions"])) for p in persons),
        ),
    ]
    return {
        "basis": "declarations",
        "totals": [{"key": k, "label": label, "value": v} for k, label, v in totals],
        "by_category": _table(["执业资格类别", "申报人员", "整改到位", "注销注册"], by_category),
        "by_region": _table(["地区", "申报份数", "申报人员", "整改到位"], by_region),
    }


def _cases_counts(report: Report, first, last) -> dict:
    """Count the cases opened and decided within the phase in the agency's subtree."""
    cases = Case.objects.filter(
        campaign=report.campaign, agency__path__startswith=report.agency.path
    )
    opened = cases.filter(opened_on__range=(first, last))
    decided = cases.filter(decided_on__range=(first, last))
    outcomes = Outcome.objects.filter(decision__case__in=decided, role=Outcome.Role.PERSON)
    established = outcomes.filter(result=Outcome.Result.ESTABLISHED)
    measures = Counter(
        Measure.objects.filter(outcome__in=established).values_list("kind", flat=True)
    )
    names, categories = _child_names(report.agency), _category_labels()
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in opened.values("agency__path"):
        by_region[_region_of(row["agency__path"], report.agency, names)][0] += 1
    for row in decided.values("agency__path"):
        by_region[_region_of(row["agency__path"], report.agency, names)][1] += 1
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = outcomes.values(
        "result", "decision__case__agency__path", "party__certificate__certificate_type__category"
    )
    for row in rows:
        category = categories.get(row["party__certificate__certificate_type__category"] or "")
        counts = by_category[category or NO_CERTIFICATE]
        counts[0] += 1
        if row["result"] == Outcome.Result.ESTABLISHED:
            counts[1] += 1
            path = row["decision__case__agency__path"]
            by_region[_region_of(path, report.agency, names)][2] += 1
    sources = Counter(opened.values_list("source", flat=True))
    totals = [
        ("opened", "立案（件）", opened.count()),
        *(
            (f"source_{code}", f"其中{label}（件）", sources.get(code, 0))
            for code, label in Case.Source.choices
        ),
        ("decided", "作出处理决定（件）", decided.count()),
        ("established", "认定挂证等违法违规人员（人）", established.count()),
        ("revoked", "撤销注册（人）", measures.get(Measure.Kind.REVOKE_REGISTRATION, 0)),
        ("blacklisted", "列入黑名单（人）", measures.get(Measure.Kind.BLACKLIST, 0)),
        (
            "self_corrected",
            "自查自纠不再追究（人）",
            established.filter(self_corrected=True).count(),
        ),
    ]
    return {
        "basis": "cases",
        "totals": [{"key": k, "label": str(label), "value": v} for k, label, v in totals],
        "by_category": _table(["执业资格类别", "涉案人员", "认定违法违规"], by_category),
        "by_region": _table(["地区", "立案", "处理决定", "认定人员"], by_region),
    }


def summary_counts(report: Report) -> dict:
    """Return the counts a summary of ``report``'s phase is prefilled with, as JSON."""
    first, last = window(report.phase)
    if report.phase.kind == Phase.Kind.SELF_INSPECTION:
        counts = _self_inspection_counts(report, first, last)
    else:
        counts = _cases_counts(report, first, last)
    return {"window": [first.isoformat(), last.isoformat()], **counts}


# --------------------------------------------------------------------------- the kind's parts


def check_open(report: Report) -> None:
    """Refuse to prepare a summary of a phase not yet begun, or without its narrative."""
    periods.check_phase_begun(report.phase)
    draft = SummaryDraft.objects.filter(report=report).first()
    if draft is None or not draft.work_done.strip():
        message = _("请先填写并保存“工作开展情况”，再填报工作总结。")
        raise DomainError(message, fields={"work_done": [message]})


def compile_content(report: Report) -> dict:
    """Return what preparing the summary freezes now: counts, narrative and attachments."""
    draft = SummaryDraft.objects.filter(report=report).first()
    return {
        "counts": summary_counts(report),
        **{key: getattr(draft, key, "") if draft else "" for key, _title in NARRATIVE},
        "attachments": list(report.summary_attachments.values_list("pk", flat=True)),
    }


def size(content: dict) -> int:
    """Return the number a revision lists as its size: the persons counted."""
    totals = {item["key"]: item["value"] for item in content["counts"]["totals"]}
    return totals.get("persons", totals.get("established", 0))


def freeze(revision: ReportRevision, content: dict) -> None:
    """Store the content with the revision, never to change."""
    frozen = SummaryContent.objects.create(
        revision=revision,
        counts=content["counts"],
        **{key: content[key] for key, _title in NARRATIVE},
    )
    frozen.attachments.set(content["attachments"])


def content_of(report: Report) -> tuple[dict, bool]:
    """Return the summary to show: the current revision's frozen content, or a live preview."""
    revision = report.current_revision
    frozen = getattr(revision, "summary", None) if revision else None
    if frozen is not None and not report.is_open:
        return {
            "counts": frozen.counts,
            **{key: getattr(frozen, key) for key, _title in NARRATIVE},
            "attachments": list(frozen.attachments.all()),
        }, True
    content = compile_content(report)
    content["attachments"] = list(report.summary_attachments.all())
    return content, False


def rows(report: Report, *, full_ids: bool) -> tuple[dict, bool]:
    """The kind's ``rows``: a summary has no ID numbers to mask."""
    return content_of(report)


def revision_diff(report: Report, *, full_ids: bool) -> None:
    """A summary is read whole each time; no row diff."""
    return


def due_date(report: Report) -> datetime.date | None:
    """Return when the report is due: the phase's date for its level (data, not code)."""
    phase = report.phase
    return {"prefecture": phase.summary_due_city, "province": phase.summary_due_province}.get(
        report.agency.level
    )


def summary_filename(report: Report) -> str:
    return f"{report.agency.name}{report.phase.get_kind_display()}阶段工作总结.docx"


def consolidation_filename(consolidation: Consolidation) -> str:
    return f"四川省{consolidation.phase.get_kind_display()}阶段工作总结.docx"


def province_summaries(consolidation: Consolidation) -> list[Report]:
    """Return the five departments' approved provincial summaries the consolidation holds."""
    revisions = consolidation.revisions.select_related(
        "report__agency__department", "summary"
    ).order_by("report__agency__department__sort_order")
    return [revision.report for revision in revisions]


def sum_counts(contents: list[dict]) -> dict:
    """Return the counts of several summaries added up (the province's 汇总)."""
    if not contents:
        return {"totals": [], "by_category": {"columns": [], "rows": []}}
    totals: dict[str, dict] = {}
    categories: dict[str, list[int]] = {}
    for counts in contents:
        for item in counts["totals"]:
            entry = totals.setdefault(item["key"], {**item, "value": 0})
            entry["value"] += item["value"]
        for name, *values in counts["by_category"]["rows"]:
            row = categories.setdefault(name, [0] * len(values))
            categories[name] = [a + b for a, b in zip(row, values, strict=True)]
    return {
        "window": contents[0].get("window"),
        "basis": contents[0].get("basis"),
        "totals": list(totals.values()),
        "by_category": _table(contents[0]["by_category"]["columns"], categories),
    }


# --------------------------------------------------------------------------- documents


def _tables(counts: dict, scope: str) -> list[summary_docx.CountTable]:
    tables = []
    for key, title in (("by_category", "按执业资格类别"), ("by_region", "按地区")):
        table = counts.get(key)
        if table and table["rows"]:
            tables.append(
                summary_docx.CountTable(
                    f"{scope}统计表（{title}）", table["columns"], table["rows"]
                )
            )
    return tables


def _contact(revision: ReportRevision | None) -> str:
    if revision is None or not revision.preparer_name:
        return ""
    phone = f"，联系电话：{revision.preparer_phone}" if revision.preparer_phone else ""
    return f"（联系人：{revision.preparer_name}{phone}）"


def _issued(revision: ReportRevision | None) -> str:
    return _issued_at(revision.submitted_at if revision else None)


def document(report: Report, *, full_ids: bool) -> bytes:
    """Return the summary as a Word document (the frozen content, or the draft's preview)."""
    content, frozen = content_of(report)
    revision = report.current_revision if frozen else None
    phase = report.phase.get_kind_display()
    return summary_docx.summary_document(
        summary_docx.SummaryDocument(
            title=f"{report.agency.name}关于工程建设领域专业技术人员职业资格“挂证”等违法违规行为"
            f"专项整治{phase}阶段工作情况的报告",
            sections=[summary_docx.Section(title, content[key]) for key, title in NARRATIVE],
            totals=[(item["label"], item["value"]) for item in content["counts"]["totals"]],
            tables=_tables(content["counts"], phase),
            issuer=report.agency.name,
            date=_issued(revision),
            contact=_contact(revision),
            attachments=[a.original_name for a in content["attachments"]],
        )
    )


def consolidation_document(consolidation: Consolidation, *, full_ids: bool) -> bytes:
    """Return 住建厅's province-wide summary: the five departments' counts added up, and each
    department's narrative under its name."""
    reports = province_summaries(consolidation)
    frozen = [r.current_revision.summary for r in reports]
    phase = consolidation.phase.get_kind_display()
    sections = [
        summary_docx.Section(
            f"（{index}）{report.agency.department.name}",
            "\n".join(
                f"{title[2:]}：{getattr(content, key) or '（无）'}" for key, title in NARRATIVE
            ),
        )
        for index, (report, content) in enumerate(zip(reports, frozen, strict=True), start=1)
    ]
    totals = sum_counts([content.counts for content in frozen])
    return summary_docx.summary_document(
        summary_docx.SummaryDocument(
            title=f"四川省工程建设领域专业技术人员职业资格“挂证”等违法违规行为专项整治{phase}"
            "阶段工作总结",
            sections=[summary_docx.Section("各部门工作情况", ""), *sections],
            totals=[(item["label"], item["value"]) for item in totals["totals"]],
            tables=_tables(totals, f"全省{phase}"),
            issuer=consolidation.agency.name,
            date=_issued_at(consolidation.reported_at),
        )
    )


def _issued_at(moment) -> str:
    day = timezone.localtime(moment).date() if moment else timezone.localdate()
    return f"{day.year}年{day.month}月{day.day}日"
