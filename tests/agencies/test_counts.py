"""The per-agency counters the database keeps (agencies.counts) equal what restrict() counts."""

from collections import Counter

import pytest
from django.db import connection

from agencies.counts import counts_rebuild, counts_within
from agencies.tasks import compact_counts
from cases.models import Case, CaseCount, Certificate, CertificateType
from leads.models import Lead, LeadCount
from tests.factories import (
    CaseFactory,
    CasePartyFactory,
    CertificateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def live(user, model=Case, key="status") -> Counter:
    """Count what ``restrict`` shows ``user``, the slow way."""
    rows = model.objects.restrict(user).values_list(key)
    return Counter(k for (k,) in rows)


def stored(user) -> Counter:
    return +counts_within(Case.objects.all(), CaseCount, user, "status")


def test_every_write_keeps_the_counts(agency, member):
    """Inserts, status changes, transfers, bulk updates and deletes all reach the counters."""
    jinjiang, qingyang = agency("ZJ", "510104"), agency("ZJ", "510105")
    county, city = member("ZJ", "510104"), member("ZJ", "510100", "reviewer")
    cases = CaseFactory.create_batch(3, agency=jinjiang, status="registered")
    CaseFactory(agency=qingyang, status="decided")
    assert stored(county) == live(county) == Counter(registered=3)

    Case.objects.filter(pk=cases[0].pk).update(status="investigating")
    Case.objects.filter(pk=cases[1].pk).update(agency=qingyang)  # moved elsewhere
    Case.objects.filter(pk=cases[2].pk).update(summary="unchanged key")  # nothing to count
    assert stored(county) == live(county) == Counter(investigating=1, registered=1)
    assert stored(city) == live(city) == Counter(decided=1, investigating=1, registered=2)

    Case.objects.filter(agency=qingyang).update(status="closed")  # several rows at once
    Case.objects.filter(pk=cases[0].pk).delete()
    assert stored(county) == live(county) == Counter(registered=1)
    assert stored(city) == live(city) == Counter(closed=2, registered=1)


def test_compacting_and_rebuilding_keep_the_sums(agency, member):
    """Folding the deltas leaves one row per agency and status, with the same sums."""
    city = member("ZJ", "510100", "reviewer")
    jinjiang = agency("ZJ", "510104")
    cases = CaseFactory.create_batch(4, agency=jinjiang, status="registered")
    for case in cases[:3]:
        Case.objects.filter(pk=case.pk).update(status="decided")
    before = stored(city)
    assert compact_counts() == 2  # cases and leads
    assert stored(city) == before == live(city)
    assert CaseCount.objects.filter(agency=jinjiang).count() == 2
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_casecount")
    assert stored(city) == Counter()
    counts_rebuild(CaseCount, "cases_case", "status", "supervising_departments")
    assert stored(city) == before


def test_users_count_exactly_what_they_may_see(agency, member):
    """Superusers count all, inactive users nothing, offered and supervised cases are counted
    live beyond the subtree, once."""
    jinjiang, qingyang = agency("ZJ", "510104"), agency("ZJ", "510105")
    CaseFactory.create_batch(2, agency=jinjiang, status="registered")
    CaseFactory(agency=qingyang, status="investigating", transfer_to=jinjiang)  # offered
    rail = CertificateType.objects.filter(department__code="TL").first()  # 建造师（铁路工程）
    railway_case = CaseFactory(agency=qingyang, status="decided")
    CasePartyFactory(case=railway_case, certificate=CertificateFactory(certificate_type=rail))
    CasePartyFactory(case=railway_case, certificate=CertificateFactory(certificate_type=rail))

    county = member("ZJ", "510104")
    assert stored(county) == live(county) == Counter(registered=2, investigating=1)
    bureau = member("TL", "510000", "reviewer")
    assert stored(bureau) == live(bureau) == Counter(decided=1)
    assert stored(UserFactory(is_superuser=True)) == Counter(
        registered=2, investigating=1, decided=1
    )
    assert stored(UserFactory(is_active=False)) == Counter()


def test_supervision_follows_the_parties_certificates(agency, member):
    """A case is the railway bureau's while a party holds a 铁路工程 certificate: adding,
    changing and removing parties or the certificate's type keep the case and its counts."""
    rail = CertificateType.objects.filter(department__code="TL").first()
    building = CertificateType.objects.filter(department__code="ZJ").first()
    bureau, tl = member("TL", "510000", "reviewer"), agency("TL", "510000").department_id
    case = CaseFactory(agency=agency("ZJ", "510105"), status="registered")
    CasePartyFactory(case=case, certificate=CertificateFactory(certificate_type=building))
    assert stored(bureau) == live(bureau) == Counter()
    party = CasePartyFactory(case=case, certificate=CertificateFactory(certificate_type=rail))
    case.refresh_from_db()
    assert case.supervising_departments == [tl]
    assert stored(bureau) == live(bureau) == Counter(registered=1)
    Case.objects.filter(pk=case.pk).update(status="decided")
    assert stored(bureau) == live(bureau) == Counter(decided=1)
    Certificate.objects.filter(pk=party.certificate_id).update(certificate_type=building)
    assert stored(bureau) == live(bureau) == Counter()
    Certificate.objects.filter(pk=party.certificate_id).update(certificate_type=rail)
    assert stored(bureau) == live(bureau) == Counter(decided=1)
    counts_rebuild(CaseCount, "cases_case", "status", "supervising_departments")
    assert stored(bureau) == live(bureau) == Counter(decided=1)
    party.delete()
    case.refresh_from_db()
    assert case.supervising_departments == []
    assert stored(bureau) == live(bureau) == Counter()


def test_lead_counts_follow_their_state(agency, member):
    """Leads are counted by state the same way, whoever registers them."""
    from tests.leads.test_api import register

    clerk = member("ZJ", "510104")
    leads = [register(clerk, agency("ZJ", "510104")) for _ in range(3)]
    Lead.objects.filter(pk=leads[0].pk).update(state="verifying")
    counted = +counts_within(Lead.objects.all(), LeadCount, clerk, "state")
    assert counted == live(clerk, Lead, "state")
    assert sum(counted.values()) == 3


def test_saving_a_case_read_earlier_keeps_its_supervising_bureaus(agency):
    """A case object read before a railway party was added does not write its stale (empty)
    list of supervising bureaus back when saved."""
    rail = CertificateType.objects.filter(department__code="TL").first()
    case = CaseFactory(agency=agency("ZJ", "510105"), status="registered")
    CasePartyFactory(case=case, certificate=CertificateFactory(certificate_type=rail))
    assert case.supervising_departments == []  # the object read before
    case.summary = "补充案情"
    case.save()
    case.refresh_from_db()
    assert case.summary == "补充案情"
    assert case.supervising_departments == [agency("TL", "510000").department_id]
