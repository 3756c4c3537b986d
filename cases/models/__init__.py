from cases.models.case import Case, CaseCount, CaseLink, CaseParty, CaseSequence
from cases.models.decision import Decision, ExemptionProof, Measure, Outcome
from cases.models.evidence import Evidence
from cases.models.parties import Certificate, CertificateType, Person, Unit

__all__ = [
    "Case",
    "CaseCount",
    "CaseLink",
    "CaseParty",
    "CaseSequence",
    "Certificate",
    "CertificateType",
    "Decision",
    "Evidence",
    "ExemptionProof",
    "Measure",
    "Outcome",
    "Person",
    "Unit",
]
