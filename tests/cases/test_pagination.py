"""The case list's paginator: ids first, rows after, in order; a count capped for large scopes."""

import datetime

import pytest
from django.urls import reverse

from cases import selectors
from cases.models import Case
from core.paginator import IdFirstPaginator
from tests.factories import CaseFactory, DecisionFactory

pytestmark = pytest.mark.django_db

JINJIANG = "510104"


@pytest.fixture
def clerk(member):
    return member("ZJ", JINJIANG, "clerk")


@pytest.fixture
def cases(agency):
    """Seven cases, two opened on each day, so the order needs the id to break ties."""
    where = agency("ZJ", JINJIANG)
    day = datetime.date(2019, 3, 1)
    return [
        CaseFactory(agency=where, opened_on=day + datetime.timedelta(days=i // 2)) for i in range(7)
    ]


def test_pages_keep_the_lists_order_and_never_overlap(cases, clerk):
    """Paging by ids first returns every visible case once, newest first, ties by id."""
    paginator = IdFirstPaginator(selectors.case_list(user=clerk), 3)
    seen = [case.pk for number in (1, 2, 3) for case in paginator.page(number)]
    expected = [c.pk for c in sorted(cases, key=lambda c: (c.opened_on, c.pk), reverse=True)]
    assert seen == expected
    assert paginator.count == 7
    assert not paginator.count_capped
    assert paginator.page(2).has_next()
    assert not paginator.page(3).has_next()


def test_rows_come_with_what_the_list_shows(cases, clerk, django_assert_num_queries):
    """The page's rows carry their agency and parties without a query per row."""
    paginator = IdFirstPaginator(selectors.case_list(user=clerk), 50)
    paginator.count  # noqa: B018
    # The page's ids, its rows with their joins, the parties prefetch.
    with django_assert_num_queries(3):
        rows = list(paginator.page(1))
        assert all(row.agency.department.code == "ZJ" for row in rows)
        assert all(list(row.parties.all()) == [] for row in rows)


def test_count_stops_at_the_cap_and_later_pages_still_open(cases, clerk):
    """Beyond the cap the count is the cap, flagged, and pages past it are still served."""
    paginator = IdFirstPaginator(selectors.case_list(user=clerk), 2, count_cap=3)
    assert paginator.count == 3
    assert paginator.count_capped
    last = paginator.page(4)
    assert len(last) == 1
    assert not last.has_next()
    exact = IdFirstPaginator(selectors.case_list(user=clerk), 2, count_cap=7)
    assert exact.count == 7
    assert not exact.count_capped


def test_api_reports_a_capped_count(api, cases, clerk, monkeypatch):
    """The API keeps ``count`` and says with ``count_capped`` when more cases match."""
    response = api(clerk).get("/api/v1/cases/?page_size=2")
    body = response.json()
    assert (body["count"], body["count_capped"]) == (7, False)
    monkeypatch.setattr(IdFirstPaginator, "count_cap", 5)
    body = api(clerk).get("/api/v1/cases/?page_size=2&page=4").json()
    assert (body["count"], body["count_capped"]) == (5, True)
    assert len(body["results"]) == 1
    assert body["next"] is None


def test_html_list_shows_a_capped_count_with_a_plus(client, cases, clerk, monkeypatch):
    """The list page reads "5+ 条" once more cases match than are counted."""
    client.force_login(clerk)
    monkeypatch.setattr(IdFirstPaginator, "count_cap", 5)
    page = client.get(reverse("cases:list")).content.decode()
    assert "5+ 条" in page


def test_decided_month_filter_and_sort_use_the_cases_own_date(api, cases, clerk):
    """The month filter and the decision-date sort read Case.decided_on, kept by the decision."""
    DecisionFactory(case=cases[0], decided_on=datetime.date(2019, 4, 2))
    DecisionFactory(case=cases[1], decided_on=datetime.date(2019, 4, 30))
    assert set(Case.objects.filter(decided_on__isnull=False).values_list("pk", flat=True)) == {
        cases[0].pk,
        cases[1].pk,
    }
    client = api(clerk)
    rows = client.get("/api/v1/cases/?decided_month=2019-04&ordering=-decided_on").json()
    assert [r["id"] for r in rows["results"]] == [cases[1].pk, cases[0].pk]
    assert client.get("/api/v1/cases/?decided_month=2019-05").json()["count"] == 0


@pytest.mark.parametrize("month", ["9999-12", "0000-01"])
def test_decided_month_out_of_calendar_range_is_an_empty_list_not_an_error(
    api, cases, clerk, month
):
    response = api(clerk).get("/api/v1/cases/", {"decided_month": month})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_absurd_page_number_answers_404_not_500(api, cases, clerk, monkeypatch):
    monkeypatch.setattr(IdFirstPaginator, "count_cap", 2)
    response = api(clerk).get("/api/v1/cases/", {"page": 10**20})
    assert response.status_code == 404
