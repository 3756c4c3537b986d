"""Reference data of the campaign in one place, so it can be corrected without touching code paths.

Sources: ``agencies/data/sichuan_divisions.csv`` (GB/T 2260, 民政部 list as of 2024-12-31) and the
plan's 附件2 (complaint channels). Agency naming follows the offices' usual titles; an admin can
rename any agency afterwards (the loader never overwrites a name it did not set).
"""

from dataclasses import dataclass
from pathlib import Path

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "sichuan_divisions.csv"
PROVINCE_CODE = "510000"


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    short_name: str
    kind: str
    levels: tuple[str, ...]  # the region levels where the department has an agency
    province_title: str  # the agency's name at province level
    local_title: str  # suffix of city / county agency names
    telephone: str = ""
    email: str = ""
    is_lead: bool = False


ALL_LEVELS = ("province", "prefecture", "county")

DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec(
        "ZJ",
        "住房城乡建设厅",
        "住建",
        "reporting",
        ALL_LEVELS,
        "四川省住房和城乡建设厅",
        "住房和城乡建设局",
        "028-85559305",
        "zhlan2018@163.com",
        is_lead=True,
    ),
    DepartmentSpec(
        "RS",
        "人力资源社会保障厅",
        "人社",
        "reporting",
        ALL_LEVELS,
        "四川省人力资源和社会保障厅",
        "人力资源和社会保障局",
        "028-86759627",
        "2712201036@qq.com",
    ),
    DepartmentSpec(
        "JT",
        "交通运输厅",
        "交通",
        "reporting",
        ALL_LEVELS,
        "四川省交通运输厅",
        "交通运输局",
        "028-85525371",
        "scjtzgzx@163.com",
    ),
    DepartmentSpec(
        "SL",
        "水利厅",
        "水利",
        "reporting",
        ALL_LEVELS,
        "四川省水利厅",
        "水利局",
        "028-86939381",
        "26948564@qq.com",
    ),
    DepartmentSpec(
        "TX",
        "省通信管理局",
        "通信",
        "reporting",
        ("province", "prefecture"),
        "四川省通信管理局",
        "通信发展管理办公室",
        "028-87015982",
        "sctxjszj@163.com",
    ),
    DepartmentSpec(
        "TL",
        "成都铁路监督管理局",
        "铁路",
        "supervising",
        ("province",),
        "成都铁路监督管理局",
        "",
    ),
    DepartmentSpec(
        "MH",
        "民航西南管理局",
        "民航",
        "supervising",
        ("province",),
        "中国民用航空西南地区管理局",
        "",
    ),
    DepartmentSpec(
        "BU",
        "住房城乡建设部",
        "住建部",
        "ministry",
        ("province",),
        "中华人民共和国住房和城乡建设部",
        "",
    ),
)


def agency_name(spec: DepartmentSpec, *, region_name: str, level: str) -> str:
    """Return the Chinese name of ``spec``'s agency in a region (成都市锦江区住房和城乡建设局)."""
    if level == "province":
        return spec.province_title
    return f"{region_name}{spec.local_title}"
