"""One query compiles a month for many agencies, with the rows each agency's compile gives."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from campaigns.models import Campaign
from cases.decisions import decision_withdraw
from cases.models import Decision, Measure, Outcome
from reports import annex1, services
from reports import compile as compiler
from tests.factories import UnitFactory
from tests.reports.conftest import SC2019, decided_case

pytestmark = pytest.mark.django_db

FEB, MARCH = datetime.date(2019, 2, 1), datetime.date(2019, 3, 1)
COUNTY, OTHER_COUNTY, CITY, PROVINCE = "510104", "510105", "510100", "510000"


def sc2019() -> Campaign:
    return Campaign.objects.get(pk=SC2019())


def submit(agency, member, region, month):
    report = services.report_get_or_create(agency=agency("ZJ", region), month=month)
    return services.report_submit(report=report, submitted_by=member("ZJ", region, "reviewer"))


def approve(report, member, region):
    return services.report_approve(report=report, approved_by=member("ZJ", region, "reviewer"))


def unit_only_case(agency, on):
    """A case whose only established outcome is the unit's that used the certificate."""
    unit = UnitFactory()
    case = decided_case(agency, on=on, outcome="not_established", measures=())
    case.certificate_user_unit = unit
    case.save(update_fields=["certificate_user_unit"])
    outcome = Outcome.objects.create(
        decision=case.decision, role="unit", unit=unit, result="established"
    )
    Measure.objects.create(outcome=outcome, kind="bad_record")
    return case


@pytest.fixture
def chain(agency, member):
    """ZJ's county 510104 and 510105 under 成都 510100, with February filed and March facts:

    - the county's February: a case reported then withdrawn, one reported then found not 挂证,
      one reported then changed (更正), and one decided after February was filed (补报);
    - the other county's February, approved only after the city filed its own (a late child);
    - March: a regular case in each county (one a unit-only case) and in the city, both
      counties' March reports approved by the city (child rows).
    """
    county, other, city = agency("ZJ", COUNTY), agency("ZJ", OTHER_COUNTY), agency("ZJ", CITY)
    withdrawn = decided_case(county, on=datetime.date(2019, 2, 10))
    overturned = decided_case(county, on=datetime.date(2019, 2, 11))
    changed = decided_case(county, on=datetime.date(2019, 2, 12), parties=2)
    decided_case(other, on=datetime.date(2019, 2, 13))
    decided_case(city, on=datetime.date(2019, 2, 14))
    approve(submit(agency, member, COUNTY, FEB), member, CITY)
    other_feb = submit(agency, member, OTHER_COUNTY, FEB)
    submit(agency, member, CITY, FEB)
    approve(other_feb, member, CITY)  # after the city filed: its March carries it late

    decided_case(county, on=datetime.date(2019, 2, 25))  # after February was filed: 补报
    decision_withdraw(withdrawn)
    withdrawn.save(update_fields=["decided_on"])
    Outcome.objects.filter(decision__case=overturned).update(result="not_established")
    Decision.objects.filter(case=changed).update(document_number="川建罚〔2019〕99号")
    decided_case(county, on=datetime.date(2019, 3, 5), parties=2)
    unit_only_case(other, on=datetime.date(2019, 3, 6))
    decided_case(city, on=datetime.date(2019, 3, 7))
    approve(submit(agency, member, COUNTY, MARCH), member, CITY)
    approve(submit(agency, member, OTHER_COUNTY, MARCH), member, CITY)
    return [agency("ZJ", region) for region in (COUNTY, OTHER_COUNTY, CITY, PROVINCE)]


def one_by_one(agencies, month=MARCH, campaign_id=None):
    campaign_id = campaign_id or SC2019()
    return {
        a.pk: compiler.report_rows(
            campaign_id=campaign_id, agency_id=a.pk, agency_name=a.name, month=month
        )
        for a in agencies
    }


def in_one_query(agencies, month=MARCH, campaign_id=None):
    return compiler.agencies_rows(
        campaign_id=campaign_id or SC2019(),
        agencies=[(a.pk, a.name) for a in agencies],
        month=month,
    )


def test_the_bulk_compile_gives_each_agency_the_rows_of_its_own_compile(chain):
    """Regular, 补报, 更正, retractions and child rows: the same rows in the same order."""
    county, other, city, province = chain
    rows = in_one_query(chain)
    assert rows == one_by_one(chain)
    remarks = sorted(row["remarks"] for row in rows[county.pk])
    assert remarks == [
        "",
        "",
        "更正（2019年2月）",
        "更正（2019年2月）",
        "更正（2019年2月）：处理决定已撤销",
        "更正（2019年2月）：改为不构成挂证",
        "补报（2019年2月）",
    ]
    assert [row["unit_key"] != "" for row in rows[other.pk]] == [True]
    city_rows = [(row["origin_agency_id"], row["kind"]) for row in rows[city.pk]]
    assert city_rows == [
        (city.pk, "regular"),
        *[(county.pk, kind) for kind in ("regular", "regular", "late", "correction")],
        *[(county.pk, "correction")] * 3,
        (other.pk, "regular"),
        (other.pk, "late"),
    ]
    assert rows[province.pk] == []


def test_the_bulk_compile_of_february_matches_too(chain):
    """An earlier month, resubmitted now, leaves out what March carries, in both compiles."""
    assert in_one_query(chain, FEB) == one_by_one(chain, FEB)


def test_one_query_compiles_any_number_of_agencies(chain, django_assert_num_queries):
    """The bulk compile is one statement for four agencies, as for one."""
    campaign_id = SC2019()
    with django_assert_num_queries(1):
        rows = in_one_query(chain, campaign_id=campaign_id)
    assert len(rows) == 4
    with django_assert_num_queries(1):
        one_by_one(chain[:1], campaign_id=campaign_id)


def test_recompile_month_flags_reports_whose_rows_changed_since_frozen(
    chain, django_assert_num_queries
):
    """A report frozen before a fact changed is told apart from one that still matches; three
    queries (reports, compile, frozen rows) whatever the number of agencies."""
    county, other, city, _province = chain
    campaign = sc2019()
    with django_assert_num_queries(3):
        month = annex1.recompile_month(campaign=campaign, month=MARCH, agencies=chain)
    by_agency = {item.agency.pk: item for item in month}
    assert not by_agency[county.pk].changed
    assert by_agency[county.pk].frozen == len(by_agency[county.pk].rows) == 7
    assert by_agency[city.pk].frozen is None  # not filed: nothing to compare
    decided_case(other, on=datetime.date(2019, 3, 30))
    month = annex1.recompile_month(campaign=campaign, month=MARCH, agencies=chain)
    assert [item.changed for item in month] == [False, True, False, False]


def test_recompile_month_command_reads_in_a_fixed_number_of_queries(
    chain, capsys, django_assert_num_queries
):
    """The command lists every ZJ agency and the reports that differ, in six queries."""
    decided_case(chain[1], on=datetime.date(2019, 3, 30))
    with django_assert_num_queries(6):
        call_command("recompile_month", "--month", "2019-03", "--department", "ZJ")
    out = capsys.readouterr().out
    assert "1 份月报与冻结版本不同" in out
    assert f"{chain[1].name}\t已通过\t现2行\t冻结1行  与冻结版本不同" in out


def test_recompile_month_refuses_a_month_outside_the_campaign():
    """January 2019 is the self-inspection month, not a reported one."""
    with pytest.raises(CommandError, match="不在任何专项整治的报送月份内"):
        call_command("recompile_month", "--month", "2019-01")
