"""The Excel import in the browser: a job page that follows progress, then confirms the import."""

import pytest

from cases.models import Case
from jobs.models import Job
from tests.cases.test_import import good_rows, workbook
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_job_page_follows_progress_and_shows_the_result_when_done(
    page, live_server, login, member, agency, reference
):
    """The bar moves as the API reports progress; when the job ends the page shows its result."""
    clerk = member("ZJ", "510104", "clerk")
    job = Job.objects.create(
        kind="cases.import_check",
        owner=clerk,
        agency=agency("ZJ", "510104"),
        state=Job.State.RUNNING,
        total=200,
        message="正在检查：0 / 200 行",
    )
    login(clerk.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    bar = page.locator("[data-job-progress]")
    assert bar.get_attribute("aria-valuenow") == "0"

    Job.objects.filter(pk=job.pk).update(done=100, message="正在检查：100 / 200 行")
    page.wait_for_selector("[data-job-progress][aria-valuenow='50']")
    assert "job-w-50" in page.locator("[data-job-bar]").get_attribute("class")
    assert page.get_by_text("正在检查：100 / 200 行").is_visible()

    result = {"ok": False, "errors": ["第3行「姓名」：请填写姓名。"]}
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED, done=200, result=result)
    page.wait_for_selector("text=第3行「姓名」：请填写姓名。")
    assert page.locator("script[src*='jobs-progress.js']").count() == 0


def test_clerk_uploads_checks_and_confirms_an_import(
    page, live_server, login, member, reference, tmp_path, settings
):
    """Upload → the check's page lists the cases → 确认导入 → the new references link to cases."""
    settings.MEDIA_ROOT = str(tmp_path)
    clerk = member("ZJ", "510104", "clerk")
    path = tmp_path / "案件.xlsx"
    path.write_bytes(workbook(good_rows()))
    login(clerk.username, TEST_PASSWORD)

    page.goto(f"{live_server.url}/cases/import/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_selector("text=检查通过：2 个案件，3 名人员。")
    assert Case.objects.count() == 0

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=已导入 2 个案件（3 名人员）。")
    references = sorted(Case.objects.values_list("reference", flat=True))
    assert len(references) == 2
    page.get_by_role("link", name=references[0]).click()
    page.wait_for_url(f"{live_server.url}/cases/*/")
    assert references[0] in page.locator("h1").inner_text()
