"""factory_boy factories for the test suite."""

import factory
from django.contrib.auth import get_user_model

from cases.identifiers import build_uscc

TEST_PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        """Give the user a real name (their first_name) and a phone, as a signer needs.

        ``profile=False`` leaves the user without one; ``profile__office_phone=…`` sets the phone.
        """
        if not create or extracted is False:
            return
        from agencies.models import Profile

        Profile.objects.update_or_create(
            user=self,
            defaults={
                "real_name": kwargs.get("real_name", self.first_name),
                "office_phone": kwargs.get("office_phone", "028-85559305"),
            },
        )


def valid_resident_id(seq: int, *, region: str = "510104", birth: str = "19800101") -> str:
    """Return a checksum-valid 18-digit 居民身份证号码 for test data."""
    body = f"{region}{birth}{seq % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def valid_uscc(seq: int, *, region: str = "510104") -> str:
    """Return a valid 统一社会信用代码 (its 组织机构代码 part too) for test data."""
    return build_uscc(region=region, serial=seq)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Unit"

    name = factory.Sequence(lambda n: f"四川测试建设工程有限公司{n}")
    uscc = factory.Sequence(lambda n: valid_uscc(n + 1))
    kind = "construction"


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.CertificateType"
        django_get_or_create = ["category", "level", "specialty"]

    category = "constructor"
    level = "1"
    specialty = "建筑工程"
    title = "一级建造师（建筑工程）"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Person"

    name = factory.Sequence(lambda n: f"张{n}")
    id_type = "resident_id"
    id_number = factory.Sequence(lambda n: valid_resident_id(n, birth=f"{1960 + n % 40}0101"))
    sex = "M"


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Certificate"

    person = factory.SubFactory(PersonFactory)
    certificate_type = factory.SubFactory(CertificateTypeFactory)
    number = factory.Sequence(lambda n: f"川151{n:09d}")
    registered_unit = factory.SubFactory(UnitFactory)


def _campaign(code: str):
    """Return the reference campaign ``code``, loading the reference campaigns if needed."""
    from campaigns.models import Campaign
    from campaigns.reference import campaigns_load

    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        campaigns_load()
        campaign = Campaign.objects.get(code=code)
    return campaign


def campaign_2019():
    """Return the 2019 reference campaign."""
    return _campaign("sc-2019")


class CaseFactory(factory.django.DjangoModelFactory):
    """A case owned by ``agency`` (pass one: ``CaseFactory(agency=agency("ZJ", "510104"))``)."""

    class Meta:
        model = "cases.Case"

    reference = factory.Sequence(lambda n: f"T-{n:07d}")
    campaign = factory.LazyFunction(lambda: _campaign("sc-2019"))
    source = "self_inspection"
    violations = factory.LazyFunction(lambda: ["unit_mismatch"])
    opened_on = factory.LazyFunction(lambda: __import__("datetime").date(2019, 3, 1))
    summary = "测试案情"


class CasePartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.CaseParty"

    case = factory.SubFactory(CaseFactory)
    certificate = factory.SubFactory(CertificateFactory)
    person = factory.SelfAttribute("certificate.person")
    name = factory.SelfAttribute("person.name")
    registered_unit = factory.SelfAttribute("certificate.registered_unit")
    actual_unit = factory.SubFactory(UnitFactory)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Decision"
        skip_postgeneration_save = True  # the hook below writes only the case

    case = factory.SubFactory(CaseFactory)
    decided_on = factory.LazyFunction(lambda: __import__("datetime").date(2019, 3, 20))
    deciding_agency = factory.SelfAttribute("case.agency")
    document_number = factory.Sequence(lambda n: f"川建罚〔2019〕{n}号")

    @factory.post_generation
    def copy_date_to_case(self, create, extracted, **kwargs):
        """Keep Case.decided_on equal to the decision's date, as case_decide does."""
        # A case is decided on or after its opening (case_decide, case_decided_after_opened).
        self.case.opened_on = min(self.case.opened_on, self.decided_on)
        self.case.decided_on = self.decided_on
        if create:
            type(self.case).objects.filter(pk=self.case_id).update(
                opened_on=self.case.opened_on, decided_on=self.decided_on
            )
