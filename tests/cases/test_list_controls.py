"""The case list's controls: filters offer only what the user reads, 全部 for no choice,
page numbers, page size and jump-to-page."""

import pytest

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_county_clerk_gets_no_region_list(client, member):
    client.force_login(member("ZJ", "510104", "clerk"))
    form = client.get("/cases/").context["filterset"].form
    assert "region" not in form.fields
    assert next(iter(form.fields["status"].choices)) == ("", "全部")


def test_city_reviewer_chooses_among_its_own_counties(client, member):
    client.force_login(member("ZJ", "510100", "reviewer"))
    field = client.get("/cases/").context["filterset"].form.fields["region"]
    choices = dict(field.widget.choices)
    assert "510104" in choices
    assert "510703" not in choices  # 绵阳 is another city's
    assert choices[""] == "全部"


def test_page_numbers_size_and_jump(client, member, agency):
    for _ in range(45):
        CaseFactory(agency=agency("ZJ", "510104"))
    client.force_login(member("ZJ", "510104", "clerk"))
    response = client.get("/cases/?size=20&page=2")
    page = response.context["page"]
    assert page.paginator.per_page == 20
    assert page.number == 2
    assert list(response.context["page_links"]) == [1, 2, 3]
    html = response.content.decode()
    assert 'aria-current="page"><span class="page-link">2<' in html
    assert 'name="size"' in html
    assert 'id="pager-page"' in html
    assert client.get("/cases/?size=7").context["page"].paginator.per_page == 50
