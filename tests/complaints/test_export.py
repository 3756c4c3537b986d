"""The lead and complaint registers exported to Excel: the list's rows, masked as the list is,
and never who complained, not even for the handling agency."""

import io

import pytest
from openpyxl import load_workbook

from complaints import services
from leads.services import lead_register
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


def complaint(clerk, agency, **fields):
    return services.complaint_register(
        actor=clerk,
        agency=agency,
        channel="telephone",
        received_at="2019-03-12 10:00",
        name="李举报",
        phone="13800009999",
        text="反映挂证。",
        persons=[
            {
                "name": "赵被举报",
                "id_number": valid_resident_id(88),
                "registered_unit": {"name": "某公司", "uscc": valid_uscc(988, region="510104")},
            }
        ],
        **fields,
    )[0]


def test_complaint_export_never_names_the_complainant(client, member, agency):
    clerk = member("ZJ", "510104", "clerk")
    made = complaint(clerk, agency("ZJ", "510104"))
    client.force_login(clerk)
    response = client.post("/complaints/export/")
    assert response.status_code == 200
    text = str(cells(response.content))
    assert made.receipt in text
    assert "李举报" not in text
    assert "13800009999" not in text
    assert valid_resident_id(88) in text  # the handling clerk reads the full number


def test_inspector_gets_masked_numbers(client, member, agency):
    clerk = member("ZJ", "510104", "clerk")
    complaint(clerk, agency("ZJ", "510104"))
    client.force_login(member("ZJ", "510000", "inspector"))
    text = str(cells(client.post("/complaints/export/").content))
    assert "赵被举报" in text
    assert valid_resident_id(88) not in text


def test_lead_export_follows_the_lists_filters(client, member, agency):
    import datetime

    clerk = member("ZJ", "510104", "clerk")
    for source in ("spot_check", "referral"):
        lead_register(
            actor=clerk,
            agency=agency("ZJ", "510104"),
            source=source,
            received_on=datetime.date(2019, 3, 12),
            text=f"{source} 线索",
            persons=[{"name": "王某"}],
        )
    client.force_login(clerk)
    rows = cells(client.post("/leads/export/?source=spot_check").content)
    assert rows[0][0] == "线索编号"
    assert [r[1] for r in rows[1:]] == ["抽查"]
    stranger = member("ZJ", "510105", "clerk")
    client.force_login(stranger)
    assert len(cells(client.post("/leads/export/").content)) == 1  # headers only
