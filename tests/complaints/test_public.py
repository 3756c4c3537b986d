"""The public front door: filing a complaint and looking it up without logging in, page and API."""

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from complaints import challenge, services
from complaints.models import Complaint
from leads.models import Lead, LeadAttachment

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/complaints/"
FORM = "/public/complaints/new/"
STATUS = "/public/complaints/status/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def body(**overrides) -> dict:
    payload = {"department": "ZJ", "region": "510104", "text": "某公司挂证。", "anonymous": True}
    payload.update(overrides)
    return payload


def file_public(api, **overrides):
    return api().post(URL, body(**overrides), format="json")


def status_of(api, receipt, code):
    return api().get(f"{URL}{receipt}/", {"code": code})


def counts() -> tuple[int, int, int]:
    return Lead.objects.count(), Complaint.objects.count(), LeadAttachment.objects.count()


@pytest.fixture
def limits(settings):
    """Return a function setting the front door's budgets for this test."""

    def apply(submit=100, status=100):
        settings.PUBLIC_COMPLAINT_LIMITS = {
            "complaint.submit": (submit, 3600),
            "complaint.status": (status, 3600),
        }

    apply()
    return apply


# --------------------------------------------------------------------------- API


def test_public_complaint_answers_receipt_and_code(api, reference, limits):
    """An anonymous JSON complaint answers 201 with its receipt and code, and lands in triage."""
    response = file_public(api)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == {"receipt", "query_code"}
    assert re.match(r"^TS-\d{8}-\d{4}$", data["receipt"])
    assert response["Cache-Control"] == "no-store"
    complaint = Complaint.objects.get(receipt=data["receipt"])
    assert complaint.lead.state == Lead.State.TRIAGE
    assert complaint.lead.agency.name == "成都市锦江区住房和城乡建设局"
    assert complaint.channel == Complaint.Channel.WEB


def test_public_complaint_with_persons_and_units(api, reference, limits):
    """Persons and units complained about are kept with the lead (persons by name alone)."""
    response = file_public(
        api,
        anonymous=False,
        name="张三",
        phone="１３８００１３８０００",
        persons=[{"name": "王某"}],
        units=[{"name": "四川某建设有限公司", "uscc": ""}],
    )
    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get(receipt=response.json()["receipt"])
    assert complaint.complainant_phone == "13800138000"
    assert [p.name for p in complaint.lead.persons.all()] == ["王某"]


def test_status_with_the_right_code_shows_state_and_reply(api, reference, member, limits):
    """Receipt and code show the state; once the handling agency replies, the reply too."""
    data = file_public(api).json()
    response = status_of(api, data["receipt"], data["query_code"].lower())
    assert response.status_code == 200
    assert response.json() == {
        "receipt": data["receipt"],
        "state": "已受理，正在分办",
        "reply": None,
    }
    complaint = Complaint.objects.get(receipt=data["receipt"])
    clerk = member("ZJ", "510104", "clerk")
    services.complaint_reply(
        actor=clerk, complaint=complaint, channel="online", text="经核查，已立案处理。"
    )
    reply = status_of(api, data["receipt"], data["query_code"]).json()["reply"]
    assert reply == "经核查，已立案处理。"


def test_wrong_code_and_unknown_receipt_answer_the_same_404(api, reference, limits):
    """A wrong code tells nothing more than a receipt that does not exist, or one that cannot."""
    data = file_public(api).json()
    wrong = status_of(api, data["receipt"], "AAAAAAAA")
    unknown = status_of(api, "TS-20000101-9999", data["query_code"])
    garbage = status_of(api, "<script>", "x")
    missing = api().get(f"{URL}{data['receipt']}/")
    answers = [wrong, unknown, garbage, missing]
    assert {r.status_code for r in answers} == {404}
    assert wrong.json() == unknown.json() == garbage.json() == missing.json()
    assert wrong.json() == {"message": "未找到，请核对受理编号和查询码。", "extra": {"fields": {}}}


def test_public_api_is_rate_limited_per_address(api, reference, limits):
    """Past the budget an address gets 429 in the API's error shape; nothing more is written."""
    limits(submit=2, status=1)
    assert file_public(api).status_code == 201
    data = file_public(api).json()
    before = counts()
    refused = file_public(api)
    assert refused.status_code == 429
    assert refused.json() == {"message": "操作过于频繁，请稍后再试。", "extra": {"fields": {}}}
    assert counts() == before
    assert status_of(api, data["receipt"], data["query_code"]).status_code == 200
    assert status_of(api, data["receipt"], data["query_code"]).status_code == 429
    other = api()
    other.defaults["REMOTE_ADDR"] = "10.0.0.9"
    assert other.post(URL, body(), format="json").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"text": "挂" * 5001}, "text", "投诉内容：不能超过5000个字"),
        ({"text": "挂证\u0000"}, "text", "投诉内容："),
        ({"anonymous": False, "name": "张\u0000三"}, "name", None),
        ({"department": "<script>alert(1)</script>"}, "department", "受理部门：请选择"),
        ({"region": "５１０１０４"}, "region", "所在地区：请选择"),
        ({"anonymous": False, "name": ""}, "name", "姓名：请填写投诉人姓名"),
        ({"persons": [{"name": "李四", "id_number": "123"}]}, "persons[0]", "第1名被投诉人员"),
        (
            {"units": [{"name": "某公司", "uscc": "91510104MA6XXXXXX"}]},
            "units[0].uscc",
            "第1个被投诉单位统一社会信用代码：",
        ),
        ({"persons": "王某"}, "persons", None),
    ],
)
def test_hostile_public_input_is_refused_in_chinese_and_nothing_is_written(
    api, reference, limits, overrides, field, message
):
    """Oversize text, NUL bytes, script, bad codes and shapes: 400 naming the field, no row."""
    before = counts()
    response = file_public(api, **overrides)
    assert response.status_code == 400, response.json()
    data = response.json()
    assert any(path.startswith(field) for path in data["extra"]["fields"]), data
    assert re.search(r"[\u4e00-\u9fff]", data["message"]), data
    if message:
        assert message in data["message"]
    assert counts() == before


def test_public_api_refuses_an_oversized_or_non_object_body(api, reference, limits, settings):
    """A body past the cap is refused from its length; a JSON list is no complaint."""
    settings.PUBLIC_COMPLAINT_JSON_BYTES = 1024
    before = counts()
    big = file_public(api, text="挂" * 400)
    assert big.status_code == 400
    assert "过大" in big.json()["message"]
    listed = api().post(URL, [body()], format="json")
    assert listed.status_code == 400
    assert counts() == before


def test_public_api_needs_no_csrf_even_with_a_session_cookie(reference, limits, member, client):
    """A browser with a staff session may still post JSON: the public API ignores sessions."""
    client.force_login(member("ZJ", "510104", "clerk"))
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    response = csrf_client.post(URL, body(), content_type="application/json")
    assert response.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_receipts_are_unique_under_concurrent_public_submissions(reference, settings):
    """Ten complaints filed at the same moment get ten different receipt numbers."""
    settings.PUBLIC_COMPLAINT_LIMITS = {"complaint.submit": (1000, 3600)}
    receipts, errors = [], []
    barrier = threading.Barrier(10)

    def submit():
        try:
            barrier.wait()
            complaint, _code = services.complaint_submit_public(**body())
            receipts.append(complaint.receipt)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(receipts)) == 10


# --------------------------------------------------------------------------- the pages


def solve(question: str) -> int:
    """Answer the page's question (三加五等于几？) as a person would."""
    match = re.match(r"(.+?)(加|减)(.+?)等于几？", question)
    a, b = challenge.parse_answer(match.group(1)), challenge.parse_answer(match.group(3))
    return a + b if match.group(2) == "加" else a - b


class Browser:
    """A client that reads the form like a person: the question, its token, the CSRF token."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def open_form(self) -> dict:
        html = self.client.get(FORM).content.decode()
        return {
            "question": re.search(r"验证问题：(.*?)</label>", html).group(1),
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[
                1
            ],
            "challenge_token": re.search(r'name="challenge_token" value="([^"]+)"', html)[1],
        }

    def submit(self, *, answer=None, files=(), form=None, **fields):
        form = form or self.open_form()
        data = {
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
            "challenge_token": form["challenge_token"],
            "challenge_answer": str(solve(form["question"]) if answer is None else answer),
            "department": "ZJ",
            "region": "510104",
            "text": "某公司挂证。",
            "anonymous": "on",
            **fields,
        }
        if files:
            data["files"] = list(files)
        return self.client.post(FORM, data)


def page_errors(response) -> str:
    return re.sub(r"<[^>]+>", "", response.content.decode())


def test_channels_page_lists_every_department_and_the_ways_in(client, reference):
    """/public/ lists 附件2's channels without login and links to the form and the status page."""
    response = client.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "住房城乡建设厅" in html
    assert "zhlan2018@163.com" in html
    assert "028-85559305" in html
    assert "028-86759627" in html
    assert FORM in html
    assert STATUS in html
    assert "退出" not in html  # no staff navigation


def test_form_files_a_complaint_and_shows_receipt_and_code_once(reference, limits):
    """Answering the question files the complaint; the answer page shows receipt and code."""
    browser = Browser()
    response = browser.submit(files=[SimpleUploadedFile("举报材料.pdf", PDF)])
    assert response.status_code == 200
    html = response.content.decode()
    receipt = re.search(r'id="receipt">([^<]+)<', html)[1]
    code = re.search(r'id="query-code">([^<]+)<', html)[1]
    assert "查询码只显示这一次" in html
    assert "no-store" in response["Cache-Control"]
    complaint = Complaint.objects.get(receipt=receipt)
    assert complaint.anonymous
    assert complaint.lead.attachments.get().content_type == "application/pdf"
    found = browser.client.get(STATUS)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', found.content.decode())[1]
    shown = browser.client.post(
        STATUS, {"csrfmiddlewaretoken": token, "receipt": receipt.lower(), "code": code}
    )
    assert shown.status_code == 200
    assert "已受理，正在分办" in shown.content.decode()


@pytest.mark.parametrize("typed", ["１４", "十四", " 14 "])
def test_the_answer_may_be_typed_full_width_or_in_words(typed):
    """A full-width or Chinese-numeral answer reads as the number."""
    assert challenge.parse_answer(typed) == 14
    assert challenge.parse_answer("二十") == 20
    assert challenge.parse_answer("九") == 9
    assert challenge.parse_answer("十十") is None
    assert challenge.parse_answer("abc") is None


def test_wrong_answer_is_refused_in_chinese_and_nothing_is_written(reference, limits):
    """A wrong answer shows a Chinese error on the question and a new question; no row."""
    browser = Browser()
    before = counts()
    form = browser.open_form()
    response = browser.submit(form=form, answer=solve(form["question"]) + 1)
    assert response.status_code == 400
    assert "验证问题回答错误" in page_errors(response)
    assert form["challenge_token"] not in response.content.decode()
    assert counts() == before


def test_a_used_or_forged_token_is_refused(reference, limits):
    """A token works once, whatever the answer; a forged one never."""
    browser = Browser()
    form = browser.open_form()
    assert browser.submit(form=form).status_code == 200
    again = browser.submit(form=form)
    assert again.status_code == 400
    assert "已使用过" in page_errors(again)
    forged = browser.submit(form={**form, "challenge_token": form["challenge_token"] + "x"})
    assert "请回答验证问题" in page_errors(forged)
    assert Complaint.objects.count() == 1


def test_an_expired_token_is_refused(reference, limits, monkeypatch):
    """A question left open past its lifetime must be answered anew."""
    browser = Browser()
    form = browser.open_form()
    monkeypatch.setattr(challenge, "MAX_AGE", -1)
    response = browser.submit(form=form)
    assert "已过期" in page_errors(response)
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "files", "field", "message"),
    [
        ({"text": "挂" * 5001}, (), "id_text", "不能超过5000个字"),
        ({"text": "挂证\u0000"}, (), "id_text", None),
        ({"anonymous": "", "name": ""}, (), "id_name", "请填写投诉人姓名"),
        ({"department": "XX"}, (), "id_department", "请选择受理部门"),
        ({"person_1_name": "李四", "person_1_id_number": "5101"}, (), "id_person_1_", None),
        ({}, [SimpleUploadedFile("证明.pdf", EXE)], "id_files", "第1个文件"),
        ({}, [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(4)], "id_files", "最多上传3个"),
    ],
)
def test_hostile_form_input_is_refused_on_its_field_and_nothing_is_written(
    reference, limits, fields, files, field, message
):
    """Oversize text, NUL, a program renamed .pdf, too many files: 400, named, no row, no file."""
    before = counts()
    response = Browser().submit(files=files, **fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'id="{field}\w*_error"', html), html[html.find("form-errors") :][:800]
    if message:
        assert message in page_errors(response)
    assert counts() == before


def test_script_in_a_field_is_shown_back_as_text(reference, limits):
    """Markup typed into the form comes back escaped, never as a live element."""
    response = Browser().submit(name="<script>alert(1)</script>", anonymous="", text="")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_oversized_form_is_refused_before_it_is_read(reference, limits, settings):
    """A body past the cap answers 413 with the reason, from its length alone."""
    settings.PUBLIC_COMPLAINT_FORM_BYTES = 2048
    response = Browser().submit(files=[SimpleUploadedFile("大.pdf", PDF + b"0" * 4096)])
    assert response.status_code == 413
    assert "提交的内容过大" in page_errors(response)
    assert counts() == (0, 0, 0)


def test_the_form_is_rate_limited_per_address(reference, limits):
    """Past the budget the form answers 429 with the reason and writes nothing."""
    limits(submit=1)
    browser = Browser()
    assert browser.submit().status_code == 200
    refused = browser.submit()
    assert refused.status_code == 429
    assert "操作过于频繁" in page_errors(refused)
    assert Complaint.objects.count() == 1


def test_status_page_answers_wrong_code_and_unknown_receipt_alike(reference, limits):
    """The page says the same for a wrong code as for an unknown receipt, and shows no state."""
    complaint, _code = services.complaint_submit_public(**body())
    client = Client()

    def look(receipt, code):
        response = client.post(STATUS, {"receipt": receipt, "code": code})
        html = page_errors(response)
        return response.status_code, html[html.find("查询投诉办理结果") :]

    wrong = look(complaint.receipt, "WRONGCODE")
    unknown = look("TS-20000101-9999", "WRONGCODE")
    assert wrong[0] == unknown[0] == 404
    assert "未找到，请核对受理编号和查询码。" in wrong[1]
    assert wrong[1].replace(complaint.receipt, "TS-20000101-9999") == unknown[1]
    assert "已受理" not in wrong[1]


def test_status_page_is_rate_limited(reference, limits):
    """Look-ups past the budget are refused, so codes cannot be tried in bulk."""
    limits(status=2)
    client = Client()
    for _ in range(2):
        assert client.post(STATUS, {"receipt": "TS-1", "code": "X"}).status_code == 404
    refused = client.post(STATUS, {"receipt": "TS-1", "code": "X"})
    assert refused.status_code == 429
    assert "操作过于频繁" in page_errors(refused)
