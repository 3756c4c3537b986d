"""What checking a case asks of the register, answered in one place.

The rules of ``cases.validation.case`` read the register only through these questions. ``Lookups``
answers each with one query, for the entry of one case; an import answers a whole file's from
what it read with one query per kind and from the rows it accepted before
(``cases.bulk.FileRegister``). The rules are the same code either way.
"""

from __future__ import annotations

import datetime

from agencies.querysets import VIEW
from campaigns.models import Campaign
from campaigns.selectors import campaign_for_day
from cases.models import Case, CaseParty, Certificate, CertificateType, Person, Unit


class Lookups:
    """The register as one case's checks read it: a query per question."""

    def unit_by_code(self, code: str) -> Unit | None:
        """Return the unit with this credit code."""
        return Unit.objects.filter(uscc=code).first()

    def certificate_types(self, category: str) -> list[CertificateType]:
        """Return the active certificate types of ``category`` in id order."""
        return list(
            CertificateType.objects.filter(category=category, is_active=True).order_by("id")
        )

    def person_by_document(self, id_type: str, id_number: str) -> Person | None:
        """Return the person registered with this document (its id and name)."""
        return (
            Person.objects.filter(id_type=id_type, id_number=id_number).only("pk", "name").first()
        )

    def names_seen(self, person: Person, actor) -> set[str]:
        """Return the names ``actor`` can read for ``person``: those of the cases in their scope."""
        return set(
            CaseParty.objects.filter(
                person_id=person.pk, case__in=Case.objects.restrict(actor, VIEW)
            ).values_list("name", flat=True)
        )

    def certificate_taken(
        self, certificate_type: CertificateType, number: str, id_type: str, id_number: str
    ) -> bool:
        """Return True when the certificate is registered to a person with another document."""
        return (
            Certificate.objects.filter(certificate_type=certificate_type, number=number)
            .exclude(person__id_type=id_type, person__id_number=id_number)
            .exists()
        )

    def campaign_for_day(self, day: datetime.date) -> Campaign | None:
        """Return the campaign running on ``day``."""
        return campaign_for_day(day)


DATABASE = Lookups()
