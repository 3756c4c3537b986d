"""The roster comparison: each rule on a small hand-made roster, memory, and all-or-nothing runs."""

import pytest

from audit.models import AuditEvent
from core.errors import PermissionDeniedError
from leads.models import Lead, LeadPerson, LeadUnit
from screening.models import RosterPayment, ScreeningRun
from screening.rosters import PAYMENT_COLUMNS, REGISTRATION_COLUMNS, RosterError, rosters_compare
from screening.services import insurance_lookup
from tests.factories import valid_resident_id, valid_uscc

pytestmark = pytest.mark.django_db

A = valid_uscc(11, region="510104")  # 锦江区 construction company
B = valid_uscc(12, region="510105")  # 青羊区 construction company
HR = valid_uscc(13, region="510107")  # 武侯区 HR agency
OTHER = valid_uscc(14, region="510106")
P1, P2, P3, P4 = (valid_resident_id(i) for i in (1, 2, 3, 4))
MONTHS = ("2019-01", "2019-02", "2019-03")


def reg(number, unit, uscc, name="张三", category="一级建造师", specialty="建筑工程", cert="川1"):
    return [number, name, category, specialty, cert, unit, uscc]


def pay(number, unit, uscc, month, name="张三"):
    return [number, name, unit, uscc, month]


def csv_file(tmp_path, name, header, rows, encoding="utf-8-sig"):
    path = tmp_path / name
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def roster(tmp_path):
    """P1: unpaid by A (paid by OTHER); P2: registered with A and B; P3: paid by an HR agency;
    P4: registered and paid by A every month (no finding)."""
    registrations = [
        reg(P1, "锦江建设公司", A, name="甲", cert="川1"),
        reg(P2, "锦江建设公司", A, name="乙", cert="川2"),
        reg(P2, "青羊建设公司", B, name="乙", cert="川2"),
        reg(P3, "青羊建设公司", B, name="丙", cert="川3", specialty="公路工程"),
        reg(P4, "锦江建设公司", A, name="丁", cert="川4"),
    ]
    payments = [pay(P1, "金牛某公司", OTHER, m, "甲") for m in MONTHS]
    payments += [pay(P2, "锦江建设公司", A, m, "乙") for m in MONTHS]
    payments += [pay(P3, "青羊建设公司", B, "2019-01", "丙")]
    payments += [pay(P3, "武侯人力资源服务有限公司", HR, m, "丙") for m in MONTHS[1:]]
    payments += [pay(P4, "锦江建设公司", A, m, "丁") for m in MONTHS]
    return registrations, payments


@pytest.fixture
def province(agency):
    return agency("ZJ", "510000")


def compare(
    tmp_path,
    province,
    registrations,
    payments,
    *,
    dry_run=False,
    period=("2019-01", "2019-03"),
    actor=None,
):
    return rosters_compare(
        actor=actor,
        intake=province,
        registrations=csv_file(tmp_path, "reg.csv", REGISTRATION_COLUMNS, registrations),
        insurance=csv_file(tmp_path, "ins.csv", PAYMENT_COLUMNS, payments),
        period=period,
        dry_run=dry_run,
    )


def by_rule(report):
    return {r["rule"]: (r["new"], r["known"], r["suppressed"]) for r in report["rules"]}


def test_each_rule_fires_once_per_person(tmp_path, province, agency):
    """unpaid_by_registered_unit: P1 (and P2's 青羊, P3's 青羊 for two months is a payment);
    registered_twice: P2; paid_by_hr_agency: P3. P4 raises nothing."""
    report = compare(tmp_path, province, *roster(tmp_path))
    assert by_rule(report) == {
        "unpaid_by_registered_unit": (2, 0, 0),  # P1 (A never paid), P2 (B never paid)
        "registered_twice": (1, 0, 0),
        "paid_by_hr_agency": (1, 0, 0),
    }
    leads = {(lead.rule, lead.persons.get().person.id_number): lead for lead in Lead.objects.all()}
    assert set(leads) == {
        ("unpaid_by_registered_unit", P1),
        ("unpaid_by_registered_unit", P2),
        ("registered_twice", P2),
        ("paid_by_hr_agency", P3),
    }
    unpaid = leads[("unpaid_by_registered_unit", P1)]
    assert unpaid.source == Lead.Source.COMPARISON
    assert unpaid.facts["months"] == list(MONTHS)
    assert unpaid.facts["paying_units"] == [{"name": "金牛某公司", "uscc": OTHER}]
    assert unpaid.agency == agency("ZJ", "510104")  # region of A's credit code
    assert unpaid.state == Lead.State.PENDING
    assert unpaid.routed_from == province
    assert unpaid.reference.startswith("ZJ-510000-XS")
    hr = leads[("paid_by_hr_agency", P3)]
    assert hr.agency == agency("JT", "510105")  # 公路工程 → 交通运输, region of B
    assert hr.facts["months"] == ["2019-02", "2019-03"]
    assert LeadUnit.objects.get(lead=hr).unit.uscc == HR
    person = LeadPerson.objects.get(lead=unpaid)
    assert person.registered_unit.uscc == A
    assert person.insurance_unit.uscc == OTHER
    assert AuditEvent.objects.filter(action="lead.created").count() == 4
    assert AuditEvent.objects.filter(action="screening.rosters_compared").count() == 1
    references = list(Lead.objects.values_list("reference", flat=True))
    assert len(set(references)) == 4


def test_a_rerun_remembers_what_was_raised_and_what_was_verified(tmp_path, province):
    """The same facts next month are known (open) or suppressed (closed), never raised again;
    a changed paying unit raises a new lead."""
    registrations, payments = roster(tmp_path)
    compare(tmp_path, province, registrations, payments)
    closed = Lead.objects.get(rule="registered_twice")
    Lead.objects.filter(pk=closed.pk).update(
        state="closed", outcome="unsubstantiated", closed_at="2019-04-01T00:00Z"
    )
    report = compare(tmp_path, province, registrations, payments)
    assert by_rule(report) == {
        "unpaid_by_registered_unit": (0, 2, 0),
        "registered_twice": (0, 0, 1),
        "paid_by_hr_agency": (0, 1, 0),
    }
    assert Lead.objects.count() == 4
    changed = [p for p in payments if p[0] != P1] + [
        pay(P1, "另一家公司", valid_uscc(15, region="510106"), m) for m in MONTHS
    ]
    report = compare(tmp_path, province, registrations, changed)
    assert by_rule(report)["unpaid_by_registered_unit"] == (1, 1, 0)
    assert Lead.objects.count() == 5


def test_a_dry_run_counts_and_writes_nothing(tmp_path, province):
    """A dry run reports the counts; no lead, run or person is written."""
    report = compare(tmp_path, province, *roster(tmp_path), dry_run=True)
    assert report["total"]["new"] == 4
    assert not Lead.objects.exists()
    assert not ScreeningRun.objects.exists()


def test_bad_rows_are_named_and_nothing_is_written(tmp_path, province):
    """Bad ID numbers, credit codes and months are listed as 第N行「列」; the run writes nothing
    and the previous roster stays."""
    registrations, payments = roster(tmp_path)
    compare(tmp_path, province, registrations, payments, dry_run=True)
    loaded = RosterPayment.objects.count()
    bad_registrations = [*registrations, reg("510104198001011234", "某公司", A)]
    bad_payments = [*payments, pay(P1, "某公司", "91510104ABCDEFGHJK", "2019-13")]
    with pytest.raises(RosterError) as refused:
        compare(tmp_path, province, bad_registrations, bad_payments)
    errors = refused.value.result["errors"]
    assert "注册名册第7行「证件号码」：身份证号码格式、出生日期或校验位不正确。" in errors
    assert any(e.startswith("社保名册第14行「缴费单位统一社会信用代码」") for e in errors)
    assert any(e.startswith("社保名册第14行「缴费月份」") for e in errors)
    assert not Lead.objects.exists()
    assert RosterPayment.objects.count() == loaded


@pytest.mark.parametrize(
    ("registrations_header", "expected"),
    [
        (("证件号码", "姓名"), "注册名册第1行：列名应为"),
    ],
)
def test_wrong_columns_are_refused(tmp_path, province, registrations_header, expected):
    """A roster without the template's columns is refused, naming them."""
    with pytest.raises(RosterError) as refused:
        rosters_compare(
            actor=None,
            intake=province,
            registrations=csv_file(tmp_path, "r.csv", registrations_header, [[P1, "甲"]]),
            insurance=csv_file(tmp_path, "i.csv", PAYMENT_COLUMNS, []),
            period=("2019-01", "2019-03"),
            dry_run=True,
        )
    assert refused.value.result["errors"][0].startswith(expected)


def test_a_row_with_extra_columns_is_named(tmp_path, province):
    """A line COPY cannot read (too many columns) is named by its line; nothing is written."""
    registrations, payments = roster(tmp_path)
    with pytest.raises(RosterError) as refused:
        compare(tmp_path, province, [*registrations, [*reg(P1, "某", A), "多余"]], payments)
    assert refused.value.result["errors"][0].startswith("注册名册第7行")


def test_unknown_certificate_is_named(tmp_path, province):
    """An 执业资格类别 the register does not know is refused with its first line."""
    registrations, payments = roster(tmp_path)
    registrations.append(reg(P4, "锦江建设公司", A, category="挖掘机驾驶员"))
    with pytest.raises(RosterError) as refused:
        compare(tmp_path, province, registrations, payments)
    assert refused.value.result["errors"][0].startswith("注册名册第7行「执业资格类别」")


def test_fifteen_digit_numbers_and_gb18030_are_read(tmp_path, province):
    """A 15-digit number is upgraded when loaded; a GB18030 file is read."""
    old = "510104800101123"
    path = csv_file(
        tmp_path, "r.csv", REGISTRATION_COLUMNS, [reg(old, "锦江建设公司", A)], "gb18030"
    )
    rosters_compare(
        actor=None,
        intake=province,
        registrations=path,
        insurance=csv_file(tmp_path, "i.csv", PAYMENT_COLUMNS, []),
        period=("2019-01", "2019-03"),
        dry_run=False,
    )
    assert Lead.objects.get().persons.get().person.id_number.startswith("51010419800101123")


def test_a_failing_run_leaves_no_leads(tmp_path, province, monkeypatch):
    """A run interrupted after its leads are inserted (here: the audit step fails) leaves none."""
    from screening import rosters

    def boom(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(rosters, "_audit_insert", boom)
    with pytest.raises(RuntimeError):
        compare(tmp_path, province, *roster(tmp_path))
    assert not Lead.objects.exists()
    assert not ScreeningRun.objects.exists()


def test_only_province_housing_staff_may_compare(tmp_path, province, member):
    """A county clerk is refused."""
    with pytest.raises(PermissionDeniedError):
        compare(tmp_path, province, *roster(tmp_path), actor=member("ZJ", "510104"))


def test_insurance_lookup_lists_paying_units_and_is_audited(tmp_path, province, member):
    """人社 staff see the paying units by month; the lookup records who and why."""
    compare(tmp_path, province, *roster(tmp_path), dry_run=True)
    clerk = member("RS", "510104")
    units = insurance_lookup(
        user=clerk, id_number=P3, month_from="2019-01", month_to="2019-03", reason="企业核实"
    )
    assert units == [
        {"name": "青羊建设公司", "uscc": B, "months": ["2019-01"]},
        {"name": "武侯人力资源服务有限公司", "uscc": HR, "months": ["2019-02", "2019-03"]},
    ]
    event = AuditEvent.objects.get(action="screening.insurance_lookup")
    assert event.actor == clerk
    assert event.data["reason"] == "企业核实"
    assert P3 not in str(event.data)


def test_insurance_lookup_needs_a_reason_and_an_rs_clerk(member):
    """No reason → refused; a 住建 clerk → refused; past the limit → refused."""
    from core.errors import DomainError

    with pytest.raises(DomainError):
        insurance_lookup(
            user=member("RS", "510104"),
            id_number=P1,
            month_from="2019-01",
            month_to="2019-03",
            reason="",
        )
    with pytest.raises(PermissionDeniedError):
        insurance_lookup(
            user=member("ZJ", "510104"),
            id_number=P1,
            month_from="2019-01",
            month_to="2019-03",
            reason="x",
        )


def test_insurance_lookup_is_rate_limited(member, settings):
    """The limit of ID searches applies to lookups too."""
    from core.errors import RateLimitedError

    settings.ID_LOOKUP_LIMIT = (2, 3600)
    clerk = member("RS", "510104")
    for _ in range(2):
        insurance_lookup(
            user=clerk, id_number=P1, month_from="2019-01", month_to="2019-03", reason="x"
        )
    with pytest.raises(RateLimitedError):
        insurance_lookup(
            user=clerk, id_number=P1, month_from="2019-01", month_to="2019-03", reason="x"
        )
