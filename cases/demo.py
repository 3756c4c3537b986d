"""Demo cases for a newcomer's first look: about thirty cases of 2019 entered through the services.

Every case goes through ``services.case_create`` (and the workflow services), so the demo data obeys
the same rules, numbering and audit trail as real entries. Identifiers are synthetic but valid.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from agencies.models import Agency
from cases import services
from cases.identifiers import build_uscc
from cases.models import Case
from cases.reference import certificate_types_load

DEMO_ACTOR = "demo_loader"

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(region: str, birth: str, seq: int) -> str:
    body = f"{region}{birth}{seq % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _uscc(seq: int) -> str:
    return build_uscc(region="510100", serial=seq)


UNITS = [
    "四川蜀兴建设工程有限公司",
    "成都锦城建筑劳务有限公司",
    "四川天府市政工程有限公司",
    "成都青羊建筑设计研究院有限公司",
    "四川川建监理咨询有限公司",
    "成都恒信工程造价咨询有限公司",
    "四川安居房地产开发有限公司",
    "绵阳涪江建设集团有限公司",
    "四川西南水利水电工程有限公司",
    "成都蓉通公路工程有限公司",
    "四川华西机电安装工程有限公司",
    "成都高新科技园区管理服务有限公司",
]
HR_AGENCIES = ["成都人才通人力资源服务有限公司", "四川众聘人力资源管理有限公司"]
NAMES = [
    "张建国", "李秀英", "王志强", "刘芳", "陈明", "杨丽", "赵磊", "黄静", "周勇", "吴敏",
    "徐涛", "孙燕", "胡斌", "朱丹", "高峰", "林霞", "何伟", "郭婷", "马超", "罗红",
    "梁军", "宋佳", "郑浩", "谢娟", "韩冰", "唐亮", "冯雪", "于洋", "董洁", "萧然",
]  # fmt: skip
CERTIFICATES = [
    ("constructor", "1", "建筑工程"),
    ("constructor", "2", "建筑工程"),
    ("constructor", "1", "市政公用工程"),
    ("constructor", "2", "机电工程"),
    ("architect", "1", ""),
    ("survey_engineer", "1", "结构"),
    ("supervision_engineer", "", "土木建筑工程"),
    ("cost_engineer", "1", "土木建筑工程"),
    ("constructor", "1", "公路工程"),
    ("constructor", "2", "水利水电工程"),
]

# department, region, opened on, source, violations (+), outcome plan, decided on. Plans: "-" open,
# investigating, established, self_corrected, not_established, closed (established, then closed).
PLAN_TABLE = """
ZJ 510104 2019-01-10 self_inspection unit_mismatch                     self_corrected  2019-02-20
ZJ 510104 2019-01-15 self_inspection unit_mismatch                     self_corrected  2019-02-25
ZJ 510104 2019-02-11 comparison      unit_mismatch+certificate_trading established     2019-03-18
ZJ 510104 2019-02-20 comparison      unit_mismatch                     not_established 2019-03-22
ZJ 510104 2019-03-04 complaint       certificate_trading               closed          2019-04-12
ZJ 510104 2019-03-12 comparison      unit_mismatch                     established     2019-04-25
ZJ 510104 2019-04-08 spot_check      absent_from_post                  investigating   -
ZJ 510104 2019-05-06 comparison      unit_mismatch                     -               -
ZJ 510105 2019-01-20 self_inspection unit_mismatch                     self_corrected  2019-02-26
ZJ 510105 2019-02-15 comparison      unit_mismatch                     established     2019-03-28
ZJ 510105 2019-03-01 complaint       certificate_trading               not_established 2019-04-10
ZJ 510105 2019-03-20 comparison      unit_mismatch                     established     2019-05-15
ZJ 510105 2019-05-10 spot_check      absent_from_post                  investigating   -
ZJ 510100 2019-01-25 self_inspection unit_mismatch                     self_corrected  2019-02-27
ZJ 510100 2019-02-18 complaint       certificate_trading+unit_mismatch closed          2019-03-29
ZJ 510100 2019-03-08 comparison      unit_mismatch                     established     2019-04-18
ZJ 510100 2019-04-02 comparison      unit_mismatch                     established     2019-05-20
ZJ 510100 2019-05-13 spot_check      unit_mismatch                     established     2019-06-14
ZJ 510100 2019-06-03 complaint       certificate_trading               -               -
ZJ 510700 2019-02-22 comparison      unit_mismatch                     established     2019-03-26
ZJ 510700 2019-04-11 self_inspection unit_mismatch                     self_corrected  2019-04-30
ZJ 510000 2019-03-15 spot_check      certificate_trading               established     2019-05-08
RS 510104 2019-02-12 complaint       false_job_info+brokering          established     2019-03-25
RS 510104 2019-03-18 comparison      brokering                         investigating   -
RS 510100 2019-02-26 complaint       certificate_withholding           established     2019-04-16
RS 510100 2019-04-09 spot_check      false_job_info                    not_established 2019-05-17
RS 510000 2019-03-05 complaint       brokering                         closed          2019-04-22
JT 510000 2019-03-11 comparison      unit_mismatch                     established     2019-04-19
SL 510000 2019-03-21 comparison      unit_mismatch                     self_corrected  2019-04-26
TX 510000 2019-04-15 comparison      unit_mismatch                     -               -
"""
PLAN = [
    (d, r, o, s, v.split("+"), "" if p == "-" else p, "" if x == "-" else x)
    for d, r, o, s, v, p, x in (line.split() for line in PLAN_TABLE.strip().splitlines())
]

# HR-agency cases: RS cases name a broker; the first RS case reuses a ZJ person (a cross-department
# duplicate the RS clerk is told about without details).
SHARED_PERSON = {22: 2}


def _unit(seq: int) -> dict:
    return {"name": UNITS[seq % len(UNITS)], "uscc": _uscc(1000 + seq % len(UNITS))}


def _person(index: int) -> dict:
    category, level, specialty = CERTIFICATES[index % len(CERTIFICATES)]
    if index % 7 == 3:  # a few professionals certified in water or road work
        category, level, specialty = ("constructor", "1", "水利水电工程")
    region = ("510104", "510105", "510106", "510107", "510703", "510122")[index % 6]
    birth = f"{1965 + index % 25}{(index % 12) + 1:02d}{(index % 27) + 1:02d}"
    return {
        "name": NAMES[index % len(NAMES)],
        "id_type": "resident_id",
        "id_number": _resident_id(region, birth, 10 + index),
        "is_public_employee": index % 11 == 5,
        "certificate": {
            "category": category,
            "level": level,
            "specialty": specialty,
            "number": f"川{1510000000 + index * 37}",
        },
        "registered_unit": _unit(index),
        "actual_unit": _unit(index + 5),
    }


# Exemptions of the demo's cleared persons, with the proof each brings (DOMAIN.md §4).
EXEMPTIONS = (
    ("retired", "retirement_certificate", "退休证"),
    ("branch_office", "personnel_relation", "总分公司人事关系证明"),
    ("university_staff", "insurance_record", "社会保险个人权益记录"),
)


def _demo_pdf(name: str) -> SimpleUploadedFile:
    """Return a tiny valid PDF to stand for a scanned proof (demo data only)."""
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _decide(actor, case: Case, plan: str, decided_on: str, index: int, person: dict) -> None:
    if plan == "self_corrected":
        services.case_decide(
            actor=actor,
            case=case,
            decided_on=decided_on,
            outcome="established",
            self_corrected=True,
            # The deregistration was applied during self-inspection (extended to 2019-03-31).
            self_corrected_on=min(case.opened_on, datetime.date(2019, 3, 20)),
            self_correction_text="已注销注册",
            penalty_text="自查自纠期间已整改到位，不再追究。",
        )
    elif plan == "not_established":
        exemption, proof, title = EXEMPTIONS[index % len(EXEMPTIONS)]
        services.case_decide(
            actor=actor,
            case=case,
            decided_on=decided_on,
            outcome="not_established",
            exemption=exemption,
            proofs=[{"kind": proof, "file": _demo_pdf(f"{title}.pdf")}],
        )
    else:
        measures = ["revoke_registration", "reregistration_ban", "bad_record", "blacklist"]
        if case.hr_agency_id:
            measures = ["bad_record", "rectify_order", "fine"]
        if person["is_public_employee"]:
            measures.append("notify_employer")
        services.case_decide(
            actor=actor,
            case=case,
            decided_on=decided_on,
            outcome="established",
            measures=measures,
            document_number=f"{case.agency.department.code}罚〔2019〕{index + 1}号",
            penalty_text="依法撤销注册，3年内不得再次申请注册，记入不良行为记录。",
            fine_amount="10000" if "fine" in measures else None,
            rectify_deadline=(
                datetime.date.fromisoformat(decided_on) + datetime.timedelta(days=30)
                if "rectify_order" in measures
                else None
            ),
        )
        if plan == "closed":
            services.case_close(actor=actor, case=case, reason="处理决定已执行完毕")


@transaction.atomic
def demo_cases_create() -> int:
    """Create the demo cases once (skipped when they exist); return how many were created."""
    user_model = get_user_model()
    if Case.objects.filter(created_by__username=DEMO_ACTOR).exists():
        return 0
    certificate_types_load()
    actor, created = user_model.objects.get_or_create(
        username=DEMO_ACTOR,
        defaults={"first_name": "演示数据", "is_superuser": True, "is_staff": False},
    )
    if created:
        actor.set_unusable_password()  # writes through the services; nobody logs in as it
        actor.save()
    agencies = {
        (a.department.code, a.region.code): a
        for a in Agency.objects.select_related("department", "region")
    }
    count = 0
    for index, (dept, region, opened, source, violations, plan, decided) in enumerate(PLAN):
        person = _person(SHARED_PERSON.get(index, index))
        persons = [person]
        if index % 5 == 1:
            persons.append(_person(index + len(PLAN)))
        hr_agency = None
        if dept == "RS":
            hr_agency = {"name": HR_AGENCIES[index % 2], "uscc": _uscc(2000 + index % 2)}
        case = services.case_create(
            actor=actor,
            agency=agencies[(dept, region)],
            source=source,
            violations=violations,
            opened_on=datetime.date.fromisoformat(opened),
            summary=(
                "经比对，该人员注册单位与社会保险缴费单位不一致，"
                "存在注册单位与实际工作单位不符的情形。"
            ),
            persons=persons,
            certificate_user_unit=person["registered_unit"],
            hr_agency=hr_agency,
        )
        count += 1
        if plan in ("investigating", "established", "closed", "not_established"):
            services.case_start_investigation(actor=actor, case=case)
        if plan and plan != "investigating":
            _decide(actor, case, plan, decided, index, person)
    return count
