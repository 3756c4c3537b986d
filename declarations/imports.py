"""The declarations' Excel import sheet: one row per declared person; rows sharing a 申报序号
form one declaration, whose declarant columns are read from its first row.

Only the sheet is described here; the machinery is ``core.sheet_import`` and ``jobs.imports``.
"""

from __future__ import annotations

import datetime

from cases.forms import PERSON_PATHS
from cases.imports import person_columns, read_person
from core import sheet_import
from core.sheet_import import GROUP, ITEM, Column, Group, Row, SheetSpec, code_of, labels
from declarations.models import Declaration, DeclaredPerson

SHEET = "自查自纠申报导入"


def columns() -> list[Column]:
    """Return the template's columns in order (labels from the models' choices)."""
    return [
        Column("group", "申报序号", True, GROUP, "同一份申报的多名人员填写相同序号", 10),
        Column("declarant", "申报主体", True, GROUP, labels(Declaration.Declarant.choices), 14),
        Column("unit_name", "申报单位名称", False, GROUP, "单位、人力资源服务机构申报时必填", 24),
        Column("unit_uscc", "申报单位统一社会信用代码", False, GROUP, "单位申报时必填，18位", 22),
        Column("declared_on", "申报日期", True, GROUP, "须在自查自纠阶段内，如 2019-01-20"),
        Column("summary", "自查情况", False, GROUP, "文字，可留空", 30),
        *person_columns(),
        Column(
            "actions",
            "整改措施",
            False,
            ITEM,
            "可多选，用顿号“、”分隔：" + labels(DeclaredPerson.Action.choices),
            30,
        ),
        Column("rectified", "是否整改到位", False, ITEM, "是 或 否，留空为否", 10),
        Column("rectified_on", "整改完成日期", False, ITEM, "整改到位时必填"),
        Column("note", "说明", False, ITEM, "可留空", 24),
    ]


def read_declaration(row: Row) -> dict:
    """Return the declaration's payload from its first row, as the service takes it."""
    return {
        "declarant": code_of(row.text("declarant"), Declaration.Declarant.choices),
        "unit": row.unit("unit"),
        "declared_on": row.date("declared_on"),
        "channel": Declaration.Channel.EXCEL,
        "summary": row.text("summary"),
    }


def read_declared(row: Row) -> dict:
    """Return one declared person's payload."""
    return {
        **read_person(row),
        "actions": row.many("actions", DeclaredPerson.Action.choices),
        "rectified": row.flag("rectified"),
        "rectified_on": row.date("rectified_on") or None,
        "note": row.text("note"),
    }


def _when(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value or "")


def describe(group: Group) -> dict:
    return {
        "date": _when(group.payload.get("declared_on")),
        "items": [person["name"] for person in group.items],
    }


SPEC = SheetSpec(
    sheet=SHEET,
    columns=columns,
    group_key="group",
    group_noun="申报",
    item_noun="人员",
    read_group=read_declaration,
    read_item=read_declared,
    items_field="persons",
    group_paths={"unit": "unit_name", "unit.name": "unit_name", "unit.uscc": "unit_uscc"},
    item_paths={
        **PERSON_PATHS,
        "actions": "actions",
        "rectified": "rectified",
        "rectified_on": "rectified_on",
        "note": "note",
    },
    describe=describe,
    notes=(
        "每行填写一名申报人员：注册在申报单位、但未在该单位实际工作的专业技术人员。",
        "申报日期须在本专项整治的自查自纠阶段内（含延期）。",
    ),
)


def template_workbook() -> bytes:
    return sheet_import.template_workbook(SPEC)


def parse_workbook(content: bytes, *, on_row=None) -> sheet_import.ParseResult:
    return sheet_import.parse_workbook(SPEC, content, on_row=on_row)
