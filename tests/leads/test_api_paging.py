"""The lead and complaint lists page as the case list does: ids first, a capped count."""

import pytest

from tests.complaints import test_api as complaints
from tests.leads import test_api as leads

pytestmark = pytest.mark.django_db


def test_lead_list_pages_newest_first_with_a_capped_count(api, member, agency):
    """Pages of the lead list follow received_on then id, newest first, and say whether the
    count is a lower bound (a province reads hundreds of thousands of leads)."""
    clerk = member("ZJ", leads.JINJIANG, "clerk")
    made = [
        leads.register(clerk, agency("ZJ", leads.JINJIANG), persons=[leads.person(300 + n)])
        for n in range(3)
    ]
    client = api(clerk)
    first = client.get(leads.URL, {"page_size": 2}).json()
    assert (first["count"], first["count_capped"]) == (3, False)
    second = client.get(first["next"]).json()
    shown = [r["id"] for r in first["results"] + second["results"]]
    assert shown == [lead.pk for lead in sorted(made, key=lambda x: x.pk, reverse=True)]


def test_complaint_list_pages_with_a_capped_count(api, member, agency):
    """The complaint list carries the same capped count and pages through every complaint."""
    clerk = member("ZJ", complaints.JINJIANG, "clerk")
    for _ in range(3):
        complaints.register(clerk, agency)
    client = api(clerk)
    first = client.get(complaints.URL, {"page_size": 2}).json()
    assert (first["count"], first["count_capped"]) == (3, False)
    assert len(first["results"]) + len(client.get(first["next"]).json()["results"]) == 3
