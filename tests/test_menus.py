"""Every role's menu leads somewhere that answers; the ministry is not shown the case register;
API documentation sits in the footer, not the staff menu."""

import re

import pytest

pytestmark = pytest.mark.django_db

ROLES = [
    ("ZJ", "510104", "clerk"),
    ("ZJ", "510100", "reviewer"),
    ("ZJ", "510000", "reviewer"),
    ("ZJ", "510000", "inspector"),
    ("RS", "510104", "clerk"),
    ("TL", "510000", "reviewer"),
    ("BU", "510000", "ministry"),
]


def menu_links(html: str) -> list[str]:
    nav = html.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    return list(re.findall(r'<a class="nav-link[^"]*" href="([^"]+)"', nav))


@pytest.mark.parametrize(("department", "region", "role"), ROLES)
def test_every_menu_link_answers(client, member, department, region, role):
    client.force_login(member(department, region, role))
    links = menu_links(client.get("/").content.decode())
    assert links
    assert "/api/docs/" not in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_ministry_menu_is_its_consolidations(client, member):
    client.force_login(member("BU", "510000", "ministry"))
    html = client.get("/").content.decode()
    links = menu_links(html)
    assert "/cases/" not in links
    assert "/reports/consolidations/" in links
    assert 'href="/api/docs/"' in html  # in the footer


def test_skip_link_leads_to_the_content(client, member):
    client.force_login(member("ZJ", "510104", "clerk"))
    html = client.get("/").content.decode()
    assert 'href="#main"' in html
    assert 'id="main"' in html


def test_screening_menus_for_zjt_and_rs(client, member):
    client.force_login(member("ZJ", "510000", "clerk"))
    links = menu_links(client.get("/").content.decode())
    assert "/screening/suspects/" in links
    assert "/screening/insurance/" not in links
    client.force_login(member("RS", "510104", "clerk"))
    links = menu_links(client.get("/").content.decode())
    assert "/screening/insurance/" in links
    assert "/screening/suspects/" not in links
    client.force_login(member("ZJ", "510104", "clerk"))
    assert "/screening/suspects/" not in menu_links(client.get("/").content.decode())
