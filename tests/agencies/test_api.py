import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Membership
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_token_auth_then_me(member, api):
    """A token from /api/v1/auth/token/ authenticates later requests."""
    user = member("ZJ", "510104", "clerk")
    response = api().post(
        "/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["memberships"][0]["agency"]["region"] == "510104"
    assert me.json()["memberships"][0]["role"] == "clerk"


def test_bad_password_gets_a_chinese_message(member, api):
    user = member("ZJ", "510104", "clerk")
    response = api().post(
        "/api/v1/auth/token/", {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "密码" in response.json()["message"]


def test_repeated_failures_lock_the_account(member, api, settings):
    """After five failures even the right password is refused for a while."""
    user = member("ZJ", "510104", "clerk")
    client = api()
    for _ in range(5):
        client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "bad"}, format="json"
        )
    response = client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code in (403, 429)


@pytest.mark.parametrize(
    "url", ["/api/v1/me/", "/api/v1/agencies/", "/api/v1/regions/", "/api/v1/departments/"]
)
def test_anonymous_api_requests_get_401(api, url):
    assert api().get(url).status_code == 401


def test_agencies_filtered_and_restricted(member, api):
    """The agencies endpoint lists the caller's subtree and filters by department, region, level."""
    user = member("ZJ", "510100", "reviewer")
    data = api(user).get("/api/v1/agencies/", {"level": "county", "page_size": 200}).json()
    assert data["count"] == 20  # 成都市 has 20 county-level divisions
    assert {row["department"] for row in data["results"]} == {"ZJ"}
    assert api(user).get("/api/v1/agencies/", {"department": "RS"}).json()["count"] == 0


def test_another_jurisdictions_agency_answers_404(member, api, agency):
    user = member("ZJ", "510104", "clerk")
    other = agency("ZJ", "510105")
    assert api(user).get(f"/api/v1/agencies/{other.pk}/").status_code == 404
    own = agency("ZJ", "510104")
    assert api(user).get(f"/api/v1/agencies/{own.pk}/").status_code == 200


def test_regions_and_departments_are_reference_data(member, api):
    user = member("ZJ", "510104", "clerk")
    assert len(api(user).get("/api/v1/regions/").json()) == 205
    assert len(api(user).get("/api/v1/departments/").json()) == 8


def test_schema_and_offline_docs(member, client):
    user = member("ZJ", "510104", "clerk")
    client.force_login(user)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_createmember_creates_user_and_membership(reference):
    call_command(
        "createmember",
        "zhangsan",
        "--password",
        "pw-123456",
        "--department",
        "ZJ",
        "--region",
        "510104",
        "--role",
        "clerk",
        verbosity=0,
    )
    call_command(
        "createmember",
        "zhangsan",
        "--department",
        "ZJ",
        "--region",
        "510100",
        "--role",
        "reviewer",
        verbosity=0,
    )
    memberships = Membership.objects.filter(user__username="zhangsan")
    assert sorted(memberships.values_list("role", flat=True)) == ["clerk", "reviewer"]
    assert memberships.first().user.check_password("pw-123456")


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_home_is_chinese(member, client):
    client.force_login(member("ZJ", "510104", "clerk"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "成都市锦江区住房和城乡建设局" in response.content.decode()
    assert 'lang="zh-Hans"' in response.content.decode()
