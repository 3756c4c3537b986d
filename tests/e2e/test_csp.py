"""Pages work in Chromium under the Content-Security-Policy, with no violation reported."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

# Playwright's init scripts run outside the page's policy, so this listener sees every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """Return the page with a list of CSP violations and script errors filled as it runs."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)

    def on_console(message):
        # Chromium reports a blocked script, style or eval as a console error starting so.
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def check():
        problems.extend(f"violation: {v}" for v in page.evaluate("window.__cspViolations || []"))
        return problems

    page.csp_problems = check
    return page


def assert_no_csp_problems(page, where=""):
    problems = page.csp_problems()
    assert not problems, f"{where}\n" + "\n".join(problems)


def test_app_pages_run_without_csp_violations(watched, live_server, login, member):
    """Login, dashboard, cases, the case form, reports and the admin raise no CSP violation."""
    page, base = watched, live_server.url
    user = member("ZJ", "510104", "clerk", is_staff=True)
    login(user.username, TEST_PASSWORD)
    for path in ["/", "/cases/", "/cases/new/", "/notifications/", "/admin/"]:
        response = page.goto(base + path)
        assert "default-src 'self'" in response.headers.get("content-security-policy", ""), path
        page.wait_for_load_state("networkidle")
        assert_no_csp_problems(page, path)
    page.goto(base + "/cases/new/")
    page.click("#add-person")  # cases-form.js runs
    assert page.locator("[data-person-row]").count() == 2
    assert_no_csp_problems(page)


def test_admin_pages_run_without_csp_violations(watched, live_server, login, agency):
    """The admin's lists and change forms (with their widgets' scripts) raise no violation."""
    page, base = watched, live_server.url
    login(UserFactory(is_staff=True, is_superuser=True).username, TEST_PASSWORD)
    jinjiang = agency("ZJ", "510104")
    for path in [
        "/admin/",
        "/admin/agencies/agency/",
        f"/admin/agencies/agency/{jinjiang.pk}/change/",
        "/admin/agencies/membership/add/",
        "/admin/knox/authtoken/",
    ]:
        assert page.goto(base + path).status == 200, path
        page.wait_for_load_state("networkidle")
        assert_no_csp_problems(page, path)


def test_reports_month_picker_submits_by_a_static_script(watched, live_server, login, member):
    """Choosing a month on the reports page reloads it for that month, with no inline onchange."""
    page, base = watched, live_server.url
    login(member("ZJ", "510104", "clerk").username, TEST_PASSWORD)
    page.goto(base + "/reports/?month=2019-03")
    options = page.locator("#month option")
    target = options.nth(1).get_attribute("value")
    with page.expect_navigation():
        page.select_option("#month", target)
    assert f"month={target}" in page.url
    assert_no_csp_problems(page)


def test_consolidation_chart_draws_under_csp(watched, live_server, login, member):
    """The province consolidation page draws its chart from a static script."""
    page, base = watched, live_server.url
    login(member("ZJ", "510000", "reviewer").username, TEST_PASSWORD)
    page.goto(base + "/reports/consolidations/?month=2019-03")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("Boolean(window.Chart && Chart.getChart('chart'))")
    assert_no_csp_problems(page)


def test_api_docs_render_under_csp(watched, live_server, login):
    """Swagger UI and Redoc from drf-spectacular-sidecar render with no CSP violation."""
    page, base = watched, live_server.url
    admin = UserFactory(is_staff=True, is_superuser=True)
    login(admin.username, TEST_PASSWORD)
    page.goto(base + "/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "挂证" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert_no_csp_problems(page)
    page.goto(base + "/api/redoc/")
    page.locator("h1", has_text="挂证").wait_for()
    page.wait_for_load_state("networkidle")
    page.get_by_placeholder("Search...").fill("token")  # the search worker runs
    page.locator("[role=search] li", has_text="auth_token").wait_for()
    # Redoc always shows Redocly's logo from its CDN; the policy blocking it is the point.
    problems = [p for p in page.csp_problems() if REDOC_LOGO not in p]
    assert not problems, "\n".join(problems)
