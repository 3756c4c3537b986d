"""A clerk's everyday journey in the browser: register a case, decide it, find it in the list."""

import pytest

from cases.identifiers import mask_id_number
from tests.e2e.steps import confirmed
from tests.factories import TEST_PASSWORD, valid_resident_id, valid_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_registers_decides_and_finds_case_with_masked_id(
    page, live_server, login, member, reference
):
    """A county clerk enters a case with one person, decides it, finds it masked in the list."""
    clerk = member("ZJ", "510104", "clerk")
    id_number = valid_resident_id(31, birth="19820417")
    login(clerk.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="登记案件").click()
    page.select_option("#id_source", "self_inspection")
    page.get_by_label("注册单位与实际工作单位不符").check()
    page.fill("#id_opened_on", "2019-03-02")
    page.fill("#id_summary", "注册单位与社保缴费单位不一致。")
    page.fill("#id_persons-0-name", "赵六")
    page.fill("#id_persons-0-id_number", id_number)
    page.select_option("#id_persons-0-cert_category", "constructor")
    page.select_option("#id_persons-0-cert_level", "1")
    page.fill("#id_persons-0-cert_specialty", "建筑工程")
    page.fill("#id_persons-0-cert_number", "川1512019000031")
    page.fill("#id_persons-0-reg_unit_name", "四川某建设工程有限公司")
    page.fill("#id_persons-0-reg_unit_uscc", valid_uscc(3131))
    page.fill("#id_persons-0-act_unit_name", "成都某设计院")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="登记", exact=True).click()

    page.wait_for_url(f"{live_server.url}/cases/*/")
    assert "已登记案件" in page.content()
    reference = page.locator("h1").inner_text().split()[1]
    assert page.get_by_text(id_number).is_visible()  # the owning clerk sees the full number

    page.get_by_role("link", name="作出处理决定").click()
    page.fill("#id_decided_on", "2019-03-20")
    page.get_by_label("构成挂证等违法违规行为").check()
    page.get_by_label("撤销注册", exact=True).check()
    page.get_by_label("3年内不得再次申请注册").check()
    page.get_by_label("列入建筑市场主体黑名单").check()
    page.fill("#id_document_number", "川建罚〔2019〕31号")
    confirmed(page, page.get_by_role("button", name="保存处理决定"))
    page.wait_for_url(f"{live_server.url}/cases/*/")
    assert "处理决定已保存" in page.content()
    assert "2022-03-20" in page.content()  # 3-year re-registration ban, derived

    page.get_by_role("link", name="案件列表").first.click()
    row = page.locator("#case-table tbody tr", has_text=reference)
    assert row.count() == 1
    assert mask_id_number(id_number) in row.inner_text()
    assert id_number not in page.content()
    assert "已作出处理决定" in row.inner_text()


def test_clerk_picks_a_known_person_and_unit_instead_of_retyping(
    page, live_server, login, member, agency, reference
):
    """Typing a known name offers the person; choosing fills the row. Rows can be added."""
    from cases import services
    from tests.cases.payloads import case_payload, person_payload

    clerk = member("ZJ", "510104", "clerk")
    known = person_payload(41, name="钱七")
    services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(persons=[known])
    )
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/new/")

    page.locator("#id_persons-0-name").press_sequentially("钱七")
    page.locator(".picker-menu li", has_text="钱七").click()
    assert page.input_value("#id_persons-0-id_number") == known["id_number"]

    page.locator("#id_cuu_name").press_sequentially("四川某某建设")
    unit = known["registered_unit"]
    page.locator(".picker-menu li", has_text=unit["name"]).first.click()
    assert page.input_value("#id_cuu_uscc") == unit["uscc"]

    page.get_by_role("button", name="＋ 添加人员").click()
    assert page.locator("#id_persons-1-name").is_visible()
    assert page.input_value("input[name='persons-TOTAL_FORMS']") == "2"
    page.locator("[data-person-row]").nth(1).get_by_role("button", name="移除").click()
    assert not page.locator("#id_persons-1-name").is_visible()


def test_decide_page_shows_measures_only_for_an_established_person(
    page, live_server, login, member, agency, reference
):
    """Choosing 不构成挂证 hides the person's whole 处理措施 group and shows the exemption."""
    from cases import services
    from tests.cases.payloads import case_payload

    clerk = member("ZJ", "510104", "clerk")
    case = services.case_create(actor=clerk, agency=agency("ZJ", "510104"), **case_payload())
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/decide/")
    section = page.locator("fieldset[data-outcome^='p']")
    measures = section.locator("legend", has_text="处理措施")
    exemption = section.get_by_label("不构成挂证的情形")

    section.get_by_label("不构成挂证", exact=True).check()
    assert measures.is_hidden()
    assert exemption.is_visible()
    section.get_by_label("构成挂证等违法违规行为").check()
    assert measures.is_visible()
    assert exemption.is_hidden()
