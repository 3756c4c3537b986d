"""The 附件1 journey with parties in the browser (issue 9): a two-person case where one person is
exempt is registered and decided, the county signs its report, the city approves, and the
workbook read back shows one row with the right measures and the county's own names."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from cases.models import Measure, Outcome
from reports import layout
from reports.models import Report
from tests.cases.payloads import pdf_file
from tests.e2e.steps import confirmed
from tests.factories import TEST_PASSWORD, valid_resident_id, valid_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARCH = datetime.date(2019, 3, 1)
DOCUMENT_NUMBER = "川建罚〔2019〕12号"
ESTABLISHED, CLEARED = "孙建军", "周志明"
UNIT = "成都某某建筑劳务有限公司"


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(user.username, TEST_PASSWORD)


def fill_person(page, index: int, *, name: str, id_number: str, seq: int) -> None:
    """Fill person row ``index`` of the case form: a 一级建造师 registered with one unit."""
    prefix = f"#id_persons-{index}-"
    page.fill(prefix + "name", name)
    page.keyboard.press("Escape")  # close the picker the name opens
    page.fill(prefix + "id_number", id_number)
    page.keyboard.press("Escape")
    page.select_option(prefix + "cert_category", "constructor")
    page.select_option(prefix + "cert_level", "1")
    page.fill(prefix + "cert_specialty", "建筑工程")
    page.fill(prefix + "cert_number", f"川151201900{seq:04d}")
    page.fill(prefix + "reg_unit_name", f"四川某某建设工程有限公司{seq}")
    page.keyboard.press("Escape")
    page.fill(prefix + "reg_unit_uscc", valid_uscc(7000 + seq))
    page.keyboard.press("Escape")
    page.fill(prefix + "act_unit_name", f"成都某设计院{seq}")
    page.keyboard.press("Escape")


def register_case(page, base: str, persons: list[tuple[str, str]]) -> None:
    """Register a case of ``persons`` (name, ID number) and the unit that used the certificates."""
    page.goto(f"{base}/cases/")
    page.get_by_role("link", name="登记案件").click()
    page.select_option("#id_source", "self_inspection")
    page.get_by_label("注册单位与实际工作单位不符").check()
    page.fill("#id_opened_on", "2019-03-02")
    page.fill("#id_summary", "两名一级建造师注册单位与社保缴费单位不一致。")
    for index, (name, id_number) in enumerate(persons):
        if index:
            page.get_by_role("button", name="＋ 添加人员").click()
        fill_person(page, index, name=name, id_number=id_number, seq=index + 1)
    page.fill("#id_cuu_name", UNIT)
    page.keyboard.press("Escape")
    page.fill("#id_cuu_uscc", valid_uscc(7100))
    page.keyboard.press("Escape")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url(f"{base}/cases/*/")
    assert "已登记案件" in page.content()


def decide_case(page, base: str, proof_path) -> None:
    """Decide: the first person established, the second retired (退休证 uploaded), the unit 通报."""
    page.get_by_role("link", name="作出处理决定").click()
    page.wait_for_url(f"{base}/cases/*/decide/")
    page.fill("#id_decided_on", "2019-03-20")
    page.fill("#id_document_number", DOCUMENT_NUMBER)

    established = page.locator("fieldset[data-outcome]", has_text=ESTABLISHED)
    established.get_by_label("构成挂证等违法违规行为").check()
    established.get_by_label("撤销注册", exact=True).check()
    established.get_by_label("记入不良行为记录").check()

    cleared = page.locator("fieldset[data-outcome]", has_text=CLEARED)
    cleared.get_by_label("不构成挂证", exact=True).check()
    cleared.get_by_label("不构成挂证的情形").select_option("retired")
    cleared.locator("select[name$='proof0_kind']").select_option("retirement_certificate")
    cleared.locator("input[name$='proof0_file']").set_input_files(str(proof_path))
    assert cleared.get_by_label("撤销注册", exact=True).is_hidden()  # no measures when cleared

    unit = page.locator("fieldset[data-outcome='unit_']")
    assert UNIT in unit.locator("legend.card-header").inner_text()
    unit.get_by_label("构成挂证等违法违规行为").check()
    unit.get_by_label("通报", exact=True).check()

    confirmed(page, page.get_by_role("button", name="保存处理决定"))
    page.wait_for_url(f"{base}/cases/*/")
    assert "处理决定已保存" in page.content()
    assert "2022-03-20" in page.content()  # the 3-year re-registration ban, derived


def test_two_person_case_with_an_exempt_person_gives_one_row_signed_by_the_county(
    page, live_server, login, member, agency, tmp_path
):
    """A clerk records two persons and a unit, one person exempt by 退休; the county reviewer
    signs the March report, the city approves; the workbook has one row naming the person's and
    the unit's measures with the 文号, and the county's clerk and reviewer in the footer."""
    county = agency("ZJ", "510104")
    clerk = member("ZJ", "510104", "clerk", first_name="王丽", profile__office_phone="028-86651234")
    signer = member(
        "ZJ", "510104", "reviewer", first_name="陈建国", profile__office_phone="028-86651235"
    )
    city_reviewer = member("ZJ", "510100", "reviewer", first_name="黄伟")
    established_id = valid_resident_id(51, birth="19780512")
    cleared_id = valid_resident_id(52, birth="19560308")
    proof = tmp_path / "退休证.pdf"
    proof.write_bytes(pdf_file().read())  # the upload checks the content, not the name
    base = live_server.url

    login(clerk.username, TEST_PASSWORD)
    register_case(page, base, [(ESTABLISHED, established_id), (CLEARED, cleared_id)])
    decide_case(page, base, proof)

    outcomes = {o.party_name: o for o in Outcome.objects.filter(decision__case__agency=county)}
    assert outcomes[CLEARED].exemption == Outcome.Exemption.RETIRED
    assert [p.evidence.original_name for p in outcomes[CLEARED].proofs.all()] == ["退休证.pdf"]
    assert list(outcomes[ESTABLISHED].measures.values_list("kind", flat=True)) == [
        Measure.Kind.REVOKE_REGISTRATION,
        Measure.Kind.REREGISTRATION_BAN,
        Measure.Kind.BAD_RECORD,
    ]

    page.goto(f"{base}/reports/?month=2019-03")
    page.get_by_role("button", name="开始填报").click()
    rows = page.locator("#rows tbody tr")
    assert rows.count() == 1  # the exempt person gives no row
    assert ESTABLISHED in rows.inner_text()
    confirmed(page, "#submit-report")
    assert page.locator("#report-status").inner_text() == "待签发"
    report = Report.objects.get(agency=county, month=MARCH)

    switch_user(page, login, signer)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#sign-report")
    assert page.locator("#report-status").inner_text() == "已报送"

    switch_user(page, login, city_reviewer)
    page.goto(f"{base}/reports/{report.pk}/")
    confirmed(page, "#approve-report")
    assert page.locator("#report-status").inner_text() == "已通过"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载附件1（Excel）").click()
    sheet = load_workbook(io.BytesIO(download_info.value.path().read_bytes())).active
    first, footer = layout.FIRST_DATA_ROW, sheet.max_row
    assert footer == first + 1, "exactly one data row, then the footer"
    row = {
        column.key: cell.value for column, cell in zip(layout.COLUMNS, sheet[first], strict=True)
    }
    assert (row["seq"], row["name"], row["id_number"]) == (1, ESTABLISHED, established_id)
    assert (row["unit_name"], row["unit_uscc"]) == (UNIT, valid_uscc(7100))
    assert row["penalty"] == (
        f"个人：撤销注册，3年内不得再次申请注册，记入不良行为记录；单位：通报（{DOCUMENT_NUMBER}）"
    )
    assert CLEARED not in [cell.value for line in sheet.iter_rows() for cell in line]
    signatures = [cell.value for cell in sheet[footer] if cell.value]
    assert signatures[:2] == [
        "填表人：王丽  联系电话：028-86651234",
        "负责人：陈建国  联系电话：028-86651235",
    ]
