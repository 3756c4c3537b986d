"""Screening leads carry the rule that fired and its facts: filterable by rule in the list and
the API, shown on the lead's page with ID numbers masked for those who only read."""

import datetime

import pytest

from leads.models import Lead
from leads.services import lead_register
from tests.factories import valid_resident_id

pytestmark = pytest.mark.django_db

NUMBER = valid_resident_id(321)


@pytest.fixture
def leads(member, agency):
    clerk = member("ZJ", "510104", "clerk")
    made = []
    for rule in ("registered_twice", "paid_by_hr_agency"):
        lead = lead_register(
            actor=clerk,
            agency=agency("ZJ", "510104"),
            source="comparison",
            received_on=datetime.date(2019, 3, 12),
            text="比对发现",
            persons=[{"name": "孙某"}],
        )
        Lead.objects.filter(pk=lead.pk).update(
            rule=rule,
            facts={"rule": rule, "months": ["2019-01", "2019-02"], "证件号码": NUMBER,
                   "paying_units": [{"name": "某人力资源公司", "uscc": ""}]},
        )  # fmt: skip
        made.append(lead)
    return clerk, made


def test_list_and_api_filter_by_rule(client, api, leads):
    clerk, (twice, hr) = leads
    client.force_login(clerk)
    rows = client.get("/leads/?rule=paid_by_hr_agency").context["rows"]
    assert [r["lead"].pk for r in rows] == [hr.pk]
    results = api(clerk).get("/api/v1/leads/?rule=registered_twice").json()["results"]
    assert [r["id"] for r in results] == [twice.pk]
    assert results[0]["rule"] == "registered_twice"


def test_page_shows_the_rule_and_facts_masked_for_readers(client, member, leads):
    clerk, (twice, _hr) = leads
    client.force_login(clerk)
    page = client.get(f"/leads/{twice.pk}/").content.decode()
    assert "同时注册在两家以上单位" in page
    assert "2019-01、2019-02" in page
    assert "某人力资源公司" in page
    assert NUMBER in page
    client.force_login(member("ZJ", "510000", "inspector"))
    page = client.get(f"/leads/{twice.pk}/").content.decode()
    assert NUMBER not in page
    assert "2019-01、2019-02" in page
