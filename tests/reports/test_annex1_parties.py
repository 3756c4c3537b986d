"""附件1 tells the whole truth: unit and HR-agency cases, an outcome per person (issue 9)."""

import datetime

import pytest

from cases import selectors as case_selectors
from cases import services as case_services
from cases.identifiers import normalize_uscc, uscc_check_character
from reports import annex1, services
from reports import compile as compiler
from tests.cases.payloads import case_payload, pdf_file, person_payload, unit_payload
from tests.reports.conftest import SC2019

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def rows_of(agency, month=MARCH):
    return compiler.report_rows(
        campaign_id=SC2019(), agency_id=agency.pk, agency_name=agency.name, month=month
    )


def test_an_hr_agency_alone_is_registered_decided_and_reported_by_renshe(agency, member):
    """人社 pursues an HR agency with no professional: the case, its decision and its row."""
    clerk = member("RS", "510104", "clerk")
    hr = unit_payload(40, name="成都某某人力资源服务有限公司")
    case = case_services.case_create(
        actor=clerk,
        agency=agency("RS", "510104"),
        **case_payload(
            persons=[],
            certificate_user_unit=None,
            hr_agency=hr,
            violations=["brokering"],
        ),
    )
    assert not case.parties.exists()
    case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on="2019-03-20",
        document_number="锦人社罚〔2019〕2号",
        outcomes=[
            {
                "role": "hr_agency",
                "result": "established",
                "measures": ["rectify_order", "fine"],
                "rectify_deadline": "2019-04-30",
                "fine_amount": "10000",
            }
        ],
    )
    (row,) = rows_of(agency("RS", "510104"))
    assert (row["name"], row["id_number"], row["certificate_number"]) == ("", "", "")
    assert (row["unit_name"], row["unit_uscc"]) == (hr["name"], hr["uscc"])
    assert row["penalty"] == "人力资源服务机构：限期责令整改，罚款10000元（锦人社罚〔2019〕2号）"
    report = services.report_get_or_create(agency=agency("RS", "510104"), month=MARCH)
    services.report_submit(report=report, submitted_by=clerk)
    stats = compiler.statistics(revision_ids=[report.current_revision_id])
    counted = {(s["category"], s["measure"]): s["count"] for s in stats["by_department"]}
    assert counted[("人力资源服务机构", "限期责令整改")] == 1
    assert counted[("人力资源服务机构", "罚款")] == 1


def test_a_two_person_case_with_one_exempt_person_gives_one_row(agency, member):
    """The exempt person is no row of 附件1; the established one is, with the unit's measures."""
    clerk = member("ZJ", "510104", "clerk")
    case = case_services.case_create(
        actor=clerk,
        agency=agency("ZJ", "510104"),
        **case_payload(persons=[person_payload(1), person_payload(2)]),
    )
    first, second = case.parties.order_by("position")
    case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on="2019-03-20",
        document_number="川建罚〔2019〕12号",
        outcomes=[
            {
                "party": first.pk,
                "result": "established",
                "measures": ["revoke_registration", "bad_record"],
            },
            {
                "party": second.pk,
                "result": "not_established",
                "exemption": "retired",
                "proofs": [{"kind": "retirement_certificate", "file": pdf_file("退休证.pdf")}],
            },
            {"role": "unit", "result": "established", "measures": ["circular", "blacklist"]},
        ],
    )
    (row,) = rows_of(agency("ZJ", "510104"))
    assert row["name"] == first.name
    assert row["penalty"] == (
        "个人：撤销注册，3年内不得再次申请注册，记入不良行为记录；"
        "单位：通报，列入建筑市场主体黑名单（川建罚〔2019〕12号）"
    )


def test_unit_measures_are_counted_once_per_case_however_many_rows_repeat_them(agency, member):
    """Two established persons repeat the unit's 通报 on their rows; 统计 counts it once."""
    clerk = member("ZJ", "510104", "clerk")
    case = case_services.case_create(
        actor=clerk,
        agency=agency("ZJ", "510104"),
        **case_payload(persons=[person_payload(1), person_payload(2)]),
    )
    case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on="2019-03-20",
        outcomes=[
            *(
                {"party": p.pk, "result": "established", "measures": ["bad_record"]}
                for p in case.parties.all()
            ),
            {"role": "unit", "result": "established", "measures": ["circular"]},
        ],
    )
    rows = rows_of(agency("ZJ", "510104"))
    assert len(rows) == 2
    assert all("单位：通报" in r["penalty"] for r in rows)
    report = services.report_get_or_create(agency=agency("ZJ", "510104"), month=MARCH)
    services.report_submit(report=report, submitted_by=clerk)
    stats = compiler.statistics(revision_ids=[report.current_revision_id])
    counted = {(s["category"], s["measure"]): s["count"] for s in stats["by_department"]}
    assert counted[("买卖租借证书单位", "通报")] == 1
    assert sum(n for (c, m), n in counted.items() if m == "记入不良行为记录") == 2
    (sheet,) = [annex1.report_sheet(report, full_ids=True)]
    assert len(sheet.rows) == 2


def test_a_referral_to_the_issuing_authority_is_stated_in_the_penalty(agency, member):
    """Where the certificate's issuer is not the deciding agency, 附件1 says it was referred."""
    clerk = member("ZJ", "510104", "clerk")
    case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(certificate_user_unit=None)
    )
    case_services.case_decide(
        actor=clerk,
        case=case,
        decided_on="2019-03-20",
        outcome="established",
        measures=["revoke_registration"],
        referred_to_issuer=True,
        issuer="住房和城乡建设部",
    )
    (row,) = rows_of(agency("ZJ", "510104"))
    assert "移送发证机关（住房和城乡建设部）依法依规处罚" in row["penalty"]


# --------------------------------------------------------------------------- who reads


def test_the_railway_bureau_reads_railway_cases_and_nothing_else(agency, member):
    """成都铁路监督管理局 reads a case with a 铁路工程 建造师 certificate, and no other case."""
    clerk = member("ZJ", "510104", "clerk")
    railway = person_payload(5)
    railway["certificate"] = {**railway["certificate"], "specialty": "铁路工程"}
    railway_case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(persons=[railway])
    )
    other = case_services.case_create(
        actor=clerk,
        agency=agency("ZJ", "510104"),
        **case_payload(persons=[person_payload(6)], certificate_user_unit=None),
    )
    tl = member("TL", "510000", "inspector")
    tl_clerk = member("TL", "510000", "clerk")
    for user in (tl, tl_clerk):
        visible = set(case_selectors.case_list(user=user).values_list("pk", flat=True))
        assert visible == {railway_case.pk}
        assert not case_selectors.case_list(user=user, action="change").exists()
    mh = member("MH", "510000", "inspector")
    assert not case_selectors.case_list(user=mh).filter(pk__in=[railway_case.pk, other.pk])


def test_the_railway_bureau_reads_masked_numbers(api, agency, member):
    """A supervising bureau reads; it is no writer of the case, so numbers stay masked."""
    clerk = member("ZJ", "510104", "clerk")
    railway = person_payload(5)
    railway["certificate"] = {**railway["certificate"], "specialty": "铁路工程"}
    case = case_services.case_create(
        actor=clerk, agency=agency("ZJ", "510104"), **case_payload(persons=[railway])
    )
    detail = api(member("TL", "510000", "inspector")).get(f"/api/v1/cases/{case.pk}/").json()
    assert "*" in detail["persons"][0]["person"]["id_number"]


# --------------------------------------------------------------------------- credit codes


def test_credit_codes_use_the_31_character_alphabet_in_every_position():
    """GB 32100: letters may stand in the first eight positions too (python-stdnum refuses)."""
    body = "N2510104MA6CQ0001"
    code = body + uscc_check_character(body)
    assert normalize_uscc(code.lower()) == code
    with pytest.raises(Exception, match="格式不正确"):
        normalize_uscc("I" + code[1:])
    with pytest.raises(Exception, match="校验位"):
        normalize_uscc(code[:17] + ("0" if code[17] != "0" else "1"))
