"""Demo complaints: one on the phone being verified, one from the public front door waiting in
triage, and one closed with a case opened and the reply published.

Two have known query codes so a newcomer can try the public status page (README).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, ComplaintChannel
from cases.demo import DEMO_ACTOR
from complaints import services
from complaints.models import Complaint
from leads.demo import demo_person, demo_unit
from leads.services import lead_open_case

# Receipt → code of the demo complaints whose status the README invites to look up.
DEMO_CODES = {"TS-20190305-0001": "DEMO2345", "TS-20190315-0001": "DEMO6789"}


def _at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def _plans() -> list[dict]:
    return [
        {
            "channel": "telephone",
            "received_at": _at("2019-03-05 09:40"),
            "name": "李先生",
            "phone": "13800028001",
            "text": "来电反映：某人的一级建造师证书注册在锦江区某公司，但本人一直在外地工作。",
            "violations": ["unit_mismatch"],
            "persons": [demo_person(54, "510104", "四川锦程建设工程有限公司")],
            "then": "case_and_reply",
        },
        {
            "channel": "telephone",
            "received_at": _at("2019-03-15 14:10"),
            "name": "王女士",
            "phone": "028-86001234",
            "text": "来电反映：某公司投标时使用的建造师从未到过公司，怀疑证书为租借。",
            "violations": ["certificate_trading"],
            "persons": [demo_person(55, "510104", "成都锦华建筑工程有限公司")],
            "units": [demo_unit(56, "510104", "成都锦华建筑工程有限公司")],
            "then": "",
        },
    ]


def _public() -> dict:
    return {
        "department": "ZJ",
        "region": "510104",
        "anonymous": True,
        "text": "网上举报：有中介在招聘网站以“证书挂靠、年薪3万”为名收集建造师证书。",
        "units": [{"name": "成都某某劳务派遣有限公司"}],
    }


@transaction.atomic
def demo_complaints_create() -> int:
    """Register the demo complaints once (skipped when they exist); return how many."""
    if Complaint.objects.filter(receipt__in=DEMO_CODES).exists():
        return 0
    user_model = get_user_model()
    actor = user_model.objects.get(username=DEMO_ACTOR)
    clerk = user_model.objects.get(username="county_clerk")
    agency = Agency.objects.select_related("department", "region").get(
        department__code="ZJ", region__code="510104"
    )
    published = ComplaintChannel.objects.filter(department__code="ZJ").first()
    count = 0
    for plan in _plans():
        then = plan.pop("then")
        complaint, _code = services.complaint_register(
            actor=actor,
            agency=agency,
            published_channel=published.pk if published else None,
            **plan,
        )
        Complaint.objects.filter(pk=complaint.pk).update(
            query_digest=services.query_digest(complaint.receipt, DEMO_CODES[complaint.receipt])
        )
        if then == "case_and_reply":
            services.complaint_reply(
                actor=clerk,
                complaint=complaint,
                replied_on=datetime.date(2019, 3, 20),
                channel="telephone",
                text="经核查，反映情况属实，已立案调查并依法处理。感谢您的监督。",
            )
            lead_open_case(actor=clerk, lead=complaint.lead, opened_on=datetime.date(2019, 3, 12))
        count += 1
    services.complaint_submit_public(**_public())
    return count + 1
