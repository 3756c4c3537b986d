"""Demo self-inspection declarations of January–March 2019, registered through the services.

The persons of the demo's self-corrected cases declared by their registered units (the story
behind those cases), one unit declared two persons of whom one is not yet rectified, an HR agency
declared to 人社, and one professional declared on his own.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency
from cases.demo import DEMO_ACTOR, HR_AGENCIES, PLAN, _person, _uscc
from declarations import services
from declarations.models import Declaration

D = datetime.date.fromisoformat


def _declared(index: int, *, rectified: bool, on: str, actions=("deregistration_applied",)):
    person = _person(index)
    return {
        **person,
        "actions": list(actions),
        "rectified": rectified,
        "rectified_on": D(on) if rectified else None,
    }


def _plans() -> list[dict]:
    """Return the demo declarations: (agency, payload) in the order they were received."""
    plans = []
    for index, (dept, region, opened, _source, _v, plan, _decided) in enumerate(PLAN):
        if plan != "self_corrected" or D(opened) > D("2019-03-31"):
            continue
        person = _person(index)
        plans.append(
            {
                "where": (dept, region),
                "declarant": "unit",
                "unit": person["registered_unit"],
                "declared_on": D(opened),
                "summary": "经自查，以下人员注册在我单位但未在我单位实际工作，已申请注销注册。",
                "persons": [_declared(index, rectified=True, on=opened)],
            }
        )
    plans.append(
        {
            "where": ("ZJ", "510104"),
            "declarant": "unit",
            "unit": _person(40)["registered_unit"],
            "declared_on": D("2019-01-28"),
            "summary": "自查发现2名人员注册在我单位未实际到岗，1人已签订劳动合同并转移社保，"
            "1人正在办理注销。",
            "persons": [
                _declared(
                    40,
                    rectified=True,
                    on="2019-01-26",
                    actions=("contract_signed", "insurance_transferred"),
                ),
                _declared(41, rectified=False, on=""),
            ],
        }
    )
    plans.append(
        {
            "where": ("RS", "510100"),
            "declarant": "hr_agency",
            "unit": {"name": HR_AGENCIES[0], "uscc": _uscc(2000)},
            "declared_on": D("2019-02-14"),
            "summary": "经自查，我机构曾为以下人员提供证书挂靠信息服务，已停止并退还扣押证书。",
            "persons": [
                _declared(42, rectified=True, on="2019-02-10", actions=("certificate_returned",))
            ],
        }
    )
    plans.append(
        {
            "where": ("ZJ", "510105"),
            "declarant": "person",
            "unit": None,
            "declared_on": D("2019-03-05"),
            "summary": "本人证书注册在原单位，已离职多年，现申请注销注册。",
            "persons": [_declared(43, rectified=True, on="2019-03-04", actions=("deregistered",))],
        }
    )
    return plans


@transaction.atomic
def demo_declarations_create() -> int:
    """Register the demo declarations once (skipped when they exist); return how many."""
    if Declaration.objects.filter(created_by__username=DEMO_ACTOR).exists():
        return 0
    actor = get_user_model().objects.get(username=DEMO_ACTOR)
    agencies = {
        (a.department.code, a.region.code): a
        for a in Agency.objects.select_related("department", "region")
    }
    count = 0
    for plan in _plans():
        where = plan.pop("where")
        services.declaration_create(actor=actor, agency=agencies[where], **plan)
        count += 1
    return count
