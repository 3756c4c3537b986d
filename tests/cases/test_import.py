"""Bulk import from Excel: the template, a dry run listing every error, all-or-nothing import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases import imports
from cases.models import Case, CaseParty, Person
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(group, name, seq, **cells) -> dict:
    """Return one person row keyed by column key; case columns only on a group's first row."""
    values = {
        "group": group,
        "name": name,
        "id_number": valid_resident_id(seq, birth="19750315"),
        "is_public_employee": "否",
        "cert_category": "建造师",
        "cert_level": "一级",
        "cert_specialty": "建筑工程",
        "cert_number": f"川151{seq:09d}",
        "reg_unit_name": f"四川某建设有限公司{seq}",
        "reg_unit_uscc": valid_uscc(7000 + seq),
        "act_unit_name": f"成都某设计院{seq}",
        "act_unit_uscc": valid_uscc(8000 + seq),
    }
    values.update(cells)
    return values


CASE = {"source": "自查自纠", "violations": "注册单位与实际工作单位不符", "opened_on": "2019-03-02"}


def workbook(rows: list[dict]) -> bytes:
    """Fill the downloaded template with ``rows``."""
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book[imports.SHEET]
    keys = [c.key for c in imports.columns()]
    for values in rows:
        sheet.append([values.get(key, "") for key in keys])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows() -> list[dict]:
    """Two cases: case 1 with two persons, case 2 with one."""
    return [
        row("1", "张一", 1, **CASE),
        row("1", "张二", 2),
        row(
            "2",
            "张三",
            3,
            **CASE | {"source": "比对排查", "violations": "买卖租借证书、提供虚假就业信息"},
        ),
    ]


def upload(client, content: bytes):
    file = SimpleUploadedFile("cases.xlsx", content, content_type=XLSX)
    return client.post(reverse("cases:import"), {"file": file, "check": "1"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def clerk_client(client, member):
    client.force_login(member("ZJ", "510104", "clerk"))
    return client


def test_template_downloads_with_chinese_headers_and_a_help_sheet(clerk_client):
    """The template has the Chinese column headers and a 说明 sheet documenting each column."""
    response = clerk_client.get(reverse("cases:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    headers = [cell.value for cell in book[imports.SHEET][1]]
    assert headers[:4] == ["案件序号", "案件来源", "违法违规行为", "立案日期"]
    assert {"姓名", "证件号码", "执业资格类别", "证书编号", "注册单位统一社会信用代码"} <= set(
        headers
    )
    documented = [r[0].value for r in book["说明"].iter_rows(min_row=2, max_row=len(headers) + 1)]
    assert documented == headers
    allowed = " ".join(str(r[3].value) for r in book["说明"].iter_rows(min_row=2))
    assert "自查自纠" in allowed
    assert "建造师" in allowed


def test_dry_run_reports_every_error_by_row_and_column(clerk_client):
    """The dry run lists each problem as 第N行「列」：message, and writes nothing."""
    good = valid_resident_id(4, birth="19750315")
    bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        *good_rows(),
        row("3", "张四", 4, **CASE, id_number=bad_id),
        row("4", "", 5, **CASE | {"source": "乱填", "opened_on": "2019-02-30"}),
    ]
    response = upload(clerk_client, workbook(rows))
    assert response.status_code == 200
    messages = [str(e) for e in response.context["errors"]]
    assert "第5行「证件号码」：身份证号码校验位错误，请核对。" in messages
    assert any(m.startswith("第6行「案件来源」：") for m in messages)
    assert "第6行「立案日期」：日期不存在。" in messages
    assert "第6行「姓名」：请填写姓名。" in messages
    html = response.content.decode()
    assert "第5行「证件号码」" in html
    assert 'name="confirm"' not in html
    assert Case.objects.count() == 0


def test_dry_run_reports_errors_the_services_find(clerk_client):
    """Errors only the domain layer knows (an unknown specialty) are also shown by row."""
    rows = [*good_rows(), row("3", "张四", 4, **CASE, cert_specialty="不存在的专业")]
    response = upload(clerk_client, workbook(rows))
    messages = [str(e) for e in response.context["errors"]]
    assert any(m.startswith("第5行「专业」：") for m in messages), messages
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


def test_dry_run_refuses_another_name_for_a_registered_document(clerk_client, agency, member):
    """A row renaming a person the clerk can see is refused on the 姓名 column."""
    from cases import services
    from tests.cases.payloads import case_payload, person_payload

    registered = person_payload(1, name="张一", id_number=valid_resident_id(1, birth="19750315"))
    services.case_create(
        actor=member("ZJ", "510104", "reviewer"),
        agency=agency("ZJ", "510104"),
        **case_payload(persons=[registered]),
    )
    response = upload(clerk_client, workbook([row("1", "张改", 1, **CASE)]))
    assert [str(e) for e in response.context["errors"]] == [
        "第2行「姓名」：证件号码已登记为其他姓名（与已登记姓名不一致），请核对。"
    ]
    assert Person.objects.get().name == "张一"


def test_a_file_with_one_bad_row_imports_nothing(clerk_client):
    """One bad row among good ones: nothing is imported and confirming is not offered."""
    rows = [*good_rows(), row("3", "张四", 4, **CASE, reg_unit_uscc="91510000XXXXXXXXX1")]
    response = upload(clerk_client, workbook(rows))
    assert [str(e).split("：")[0] for e in response.context["errors"]] == [
        "第5行「注册单位统一社会信用代码」"
    ]
    assert "sha256" not in response.context
    assert Case.objects.count() == 0
    assert CaseParty.objects.count() == 0


def test_a_good_file_imports_all_after_confirmation(clerk_client):
    """A clean file passes the dry run (nothing written yet), then imports every case at once."""
    response = upload(clerk_client, workbook(good_rows()))
    assert response.context["errors"] == []
    assert Case.objects.count() == 0  # the dry run wrote nothing
    digest = response.context["sha256"]
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": digest})
    assert response.status_code == 302
    assert Case.objects.count() == 2
    assert CaseParty.objects.count() == 3
    second = Case.objects.get(parties__person__name="张三")
    assert second.source == "comparison"
    assert set(second.violations) == {"certificate_trading", "false_job_info"}


def test_confirmation_needs_the_checked_file(clerk_client):
    """A confirmation with another hash (or none stashed) imports nothing."""
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": "0" * 64})
    assert response.status_code == 302
    assert Case.objects.count() == 0


def test_confirmation_rolls_back_all_when_a_case_fails(clerk_client, monkeypatch):
    """If any case is refused at confirmation time, none of the file's cases are kept."""
    from cases import services
    from core.errors import DomainError

    response = upload(clerk_client, workbook(good_rows()))
    digest = response.context["sha256"]
    real_create = services.case_create

    def refuse_second(**kwargs):
        if kwargs["persons"][0]["name"] == "张三":
            raise DomainError("证件号码：已变化", fields={"persons[0].id_number": ["已变化"]})
        return real_create(**kwargs)

    monkeypatch.setattr(services, "case_create", refuse_second)
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": digest})
    assert response.status_code == 200
    assert [str(e) for e in response.context["errors"]] == ["第4行「证件号码」：已变化"]
    assert "导入失败，未导入任何案件" in response.content.decode()
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


def test_parser_keeps_case_fields_from_the_first_row():
    """Later rows of a case may leave case columns empty but may not contradict the first."""
    rows = [row("1", "张一", 1, **CASE), row("1", "张二", 2, source="抽查")]
    result = imports.parse_workbook(workbook(rows))
    assert [str(e) for e in result.errors] == [
        "第3行「案件来源」：与本案第2行不一致（案件信息以第一行为准，其余行可留空）。"
    ]


def test_parser_rejects_a_file_that_is_not_a_workbook():
    """A file that is not an .xlsx workbook is refused with a Chinese message."""
    result = imports.parse_workbook(b"not a workbook")
    assert "无法读取文件" in str(result.errors[0])


def kept_files(media) -> list:
    """Return the workbooks kept between dry run and confirmation."""
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_checked_file_waits_on_disk_and_the_session_holds_only_its_hash(clerk_client, media):
    """The dry run keeps the workbook in a private file, not base64 in the database session."""
    content = workbook(good_rows())
    response = upload(clerk_client, content)
    digest = response.context["sha256"]
    assert kept_files(media) == [f"{digest}.xlsx"]
    assert (media / "imports" / f"{digest}.xlsx").read_bytes() == content
    assert clerk_client.session["cases_import"] == {
        "sha256": digest,
        "name": "cases.xlsx",
        "agency": response.context["agency"].pk,
    }
    assert clerk_client.get(f"/media/imports/{digest}.xlsx").status_code == 404  # not served
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": digest})
    assert response.status_code == 302
    assert Case.objects.count() == 2
    assert kept_files(media) == []
    assert "cases_import" not in clerk_client.session


def test_cancelling_deletes_the_checked_file_and_imports_nothing(clerk_client, media):
    """取消 forgets the checked file: deleted from disk, gone from the session."""
    checked = upload(clerk_client, workbook(good_rows()))
    digest = checked.context["sha256"]
    assert 'name="cancel"' in checked.content.decode()
    response = clerk_client.post(reverse("cases:import"), {"cancel": "1", "sha256": digest})
    assert response.status_code == 302
    assert kept_files(media) == []
    assert "cases_import" not in clerk_client.session
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": digest})
    assert Case.objects.count() == 0


def test_a_new_upload_replaces_the_file_checked_before(clerk_client, media):
    """Only the latest checked workbook is kept."""
    first = upload(clerk_client, workbook(good_rows())).context["sha256"]
    second = upload(clerk_client, workbook(good_rows()[:1])).context["sha256"]
    assert first != second
    assert kept_files(media) == [f"{second}.xlsx"]


def test_a_kept_file_altered_on_disk_is_not_imported(clerk_client, media):
    """The confirmation re-reads and re-hashes the file; altered bytes import nothing."""
    digest = upload(clerk_client, workbook(good_rows())).context["sha256"]
    (media / "imports" / f"{digest}.xlsx").write_bytes(workbook(good_rows()[:1]))
    response = clerk_client.post(reverse("cases:import"), {"confirm": "1", "sha256": digest})
    assert response.status_code == 302
    assert Case.objects.count() == 0


def test_a_hash_from_the_form_never_names_another_path():
    """Only a 64-hex-digit hash names a kept file, so the form cannot point elsewhere."""
    assert imports.stash_load("../../etc/passwd") is None
    imports.stash_discard("../settings")  # nothing happens
