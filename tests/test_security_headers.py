"""Content-Security-Policy and Permissions-Policy on every page; templates with no inline script."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def policy(response) -> dict[str, list[str]]:
    """Parse the response's Content-Security-Policy into {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def assert_strict(csp: dict[str, list[str]]) -> None:
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert "'self'" in csp[directive]
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(csp[directive])
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


@pytest.mark.parametrize(
    "url", ["/", "/cases/", "/cases/new/", "/reports/", "/notifications/", "/admin/"]
)
def test_pages_send_a_strict_content_security_policy(member, client, url):
    """Every page forbids inline and foreign scripts and styles, plugins, framing, <base>."""
    client.force_login(member("ZJ", "510104", "clerk", is_staff=True))
    response = client.get(url)
    assert response.status_code in (200, 302)
    assert_strict(policy(response))


def test_login_page_sends_the_policy_too(client):
    """The anonymous login page is covered as well."""
    assert_strict(policy(client.get("/accounts/login/")))


def test_api_responses_send_the_policy(member, api):
    """JSON answers carry the policy too (a browser opening one runs nothing)."""
    response = api(member("ZJ", "510104", "clerk")).get("/api/v1/me/")
    assert_strict(policy(response))


def test_permissions_policy_turns_off_device_features(client):
    """Camera, microphone, geolocation and other device features are off for every page."""
    header = client.get("/accounts/login/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture"):
        assert features[feature] == "()"


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


def test_templates_have_no_inline_script_handler_or_style_attribute():
    """No template carries an inline <script> without a nonce, a <style>, on* or style=."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("inline <style>", re.compile(r"<style\b", re.IGNORECASE)),
            ("on* handler", HANDLER_ATTRIBUTE),
            ("style attribute", STYLE_ATTRIBUTE),
            ("javascript: URL", re.compile(r"javascript:", re.IGNORECASE)),
        ):
            if pattern.search(text):
                found.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert found == []


def test_swagger_ui_runs_from_files_under_the_strict_policy(member, client):
    """/api/docs/ loads its start script from a URL instead of inline, under the strict policy."""
    client.force_login(member("ZJ", "510104", "clerk"))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert_strict(policy(page))
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "<style" not in html
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    script = client.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_redoc_alone_may_use_inline_styles(member, client):
    """/api/redoc/ allows inline styles (Redoc injects them) but no inline script, no web font."""
    client.force_login(member("ZJ", "510104", "clerk"))
    page = client.get("/api/redoc/")
    assert page.status_code == 200
    csp = policy(page)
    assert "'unsafe-inline'" in csp["style-src"]
    assert "'unsafe-inline'" not in csp["script-src"]
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert "fonts.googleapis.com" not in html
