"""Phase summaries (工作总结): counts prefilled from the register, the narrative typed by staff,
the same chain as 附件1 (city → province department → 住建厅 → ministry) with a return."""

import datetime
import io
from collections import Counter

import pytest
from docx import Document

from audit.models import AuditEvent
from campaigns.models import Phase
from core.errors import ConflictError, DomainError
from declarations import services as declaration_services
from reports import services, summary
from reports.models import Consolidation, Report
from tests.cases.payloads import person_payload, unit_payload

pytestmark = pytest.mark.django_db
D = datetime.date
DEPARTMENTS = ("ZJ", "RS", "JT", "SL", "TX")
TEXTS = {
    "work_done": "组织全市企业开展自查。",
    "problems": "个别企业申报迟缓。",
    "next_steps": "开展抽查。",
}


@pytest.fixture
def phase(reference):
    return Phase.objects.get(campaign__code="sc-2019", kind=Phase.Kind.SELF_INSPECTION)


JANUARY_20 = D(2019, 1, 20)


def declare(member, agency, region, seq, *, rectified=True, persons=1, day=JANUARY_20):
    clerk = member("ZJ", region, "clerk")
    items = [
        {
            **person_payload(seq * 10 + i),
            "actions": ["deregistration_applied"] if rectified else ["other"],
            "rectified": rectified,
            "rectified_on": day if rectified else None,
        }
        for i in range(persons)
    ]
    return declaration_services.declaration_create(
        actor=clerk,
        agency=agency("ZJ", region),
        declarant="unit",
        unit=unit_payload(seq),
        declared_on=day,
        persons=items,
    )


def totals(content: dict) -> dict:
    return {item["key"]: item["value"] for item in content["counts"]["totals"]}


def write(report, user, **texts):
    services.summary_draft_save(report=report, actor=user, **{**TEXTS, **texts})


def test_the_prefilled_counts_equal_a_recount(agency, member, phase):
    """Units, persons, rectified and deregistrations of the city's subtree within the phase
    (extended to 31 March) equal a count of the declarations themselves."""
    declare(member, agency, "510104", 1, persons=2)
    declare(member, agency, "510104", 2, rectified=False)
    declare(member, agency, "510105", 3, persons=3, day=D(2019, 3, 30))
    declare(member, agency, "510703", 4)  # 绵阳: another city
    city = agency("ZJ", "510100")
    report = services.summary_get_or_create(agency=city, phase=phase)
    content = summary.compile_content(report)
    from declarations.models import Declaration, DeclaredPerson

    mine = Declaration.objects.filter(agency__path__startswith=city.path)
    people = DeclaredPerson.objects.filter(declaration__in=mine)
    assert totals(content) == {
        "declarations": mine.count(),
        "units": len({d.unit_id for d in mine}),
        "persons": people.count(),
        "rectified": sum(p.rectified for p in people),
        "deregistrations": sum("deregistration_applied" in p.actions for p in people),
    }
    assert totals(content) == {
        "declarations": 3,
        "units": 3,
        "persons": 6,
        "rectified": 5,
        "deregistrations": 5,
    }
    regions = {row[0]: row[1:] for row in content["counts"]["by_region"]["rows"]}
    assert regions == {"锦江区": [2, 3, 2], "青羊区": [1, 3, 3]}
    by_category = Counter()
    for person in people.select_related("certificate__certificate_type"):
        by_category[person.certificate.certificate_type.get_category_display()] += 1
    assert {row[0]: row[1] for row in content["counts"]["by_category"]["rows"]} == by_category


def test_the_chain_city_to_department_to_lead_to_ministry_with_a_return(
    agency, member, phase, client
):
    declare(member, agency, "510104", 1, persons=2)
    city_clerk = member("ZJ", "510100", "clerk")
    city_signer = member("ZJ", "510100", "reviewer")
    province_reviewer = member("ZJ", "510000", "reviewer")  # reviews the cities' summaries
    consolidator = member("ZJ", "510000", "reviewer")  # 住建厅: reviews the departments'
    city = services.summary_get_or_create(agency=agency("ZJ", "510100"), phase=phase)
    with pytest.raises(DomainError, match="工作开展情况"):
        services.report_prepare(report=city, prepared_by=city_clerk)
    write(city, city_clerk)
    services.report_prepare(report=city, prepared_by=city_clerk)
    with pytest.raises(ConflictError):  # frozen while it waits for sign-off
        write(city, city_clerk, work_done="改")
    services.report_sign(report=city, signed_by=city_signer)
    services.report_return(report=city, returned_by=province_reviewer, reason="请补充典型案例")
    city.refresh_from_db()
    assert (city.status, city.return_reason) == (Report.Status.RETURNED, "请补充典型案例")
    write(city, city_clerk, work_done="组织全市企业开展自查。典型案例：某公司主动注销2人。")
    services.report_submit(report=city, submitted_by=city_signer)  # prepares and signs at once
    services.report_approve(report=city, approved_by=province_reviewer)
    city.refresh_from_db()
    assert city.status == Report.Status.APPROVED
    frozen = city.current_revision.summary
    assert "典型案例" in frozen.work_done
    assert totals({"counts": frozen.counts})["persons"] == 2

    for code in DEPARTMENTS:
        filer = member(code, "510000", "reviewer")
        report = services.summary_get_or_create(agency=agency(code, "510000"), phase=phase)
        write(report, filer, work_done=f"{code}部门开展自查自纠。")
        services.report_submit(report=report, submitted_by=filer)
        services.report_approve(report=report, approved_by=consolidator)
    consolidation = services.consolidation_create(phase=phase, created_by=consolidator)
    services.consolidation_report(consolidation=consolidation, reported_by=consolidator)
    assert consolidation.kind == Report.Kind.SUMMARY

    ministry = member("BU", "510000", "ministry")
    client.force_login(ministry)
    page = client.get("/reports/summaries/", {"campaign": "sc-2019", "phase": "self_inspection"})
    assert page.context["consolidation"] == consolidation
    response = client.get(f"/reports/consolidations/{consolidation.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "自查自纠阶段工作总结" in text
    assert "ZJ部门开展自查自纠。" in text
    assert "TX部门开展自查自纠。" in text
    assert "申报人员（人）2" in text  # the ZJ department counts its cities' declarations
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"summary.saved", "report.returned", "consolidation.reported"} <= actions


def test_who_files_a_summary_and_when(agency, phase):
    """Counties file no summary; a phase that has not begun takes none yet."""
    with pytest.raises(DomainError, match="不报送阶段工作总结"):
        services.summary_get_or_create(agency=agency("ZJ", "510104"), phase=phase)
    supervision = Phase.objects.get(campaign=phase.campaign, kind=Phase.Kind.SUPERVISION)
    supervision.starts_on, supervision.ends_on = D(2999, 1, 1), D(2999, 2, 1)
    supervision.save()
    with pytest.raises(DomainError, match="尚不能报送其工作总结"):
        services.summary_get_or_create(agency=agency("ZJ", "510100"), phase=supervision)


def test_another_city_s_summary_answers_404_and_the_word_document_downloads(
    agency, member, phase, client
):
    clerk = member("ZJ", "510100", "clerk")
    report = services.summary_get_or_create(agency=agency("ZJ", "510100"), phase=phase)
    write(report, clerk)
    client.force_login(member("ZJ", "510700", "clerk"))
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    client.force_login(clerk)
    page = client.get(f"/reports/{report.pk}/")
    assert page.status_code == 200
    assert "申报人员（人）" in page.content.decode()
    document = client.get(f"/reports/{report.pk}/document/")
    assert document["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    body = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    assert "一、工作开展情况" in body
    assert TEXTS["work_done"] in body


def test_the_api_opens_writes_and_reads_a_summary(api, agency, member, phase):
    clerk = member("ZJ", "510100", "clerk")
    client = api(clerk)
    created = client.post(
        "/api/v1/reports/", {"agency": agency("ZJ", "510100").pk, "phase": phase.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["kind"] == "summary"
    saved = client.post(f"/api/v1/reports/{pk}/summary/", TEXTS, format="json")
    assert saved.status_code == 200, saved.json()
    detail = client.get(f"/api/v1/reports/{pk}/").json()
    assert detail["summary"]["work_done"] == TEXTS["work_done"]
    assert detail["rows"] == []
    assert not Consolidation.objects.exists()


def test_every_mistake_of_the_summary_form_comes_back_at_once_with_the_text_kept(
    agency, member, phase, client
):
    """Two overlong parts and a control character are all named on the page, nothing saved,
    and what was typed is still in the boxes."""
    clerk = member("ZJ", "510100", "clerk")
    report = services.summary_get_or_create(agency=agency("ZJ", "510100"), phase=phase)
    client.force_login(clerk)
    long_text = "长" * (services.SUMMARY_TEXT_LIMIT + 1)
    sent = {"work_done": long_text, "problems": "问题\x07", "next_steps": long_text}
    response = client.post(f"/reports/{report.pk}/summary/", sent)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"work_done", "problems", "next_steps"}
    assert "不能包含控制字符。" in errors["problems"]
    assert long_text in response.content.decode()
    assert not AuditEvent.objects.filter(action="summary.saved").exists()
