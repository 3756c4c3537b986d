"""The case list as Excel: the rows the list shows for its filters, masked as the list masks.

Rows are read in chunks with their parties prefetched, so a large export runs in flat memory
and a fixed number of queries per chunk.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.http import QueryDict
from django.utils import timezone

from agencies import permissions
from agencies.querysets import memberships_of
from cases.identifiers import mask_id_number
from cases.models import Case

HEADERS = [
    "案件编号", "承办机构", "案件来源", "违法违规行为", "立案日期", "状态", "处理决定日期",
    "涉案人员", "证件号码", "执业资格类别", "证书编号", "注册单位", "实际工作单位",
    "买卖租借证书单位", "人力资源服务机构",
]  # fmt: skip
TEXT_COLUMNS = (0, 8, 10)
WIDTHS = (22, 26, 10, 24, 12, 10, 12, 12, 22, 24, 18, 26, 26, 26, 26)
CHUNK = 500


def scope_label(user, query: QueryDict) -> str:
    """Return the file name's place and time: the user's first agency's area and the month."""
    memberships = memberships_of(user)
    place = memberships[0].agency.region.name if memberships else "全省"
    month = (query.get("decided_month") or "").strip()
    return f"{place}_{month or timezone.localdate().isoformat()}"


def _lines(values) -> str:
    return "\n".join(v for v in values if v)


def _row(case: Case, unmask: bool, labels: dict) -> list:
    parties = list(case.parties.all())
    numbers = [p.person.id_number if p.person_id else "" for p in parties]
    return [
        case.reference,
        case.agency.name,
        labels["source"].get(case.source, case.source),
        "、".join(str(labels["violation"].get(v, v)) for v in case.violations),
        case.opened_on,
        labels["status"].get(case.status, case.status),
        case.decided_on,
        _lines(p.name for p in parties),
        _lines(n if unmask else mask_id_number(n) for n in numbers),
        _lines(p.certificate.certificate_type.title if p.certificate_id else "" for p in parties),
        _lines(p.certificate.number if p.certificate_id else "" for p in parties),
        _lines(p.registered_unit.name if p.registered_unit_id else "" for p in parties),
        _lines(p.actual_unit.name if p.actual_unit_id else "" for p in parties),
        case.certificate_user_unit.name if case.certificate_user_unit_id else "",
        case.hr_agency.name if case.hr_agency_id else "",
    ]


def export_rows(user, query: QueryDict):
    """Return (count, rows) of the filtered case list as ``user`` sees it."""
    from cases.filters import CaseFilterSet  # the filters reach the services (number look-ups)
    from cases.selectors import case_list

    request = SimpleNamespace(user=user)
    queryset = CaseFilterSet(query, queryset=case_list(user=user), request=request).qs
    ids = list(queryset.order_by("-opened_on", "-id").values_list("pk", flat=True))
    writable = set(permissions.writable_agency_ids(user))
    labels = {
        "source": {k: str(v) for k, v in Case.Source.choices},
        "violation": {k: str(v) for k, v in Case.Violation.choices},
        "status": {k: str(v) for k, v in Case.Status.choices},
    }

    def rows():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            by_id = {c.pk: c for c in case_list(user=user).filter(pk__in=chunk)}
            for pk in chunk:
                case = by_id[pk]
                unmask = user.is_superuser or case.agency_id in writable
                yield _row(case, unmask, labels)

    return len(ids), rows()
