"""Input cleaning for the case register: the one place where a payload is checked.

Forms, serializers and the Excel import only coerce types and hand the services a payload; the
services call these functions, which collect *every* problem (by field path, e.g.
``persons[0].id_number``) before anything is written, and raise them together.

- ``base``: the error collector, texts and dates;
- ``case``: a case's fields, its persons and units;
- ``decision``: the decision and each party's outcome;
- ``evidence``: uploaded files.
"""

from cases.validation.base import CONTROL_CHARACTERS, Errors, clean_date, clean_text, parse_date
from cases.validation.case import (
    EDITABLE_FIELDS,
    PersonInput,
    UnitInput,
    check_campaign_day,
    check_some_party,
    clean_campaign,
    clean_case_fields,
    clean_certificate,
    clean_new_case,
    clean_person,
    clean_persons,
    clean_reason,
    clean_unit,
    find_campaign,
)
from cases.validation.decision import (
    ROLE_KINDS,
    DecisionInput,
    OutcomeInput,
    ProofInput,
    clean_decision,
)
from cases.validation.evidence import EVIDENCE_TYPES, FileInput, clean_evidence, evidence_name

__all__ = [
    "CONTROL_CHARACTERS",
    "EDITABLE_FIELDS",
    "EVIDENCE_TYPES",
    "ROLE_KINDS",
    "DecisionInput",
    "Errors",
    "FileInput",
    "OutcomeInput",
    "PersonInput",
    "ProofInput",
    "UnitInput",
    "check_campaign_day",
    "check_some_party",
    "clean_campaign",
    "clean_case_fields",
    "clean_certificate",
    "clean_date",
    "clean_decision",
    "clean_evidence",
    "clean_new_case",
    "clean_person",
    "clean_persons",
    "clean_reason",
    "clean_text",
    "clean_unit",
    "evidence_name",
    "find_campaign",
    "parse_date",
]
