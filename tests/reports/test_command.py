import datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports import services
from tests.reports.conftest import decided_case

pytestmark = pytest.mark.django_db


def test_export_annex1_writes_one_agencys_workbook(agency, member, tmp_path):
    """export_annex1 --agency writes that report's frozen rows."""
    county = agency("ZJ", "510104")
    decided_case(county)
    report = services.report_get_or_create(agency=county, month=datetime.date(2019, 3, 1))
    services.report_submit(report=report, submitted_by=member("ZJ", "510104", "reviewer"))
    output = tmp_path / "out.xlsx"
    call_command(
        "export_annex1", "--month", "2019-03", "--agency", str(county.pk), "--output", str(output)
    )
    ws = load_workbook(output).active
    assert ws["A6"].value == 1
    assert ws["H7"].value.startswith("申报时间：")


def test_export_annex1_without_consolidation_fails_clearly(tmp_path):
    """Without a consolidation for the month the command says so."""
    with pytest.raises(CommandError, match="尚未生成全省汇总"):
        call_command("export_annex1", "--month", "2019-03", "--output", str(tmp_path / "x.xlsx"))
