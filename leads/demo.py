"""Demo leads of March–April 2019, registered and moved through the services.

A ministry suspect list lead waiting for 青羊区 to accept it, a comparison lead 锦江区 sent back
to the province, a spot check found unsubstantiated, and a lead about an HR agency at 人社;
the complaints (``complaints.demo``) add the public's side.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from cases.demo import DEMO_ACTOR, HR_AGENCIES, _person
from cases.identifiers import build_uscc
from leads import services
from leads.models import Lead

D = datetime.date.fromisoformat


def demo_unit(serial: int, region: str, name: str) -> dict:
    """Return a unit registered in ``region`` (its credit code routes leads there)."""
    return {"name": name, "uscc": build_uscc(region=region, serial=9000 + serial)}


def demo_person(index: int, region: str, unit_name: str) -> dict:
    """Return demo person ``index`` with a certificate registered with a unit of ``region``."""
    person = _person(index)
    return {**person, "registered_unit": demo_unit(index, region, unit_name)}


def _plans() -> list[dict]:
    return [
        {
            "where": ("ZJ", "510000"),
            "source": "ministry_list",
            "received_on": D("2019-03-08"),
            "text": "部下发疑似“挂证”人员名单（第一批）：注册单位与社保缴纳单位不一致。",
            "violations": ["unit_mismatch"],
            "persons": [demo_person(50, "510105", "成都青羊建工集团有限公司")],
            "then": [],
        },
        {
            "where": ("ZJ", "510000"),
            "source": "comparison",
            "received_on": D("2019-03-20"),
            "text": "省级比对：注册单位在锦江区，社保在外省单位缴纳。",
            "violations": ["unit_mismatch"],
            "persons": [demo_person(51, "510104", "四川锦江市政工程有限公司")],
            "then": [("reject", "county_clerk", "该人员注册单位已迁出锦江区，请重新分办。")],
        },
        {
            "where": ("ZJ", "510100"),
            "source": "spot_check",
            "received_on": D("2019-04-03"),
            "text": "抽查在建项目：项目经理长期不在岗。",
            "violations": ["absent_from_post"],
            "persons": [demo_person(60, "510100", "成都城建监理有限公司")],
            "then": [
                (
                    "close_unsubstantiated",
                    "city_clerk",
                    "经核查，该项目经理在岗履职，考勤与社保记录一致。",
                )
            ],
        },
        {
            "where": ("RS", "510104"),
            "source": "referral",
            "received_on": D("2019-04-08"),
            "text": "住建部门移送：某人力资源公司以招聘为名收集建造师证书出租。",
            "violations": ["brokering"],
            "units": [
                {**demo_unit(53, "510104", HR_AGENCIES[1]), "role": "hr_agency"},
            ],
            "then": [],
        },
    ]


def _then(lead: Lead, steps: list, users: dict) -> None:
    for step, username, text in steps:
        user = users[username]
        if step == "reject":
            services.lead_reject(actor=user, lead=lead, reason=text)
        elif step == "close_unsubstantiated":
            services.lead_close(actor=user, lead=lead, outcome="unsubstantiated", reason=text)


@transaction.atomic
def demo_leads_create() -> int:
    """Register the demo leads once (skipped when they exist); return how many."""
    if Lead.objects.filter(created_by__username=DEMO_ACTOR).exclude(source="complaint").exists():
        return 0
    user_model = get_user_model()
    actor = user_model.objects.get(username=DEMO_ACTOR)
    users = {
        u.username: u
        for u in user_model.objects.filter(username__in=["county_clerk", "city_clerk"])
    }
    agencies = {
        (a.department.code, a.region.code): a
        for a in Agency.objects.select_related("department", "region")
    }
    count = 0
    for plan in _plans():
        where, steps = plan.pop("where"), plan.pop("then")
        lead = services.lead_register(actor=actor, agency=agencies[where], **plan)
        _then(lead, steps, users)
        count += 1
    return count
