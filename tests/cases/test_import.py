"""Bulk import from Excel: the template, a dry run listing every error, all-or-nothing import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases import imports
from cases.models import Case, CaseParty, Person
from core import sheet_import
from jobs.models import Job
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


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run the jobs a request starts, eagerly and after its commit (no broker, as in the README)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def upload(client, run_jobs):
    """Return a function uploading a workbook and answering the page of its check job."""

    def post(content: bytes, name: str = "cases.xlsx"):
        file = SimpleUploadedFile(name, content, content_type=XLSX)
        with run_jobs():
            response = client.post(reverse("cases:import"), {"file": file, "check": "1"})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response.url)

    return post


@pytest.fixture
def confirm(client, run_jobs):
    """Return a function confirming a checked workbook (by its check job)."""

    def post(job):
        with run_jobs():
            return client.post(reverse("jobs:import_confirm", args=[job.pk]))

    return post


def errors_of(response) -> list[str]:
    return response.context["result"]["errors"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def clerk(member):
    return member("ZJ", "510104", "clerk")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
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


def test_dry_run_reports_every_error_by_row_and_column(clerk_client, upload):
    """The dry run lists each problem as 第N行「列」：message, and writes nothing."""
    good = valid_resident_id(4, birth="19750315")
    bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        *good_rows(),
        row("3", "张四", 4, **CASE, id_number=bad_id),
        row("4", "", 5, **CASE | {"source": "乱填", "opened_on": "2019-02-30"}),
    ]
    response = upload(workbook(rows))
    assert response.status_code == 200
    messages = errors_of(response)
    assert "第5行「证件号码」：身份证号码校验位错误，请核对。" in messages
    assert any(m.startswith("第6行「案件来源」：") for m in messages)
    assert "第6行「立案日期」：日期不存在。" in messages
    assert "第6行「姓名」：请填写姓名。" in messages
    html = response.content.decode()
    assert "第5行「证件号码」" in html
    assert 'name="confirm"' not in html
    assert Case.objects.count() == 0


def test_dry_run_reports_errors_the_services_find(clerk_client, upload):
    """Errors only the domain layer knows (an unknown specialty) are also shown by row."""
    rows = [*good_rows(), row("3", "张四", 4, **CASE, cert_specialty="不存在的专业")]
    messages = errors_of(upload(workbook(rows)))
    assert any(m.startswith("第5行「专业」：") for m in messages), messages
    assert Case.objects.count() == 0
    assert Person.objects.count() == 0


def test_dry_run_refuses_another_name_for_a_registered_document(
    clerk_client, upload, agency, member
):
    """A row renaming a person the clerk can see is refused on the 姓名 column."""
    from cases import services
    from tests.cases.payloads import case_payload, person_payload

    registered = person_payload(1, name="张一", id_number=valid_resident_id(1, birth="19750315"))
    services.case_create(
        actor=member("ZJ", "510104", "reviewer"),
        agency=agency("ZJ", "510104"),
        **case_payload(persons=[registered]),
    )
    response = upload(workbook([row("1", "张改", 1, **CASE)]))
    assert errors_of(response) == [
        "第2行「姓名」：证件号码已登记为其他姓名（与已登记姓名不一致），请核对。"
    ]
    assert Person.objects.get().name == "张一"


def test_a_file_with_one_bad_row_imports_nothing(clerk_client, upload, media):
    """One bad row among good ones: nothing is imported, confirming is not offered, no file kept."""
    rows = [*good_rows(), row("3", "张四", 4, **CASE, reg_unit_uscc="91510000XXXXXXXXX1")]
    response = upload(workbook(rows))
    assert [e.split("：")[0] for e in errors_of(response)] == ["第5行「注册单位统一社会信用代码」"]
    assert response.context["can_confirm"] is False
    assert kept_files(media) == []
    assert Case.objects.count() == 0
    assert CaseParty.objects.count() == 0


def test_a_good_file_imports_all_after_confirmation(clerk_client, upload, confirm):
    """A clean file passes the dry run (nothing written yet), then imports every case at once;
    the result lists the new case references with links."""
    response = upload(workbook(good_rows()))
    assert errors_of(response) == []
    assert response.context["result"]["group_count"] == 2
    assert "检查通过：2 个案件，3 名人员。" in response.content.decode()
    assert Case.objects.count() == 0  # the dry run wrote nothing
    response = confirm(response.context["job"])
    assert response.status_code == 302
    assert Case.objects.count() == 2
    assert CaseParty.objects.count() == 3
    second = Case.objects.get(parties__person__name="张三")
    assert second.source == "comparison"
    assert set(second.violations) == {"certificate_trading", "false_job_info"}
    page = clerk_client.get(response.url)
    assert page.context["job"].state == Job.State.SUCCEEDED
    html = page.content.decode()
    assert "已导入 2 个案件（3 名人员）。" in html
    for case in Case.objects.all():
        assert f'<a href="{case.get_absolute_url()}">{case.reference}</a>' in html


def test_confirmation_needs_the_checked_file(clerk_client, confirm, clerk, agency):
    """A confirmation of an unknown job, or of a check whose file is gone, imports nothing."""
    response = clerk_client.post(reverse("jobs:import_confirm", args=[999_999]))
    assert response.status_code == 404
    check = Job.objects.create(
        kind="cases.import_check",
        owner=clerk,
        agency=agency("ZJ", "510104"),
        state=Job.State.SUCCEEDED,
        result={"ok": True, "errors": []},
    )
    response = confirm(check)
    assert response.status_code == 302
    assert Case.objects.count() == 0
    assert not Job.objects.filter(kind="cases.import").exists()


def test_only_the_uploader_may_confirm(clerk_client, upload, client, member, confirm):
    """A colleague who may read the check's page is not offered, and cannot use, 确认导入."""
    check = upload(workbook(good_rows())).context["job"]
    client.force_login(member("ZJ", "510104", "clerk"))
    page = client.get(reverse("jobs:detail", args=[check.pk]))
    assert page.status_code == 200
    assert 'name="confirm"' not in page.content.decode()
    assert confirm(check).status_code == 403
    assert Case.objects.count() == 0


def test_another_countys_clerk_cannot_see_or_confirm_the_check(upload, client, member, confirm):
    """Outside the visibility rule the check answers 404, page and confirmation alike."""
    client.force_login(member("ZJ", "510104", "clerk"))
    check = upload(workbook(good_rows())).context["job"]
    client.force_login(member("ZJ", "510105", "clerk"))
    assert client.get(reverse("jobs:detail", args=[check.pk])).status_code == 404
    assert confirm(check).status_code == 404
    assert Case.objects.count() == 0


def test_confirmation_rolls_back_all_when_a_case_fails(
    clerk_client, upload, confirm, agency, member
):
    """If any case is refused at confirmation time, none of the file's cases are kept: here a
    certificate of the file was registered to somebody else between the check and the import."""
    from cases import services
    from tests.cases.payloads import case_payload, person_payload

    check = upload(workbook(good_rows())).context["job"]
    taken = person_payload(9, certificate={"category": "constructor", "level": "1"})
    taken["certificate"] |= {"specialty": "建筑工程", "number": "川151000000003"}
    services.case_create(
        actor=member("ZJ", "510105", "clerk"),
        agency=agency("ZJ", "510105"),
        **case_payload(persons=[taken]),
    )
    response = clerk_client.get(confirm(check).url)
    assert response.status_code == 200
    assert response.context["job"].state == Job.State.FAILED
    assert errors_of(response) == ["第4行「证书编号」：该证书编号已登记在其他人员名下，请核对。"]
    assert "导入失败，未导入任何案件" in response.content.decode()
    assert Case.objects.count() == 1  # the other agency's
    assert Person.objects.count() == 1


def test_parser_keeps_case_fields_from_the_first_row():
    """Later rows of a case may leave case columns empty but may not contradict the first."""
    rows = [row("1", "张一", 1, **CASE), row("1", "张二", 2, source="抽查")]
    result = imports.parse_workbook(workbook(rows))
    assert [str(e) for e in result.errors] == [
        "第3行「案件来源」：与本案件第2行不一致（案件信息以第一行为准，其余行可留空）。"
    ]


def test_parser_rejects_a_file_that_is_not_a_workbook():
    """A file that is not an .xlsx workbook is refused with a Chinese message."""
    result = imports.parse_workbook(b"not a workbook")
    assert "无法读取文件" in str(result.errors[0])


def kept_files(media) -> list:
    """Return the workbooks kept as jobs' private input files."""
    folder = media / "jobs"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_checked_file_waits_on_disk_as_the_jobs_input_not_in_the_session(
    clerk_client, upload, confirm, media
):
    """The dry run keeps the workbook as its job's private file; the session holds nothing."""
    content = workbook(good_rows())
    check = upload(content).context["job"]
    assert kept_files(media) == [check.input_path]
    assert (media / "jobs" / check.input_path).read_bytes() == content
    assert check.input_name == "cases.xlsx"
    assert not any("import" in key for key, _value in clerk_client.session.items())
    assert clerk_client.get(f"/media/jobs/{check.input_path}").status_code == 404  # not served
    response = confirm(check)
    assert response.status_code == 302
    assert Case.objects.count() == 2
    assert kept_files(media) == []


def test_cancelling_deletes_the_checked_file_and_imports_nothing(
    clerk_client, upload, confirm, media
):
    """取消 forgets the checked file: deleted from disk; a later confirmation imports nothing."""
    checked = upload(workbook(good_rows()))
    check = checked.context["job"]
    assert 'name="cancel"' in checked.content.decode()
    response = clerk_client.post(reverse("jobs:import_cancel", args=[check.pk]))
    assert response.status_code == 302
    assert kept_files(media) == []
    response = confirm(check)
    assert response.status_code == 302
    assert Case.objects.count() == 0


def test_a_new_upload_replaces_the_file_checked_before(clerk_client, upload, media):
    """Only the latest checked workbook is kept."""
    first = upload(workbook(good_rows())).context["job"]
    second = upload(workbook(good_rows()[:1])).context["job"]
    assert first.input_path != second.input_path
    assert kept_files(media) == [second.input_path]


def test_a_kept_file_altered_on_disk_is_not_imported(clerk_client, upload, confirm, media):
    """The confirmation re-reads and re-hashes the file; altered bytes import nothing."""
    check = upload(workbook(good_rows())).context["job"]
    (media / "jobs" / check.input_path).write_bytes(workbook(good_rows()[:1]))
    response = confirm(check)
    assert response.status_code == 302
    assert Case.objects.count() == 0


def test_a_zip_bomb_is_refused_on_the_form_and_nothing_is_stored(clerk_client, media):
    """A workbook whose sheet unpacks to 100 MB is refused in Chinese before any job or file."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(100):
                sheet.write(b"0" * 1024 * 1024)
    file = SimpleUploadedFile("cases.xlsx", buffer.getvalue(), content_type=XLSX)
    response = clerk_client.post(reverse("cases:import"), {"file": file})
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "xl/worksheets/sheet1.xml" in message
    assert "超过上限 32 MB" in message
    assert not Job.objects.exists()
    assert kept_files(media) == []


def test_the_confirmed_file_passes_the_guard_again(clerk_client, upload, confirm, monkeypatch):
    """The import job runs the zip-bomb guard on the confirmed bytes, not trusting the check."""
    from core.errors import DomainError

    check = upload(workbook(good_rows())).context["job"]
    checked = []

    def guard(content, **kwargs):
        checked.append(len(content))
        raise sheet_import.UnsafeWorkbookError("工作簿的共享字符串超过 100,000 个。")

    monkeypatch.setattr(sheet_import, "xlsx_check", guard)
    response = clerk_client.get(confirm(check).url)
    assert checked
    assert response.context["job"].state == Job.State.FAILED
    assert errors_of(response) == ["工作簿的共享字符串超过 100,000 个。"]
    assert Case.objects.count() == 0
    assert issubclass(sheet_import.UnsafeWorkbookError, DomainError)


def test_template_keeps_identifiers_as_text_and_offers_drop_downs(clerk_client):
    """ID, credit-code and certificate-number columns are text; coded columns have lists;
    a 填写示例 sheet holds one example row that is never imported."""
    book = load_workbook(io.BytesIO(imports.template_workbook()))
    sheet = book[imports.SHEET]
    headers = [cell.value for cell in sheet[1]]
    text_columns = {
        headers[ord(letter) - ord("A")]
        for letter, dimension in sheet.column_dimensions.items()
        if dimension.number_format == "@"
    }
    assert {"证件号码", "证书编号", "注册单位统一社会信用代码"} <= text_columns
    listed = {str(v.sqref).split(":")[0][:-1] for v in sheet.data_validations.dataValidation}
    coded = {"案件来源", "违法违规行为", "执业资格类别", "级别"}
    assert {headers[ord(letter) - ord("A")] for letter in listed} >= coded
    assert book["可选值"].sheet_state == "hidden"
    example = [cell.value for cell in book["填写示例"][2]]
    assert "比对排查" in example
    assert sheet.max_row == 1  # the data sheet itself is empty


def test_an_id_stored_as_a_number_gets_its_own_message(clerk_client, upload):
    """Excel turns an 18-digit ID typed into a number cell into 5.1010419920312E+17."""
    rows = [row("1", "张一", 1, **CASE, id_number=5.1010419920312e17)]
    messages = errors_of(upload(workbook(rows)))
    assert any(
        m.startswith("第2行「证件号码」：该单元格被Excel存成了数字") and "文本" in m
        for m in messages
    ), messages
    assert not any(m.startswith("第2行「证件号码」：请填写") for m in messages)  # said once
    assert Case.objects.count() == 0
