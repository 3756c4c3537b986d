"""Reading a certificate as other systems write it (一级建造师 + 建筑工程) into the register's
terms (category, level, specialty), for ``cases.validation.clean_certificate`` to check.

The ministry's lists and the province's registration roster name the 执业资格类别 as printed on
the certificate; the register stores category codes and levels (DOMAIN.md §7). The table below
is the one place that knows the printed names.
"""

from __future__ import annotations

import re

from cases.reference import normalize_level

# Printed name fragments → (category code, specialty when the name itself fixes it).
NAMES = (
    ("建造师", "constructor", None),
    ("建筑师", "architect", ""),
    ("结构工程师", "survey_engineer", "结构"),
    ("岩土工程师", "survey_engineer", "岩土"),
    ("土木工程师", "survey_engineer", None),
    ("电气工程师", "survey_engineer", None),
    ("公用设备工程师", "survey_engineer", None),
    ("化工工程师", "survey_engineer", "化工"),
    ("环保工程师", "survey_engineer", "环保"),
    ("监理工程师", "supervision_engineer", None),
    ("造价工程师", "cost_engineer", None),
)
LEVEL = re.compile(r"(一级|二级|临时)")
BRACKETED = re.compile(r"[（(]([^）)]+)[）)]")
# A specialty some systems write with its certificate's suffix: 建筑工程专业 → 建筑工程.
SUFFIX = re.compile(r"(专业|方向)$")


def certificate_terms(label: str, specialty: str = "") -> dict | None:
    """Return ``{"category", "level", "specialty"}`` for a printed name, or None if unknown.

    Unknown names are passed on as given (category = the label), for the validator to refuse
    with the allowed values.
    """
    label = (label or "").strip()
    if not label:
        return None
    bracket = BRACKETED.search(label)
    specialty = SUFFIX.sub("", (specialty or "").strip()) or (bracket.group(1) if bracket else "")
    for fragment, category, fixed in NAMES:
        if fragment in label:
            level_match = LEVEL.search(label)
            level = normalize_level(level_match.group(1)) if level_match else ""
            return {
                "category": category,
                "level": level,
                "specialty": specialty if fixed is None else fixed,
            }
    return {"category": label, "level": "", "specialty": specialty}
