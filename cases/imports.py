"""The case register's Excel import sheet: one row per person; rows sharing a 案件序号 form one
case, whose case-level columns are read from its first row.

Only the sheet is described here; parsing, the dry run, the all-or-nothing import and the
error texts (第N行「列」) are ``core.sheet_import``'s, and the background jobs ``jobs.imports``'
(registered in ``cases.job_kinds``).
"""

from __future__ import annotations

import datetime

from cases.forms import CASE_PATHS, PERSON_PATHS
from cases.models import Case, CertificateType, Person
from core import sheet_import
from core.sheet_import import (
    GROUP,
    ITEM,
    Column,
    Group,
    Row,
    SheetSpec,
    code_of,
    labels,
    options,
)

SHEET = "案件导入"


def columns() -> list[Column]:
    """Return the template's columns in order (labels from the models' choices)."""
    return [
        Column(
            "group",
            "案件序号",
            True,
            GROUP,
            "同一案件的多名人员填写相同序号（如 1、2、3）",
            10,
            example="1",
        ),
        Column(
            "source",
            "案件来源",
            True,
            GROUP,
            labels(Case.Source.choices),
            options=options(Case.Source.choices),
            example=str(Case.Source.COMPARISON.label),
        ),
        Column(
            "violations",
            "违法违规行为",
            True,
            GROUP,
            "可多选，用顿号“、”分隔：" + labels(Case.Violation.choices),
            30,
            options=options(Case.Violation.choices),
            several=True,
            example=str(Case.Violation.UNIT_MISMATCH.label),
        ),
        Column("opened_on", "立案日期", True, GROUP, "日期，如 2019-03-02", example="2019-03-02"),
        Column(
            "summary",
            "基本案情",
            False,
            GROUP,
            "文字，可留空",
            30,
            example="比对发现注册单位与社保缴纳单位不一致",
        ),
        *_unit_columns(),
        *person_columns(),
    ]


def _unit_columns() -> list[Column]:
    """Return the case's unit columns (the unit using certificates, the HR agency)."""
    return [
        Column("cuu_name", "买卖租借证书单位名称", False, GROUP, "可留空", 24),
        Column(
            "cuu_uscc",
            "买卖租借证书单位统一社会信用代码",
            False,
            GROUP,
            "18位，可留空",
            22,
            as_text=True,
        ),
        Column("hr_name", "人力资源服务机构名称", False, GROUP, "可留空", 24),
        Column(
            "hr_uscc",
            "人力资源服务机构统一社会信用代码",
            False,
            GROUP,
            "18位，可留空",
            22,
            as_text=True,
        ),
    ]


def person_columns() -> list[Column]:
    """Return the columns of one professional (shared with other registers' sheets)."""
    yes_no = ("是", "否")
    return [
        Column("name", "姓名", True, ITEM, "专业技术人员姓名", 10, example="张三"),
        Column(
            "id_type",
            "证件类型",
            False,
            ITEM,
            "留空为居民身份证；" + labels(Person.IdType.choices),
            options=options(Person.IdType.choices),
        ),
        Column(
            "id_number",
            "证件号码",
            True,
            ITEM,
            "身份证号18位（15位一代证号自动升位）；本列为文本格式",
            22,
            as_text=True,
            example="510104198001010013",
        ),
        Column(
            "is_public_employee",
            "国家机关/事业单位工作人员",
            False,
            ITEM,
            "是 或 否，留空为否",
            options=yes_no,
            example="否",
        ),
        *_certificate_columns(),
    ]


def _certificate_columns() -> list[Column]:
    """Return the columns of a professional's certificate and units."""
    return [
        Column(
            "cert_category",
            "执业资格类别",
            False,
            ITEM,
            "无证书可留空；" + labels(CertificateType.Category.choices),
            options=options(CertificateType.Category.choices),
            example=str(CertificateType.Category.CONSTRUCTOR.label),
        ),
        Column(
            "cert_level",
            "级别",
            False,
            ITEM,
            "一级、二级 或留空",
            8,
            options=("一级", "二级"),
            example="一级",
        ),
        Column("cert_specialty", "专业", False, ITEM, "如 建筑工程", 14, example="建筑工程"),
        Column(
            "cert_number",
            "证书编号",
            False,
            ITEM,
            "填写执业资格类别时必填",
            18,
            as_text=True,
            example="川1512019000123",
        ),
        *_person_unit_columns(),
    ]


def _person_unit_columns() -> list[Column]:
    """Return the units of a professional: registered with, working at."""
    return [
        Column(
            "reg_unit_name",
            "注册单位名称",
            False,
            ITEM,
            "可留空",
            24,
            example="四川某建设工程有限公司",
        ),
        Column(
            "reg_unit_uscc",
            "注册单位统一社会信用代码",
            False,
            ITEM,
            "18位，可留空",
            22,
            as_text=True,
        ),
        Column("act_unit_name", "实际工作单位名称", False, ITEM, "可留空", 24),
        Column(
            "act_unit_uscc",
            "实际工作单位统一社会信用代码",
            False,
            ITEM,
            "18位，可留空",
            22,
            as_text=True,
        ),
    ]


def read_case(row: Row) -> dict:
    """Return the case-level payload of the group's first row, as the service takes it."""
    return {
        "source": code_of(row.text("source"), Case.Source.choices),
        "violations": row.many("violations", Case.Violation.choices),
        "opened_on": row.date("opened_on"),
        "summary": row.text("summary"),
        "certificate_user_unit": row.unit("cuu"),
        "hr_agency": row.unit("hr"),
    }


def read_person(row: Row) -> dict:
    """Return one person payload of a row, as the service takes it."""
    public = row.flag("is_public_employee")
    certificate = None
    if any(row.text(k) for k in ("cert_category", "cert_level", "cert_specialty", "cert_number")):
        certificate = {
            "category": code_of(row.text("cert_category"), CertificateType.Category.choices),
            "level": row.text("cert_level"),
            "specialty": row.text("cert_specialty"),
            "number": row.identifier("cert_number"),
        }
    id_type = row.text("id_type")
    return {
        "name": row.text("name"),
        "id_type": code_of(id_type, Person.IdType.choices) if id_type else "resident_id",
        "id_number": row.identifier("id_number"),
        "is_public_employee": public,
        "certificate": certificate,
        "registered_unit": row.unit("reg_unit"),
        "actual_unit": row.unit("act_unit"),
    }


def _when(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value or "")


def describe(group: Group) -> dict:
    return {
        "date": _when(group.payload.get("opened_on")),
        "items": [person["name"] for person in group.items],
    }


SPEC = SheetSpec(
    sheet=SHEET,
    columns=columns,
    group_key="group",
    group_noun="案件",
    item_noun="人员",
    read_group=read_case,
    read_item=read_person,
    items_field="persons",
    group_paths=CASE_PATHS,
    item_paths=PERSON_PATHS,
    describe=describe,
    notes=(
        "每行填写一名涉案人员。",
        "已登记过的人员（按证件号码）和单位（按统一社会信用代码）自动匹配，不会重复建档。",
    ),
    # A month's comparison findings of a city (issue 14): checked and written set-based.
    max_rows=10_000,
)


def template_workbook() -> bytes:
    """Return the case import template."""
    return sheet_import.template_workbook(SPEC)


def parse_workbook(content: bytes, *, on_row=None) -> sheet_import.ParseResult:
    """Read and check every row of a case workbook; nothing is written."""
    return sheet_import.parse_workbook(SPEC, content, on_row=on_row)
