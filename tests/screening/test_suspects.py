"""The ministry's suspect list: checked whole, written all or nothing, routed, never duplicated."""

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from audit.models import AuditEvent
from core.errors import PermissionDeniedError
from leads.models import Lead, LeadPerson
from screening.models import ScreeningRun
from screening.suspects import COLUMNS, SuspectListError, suspects_import
from screening.tables import TableError
from tests.factories import UnitFactory, valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db


def upgrade(number15: str) -> str:
    body = number15[:6] + "19" + number15[6:]
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def row(seq=1, **overrides) -> dict:
    values = {
        "人员姓名": f"王{seq}",
        "证件号码": valid_resident_id(seq),
        "注册类别": "一级建造师",
        "注册单位": f"四川某建设有限公司{seq}",
        "所属省份": "四川省",
        "社保单位": f"成都某劳务公司{seq}",
        "数据发布时间": "2019-03",
        "问题说明": "注册单位与社保缴纳单位不一致",
        "性别": "男",
        "出生年月": "1980-01",
        "备注": "",
        "升位成18位身份证号": "",
        "注册号": f"川151{seq:09d}",
        "注册专业": "建筑工程",
        "归属地": "成都市锦江区",
    }
    values.update(overrides)
    return values


def as_csv(rows, *, columns=COLUMNS, bom=False, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(c, "") for c in columns])
    text = ("\ufeff" if bom else "") + buffer.getvalue()
    return text.encode(encoding)


def as_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append([values.get(c, "") for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def province(agency):
    return agency("ZJ", "510000")


@pytest.fixture
def clerk(member):
    return member("ZJ", "510000", "clerk")


def run(clerk, province, content, name="名单.csv", dry_run=False):
    return suspects_import(
        actor=clerk, intake=province, content=content, file_name=name, dry_run=dry_run
    )


def refused(clerk, province, content, name="名单.csv") -> list[str]:
    with pytest.raises((SuspectListError, TableError)) as caught:
        run(clerk, province, content, name)
    assert not Lead.objects.exists()
    assert not ScreeningRun.objects.exists()
    result = getattr(caught.value, "result", None)
    return result["errors"] if result else [caught.value.message]


def test_each_row_of_the_province_becomes_a_routed_lead(clerk, province, agency):
    """Rows become ministry_list leads with facts and fingerprint, routed by 归属地 to 锦江区 住建;
    a 公路工程 constructor goes to 交通运输; another province's row is skipped and counted."""
    rows = [
        row(1),
        row(2, 注册专业="公路工程"),
        row(3, 所属省份="重庆市"),
    ]
    report = run(clerk, province, as_csv(rows))
    assert (report["new"], report["known"], report["other_province"]) == (2, 0, 1)
    first, second = Lead.objects.order_by("id")
    assert first.source == Lead.Source.MINISTRY_LIST
    assert first.agency == agency("ZJ", "510104")
    assert first.state == Lead.State.PENDING
    assert first.intake_agency == province
    assert first.batch == "2019-03"
    assert first.facts["问题说明"] == "注册单位与社保缴纳单位不一致"
    assert first.facts["社保单位"] == "成都某劳务公司1"
    assert len(first.fingerprint) == 64
    assert second.agency == agency("JT", "510104")
    person = LeadPerson.objects.get(lead=first)
    assert person.certificate.number == "川151000000001"
    assert person.registered_unit.name == "四川某建设有限公司1"
    assert person.insurance_unit.name == "成都某劳务公司1"
    assert AuditEvent.objects.filter(action="screening.suspects_imported").count() == 1
    assert AuditEvent.objects.filter(action="lead.created").count() == 2


def test_a_known_credit_code_routes_by_the_registered_unit(clerk, province, agency):
    """A registered unit the register knows by name routes by its credit code (青羊区)."""
    UnitFactory(name="青羊某建设公司", uscc=valid_uscc(77, region="510105"))
    run(clerk, province, as_csv([row(1, 注册单位="青羊某建设公司", 归属地="")]))
    assert Lead.objects.get().agency == agency("ZJ", "510105")


def test_fifteen_digit_numbers_are_upgraded(clerk, province):
    """A 15-digit first-generation number is stored in its 18-digit form."""
    old = "510104800101123"
    run(clerk, province, as_csv([row(1, 证件号码=old, 升位成18位身份证号=upgrade(old))]))
    person = LeadPerson.objects.get()
    assert person.person.id_number == upgrade(old)


def test_a_contradicting_upgrade_column_is_an_error(clerk, province):
    """升位成18位身份证号 that is not the upgrade of 证件号码 is named by row and column."""
    errors = refused(
        clerk, province, as_csv([row(1, 证件号码="510104800101123", 升位成18位身份证号="1" * 18)])
    )
    assert errors[0].startswith("第2行「升位成18位身份证号」")


def test_every_error_is_listed_and_nothing_written(clerk, province):
    """A bad ID, an unknown category and a missing name are all listed as 第N行「列」."""
    rows = [
        row(1),
        row(2, 证件号码="510104198001011234"),
        row(3, 注册类别="挖掘机驾驶员"),
        row(4, 人员姓名=""),
    ]
    errors = refused(clerk, province, as_csv(rows))
    assert any(e.startswith("第3行「证件号码」") for e in errors)
    assert any(e.startswith("第4行「注册类别」") for e in errors)
    assert any(e.startswith("第5行「人员姓名」") for e in errors)
    assert not any(e.startswith("第2行") for e in errors)


def test_missing_columns_are_named(clerk, province):
    """A file without 社保单位 is refused naming the column."""
    columns = [c for c in COLUMNS if c != "社保单位"]
    errors = refused(clerk, province, as_csv([row(1)], columns=columns))
    assert "社保单位" in errors[0]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "a.csv", "文件为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "a.csv", "不是文本格式"),
        (b"just text", "a.pdf", ".xlsx 或 .csv"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "无法读取文件"),
        ("人员姓名,证件号码\n".encode(), "a.csv", "没有数据行"),
    ],
)
def test_files_that_are_not_lists_are_refused_in_chinese(clerk, province, content, name, expected):
    """Empty files, binary data, other formats and broken workbooks are refused, nothing written."""
    assert expected in refused(clerk, province, content, name)[0]


def test_an_oversize_file_is_refused(clerk, province, monkeypatch):
    """A file over the size limit is refused before it is read."""
    monkeypatch.setattr("screening.suspects.MAX_BYTES", 1000)
    errors = refused(clerk, province, as_csv([row(i) for i in range(1, 30)]))
    assert "文件超过" in errors[0]


def bomb() -> bytes:
    """Return an .xlsx whose sheet unpacks to 100 MB of zeros (about 100 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(100):
                member.write(b"0" * 1024 * 1024)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused(clerk, province):
    """An .xlsx whose sheet unpacks to 100 MB of zeros is refused by the guard."""
    errors = refused(clerk, province, bomb(), "bomb.xlsx")
    assert "xl/worksheets/sheet1.xml" in errors[0]


def test_xlsx_and_gb18030_csv_read_alike(clerk, province):
    """The same list as .xlsx, as UTF-8 with BOM and as GB18030 CSV passes the dry run alike."""
    rows = [row(1), row(2)]
    for content, name in (
        (as_xlsx(rows), "名单.xlsx"),
        (as_csv(rows, bom=True), "名单.csv"),
        (as_csv(rows, encoding="gb18030"), "名单.csv"),
    ):
        report = run(clerk, province, content, name, dry_run=True)
        assert (report["ok"], report["new"]) == (True, 2)
    assert not Lead.objects.exists()


def test_a_resent_list_is_recognised_not_duplicated(clerk, province):
    """The same list next month adds only the new suspect; open or closed ones are known."""
    run(clerk, province, as_csv([row(1), row(2)]))
    Lead.objects.filter(pk=Lead.objects.order_by("id").first().pk).update(
        state=Lead.State.CLOSED, outcome=Lead.Outcome.UNSUBSTANTIATED, closed_at="2019-04-01T00:00Z"
    )
    report = run(clerk, province, as_csv([row(1, 数据发布时间="2019-04"), row(2), row(3)]))
    assert (report["new"], report["known"]) == (1, 2)
    assert Lead.objects.count() == 3


def test_a_changed_insurance_unit_is_a_new_suspect(clerk, province):
    """The same person paid by another unit is a new fact and a new lead."""
    run(clerk, province, as_csv([row(1)]))
    report = run(clerk, province, as_csv([row(1, 社保单位="另一家公司")]))
    assert report["new"] == 1


def test_only_province_housing_staff_may_import(member, province):
    """A county clerk is refused."""
    with pytest.raises(PermissionDeniedError):
        run(member("ZJ", "510104"), province, as_csv([row(1)]))
