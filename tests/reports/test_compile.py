import datetime

import pytest

from reports.compile import report_rows
from tests.reports.conftest import SC2019, decided_case

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2019, 3, 1)


def rows_of(agency, month=MARCH):
    return report_rows(
        campaign_id=SC2019(), agency_id=agency.pk, agency_name=agency.name, month=month
    )


def test_rows_cover_the_first_and_last_day_of_the_month_only(agency):
    """Decisions on 1 and 31 March are March rows; 28 February and 1 April are not."""
    county = agency("ZJ", "510104")
    for day in (
        datetime.date(2019, 2, 28),
        datetime.date(2019, 3, 1),
        datetime.date(2019, 3, 31),
        datetime.date(2019, 4, 1),
    ):
        decided_case(county, on=day)
    rows = rows_of(county)
    assert len(rows) == 2
    assert all(r["fact_month"] == MARCH for r in rows)


def test_not_established_cases_give_no_row(agency):
    """A case decided as not 挂证 is not a row of 附件1."""
    county = agency("ZJ", "510104")
    decided_case(county, outcome="not_established", measures=())
    assert rows_of(county) == []


def test_a_case_with_three_persons_gives_three_rows_in_order(agency):
    """Each person of a multi-person case is one row, in the case's party order."""
    county = agency("ZJ", "510104")
    case = decided_case(county, parties=3)
    rows = rows_of(county)
    names = [p.person.name for p in case.parties.order_by("position")]
    assert [r["name"] for r in rows] == names


def test_columns_are_filled_as_on_the_official_form(agency):
    """Columns carry the certificate title, units, self-correction and measures with the 文号."""
    county = agency("ZJ", "510104")
    case = decided_case(
        county,
        document_number="川建罚〔2019〕12号",
        self_corrected=True,
        self_correction_text="已注销注册",
    )
    party = case.parties.get()
    (row,) = rows_of(county)
    assert row["name"] == party.person.name
    assert row["id_number"] == party.person.id_number
    assert row["certificate_number"] == party.certificate.number
    assert row["certificate_title"] == "一级建造师（建筑工程）"
    assert row["registered_unit"] == party.registered_unit.name
    assert row["actual_unit"] == party.actual_unit.name
    assert row["unit_name"] == party.registered_unit.name
    assert row["unit_uscc"] == party.registered_unit.uscc
    assert row["self_correction"] == "已注销注册"
    assert row["penalty"] == (
        "撤销注册，3年内不得再次申请注册，列入建筑市场主体黑名单（川建罚〔2019〕12号）"
    )
    assert row["remarks"] == ""
    assert row["kind"] == "regular"


def test_self_corrected_without_details_says_rectified(agency):
    """A self-corrected decision without details shows the default text and no penalty."""
    county = agency("ZJ", "510104")
    decided_case(county, self_corrected=True, measures=())
    (row,) = rows_of(county)
    assert row["self_correction"] == "已整改"
    assert row["penalty"] == ""


def test_other_agencies_cases_are_not_rows(agency):
    """Only the reporting agency's own cases are compiled into its rows."""
    decided_case(agency("ZJ", "510105"))
    assert rows_of(agency("ZJ", "510104")) == []


# Aliases of the compile and statistics SQL and the models they read (``pr`` is a report in one
# place and a prior row in another).
SQL_ALIASES = {
    "d": ["decision"],
    "c": ["case"],
    "cp": ["caseparty"],
    "p": ["person"],
    "cert": ["certificate"],
    "ct": ["certificatetype"],
    "ru": ["unit"],
    "au": ["unit"],
    "uu": ["unit"],
    "m": ["measure"],
    "r": ["report"],
    "pr": ["report", "reportrow"],
    "rr": ["reportrow"],
    "prr": ["reportrow"],
    "carried": ["reportrow"],
    "a": ["agency"],
    "rg": ["region"],
    "prg": ["region"],
    "dep": ["department"],
}


def test_every_column_the_sql_names_exists_on_its_model():
    """A renamed field fails here, not in a month-end report: the SQL's columns are checked."""
    import re

    from reports import compile as compiler

    sql = compiler._COMPILE_SQL + compiler._STATISTICS_SQL
    references = set(re.findall(r"\b([a-z]+)\.([a-z_]+)\b", sql))
    checked = 0
    for alias, column in references:
        if alias not in SQL_ALIASES:
            continue  # a CTE of the statement itself
        models = [compiler.TABLES[name] for name in SQL_ALIASES[alias]]
        columns = {f.column for model in models for f in model._meta.concrete_fields}
        assert column in columns, f"{alias}.{column} is not a column of {SQL_ALIASES[alias]}"
        checked += 1
    assert checked > 40
