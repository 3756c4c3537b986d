"""Identifier checks: 居民身份证号码 (GB 11643), 统一社会信用代码 (GB 32100); python-stdnum."""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

# Characters a typed identifier may carry around it that are no part of it: spaces of any width,
# hyphens of any kind (Chinese input methods produce full-width and ideographic forms).
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―－]+")
ASCII_DIGITS = re.compile(r"^[0-9]+$")


def canonical_text(value) -> str:
    """Return an identifier as typed, folded to one form: NFKC (full-width → ASCII), upper case,
    separators removed. ``５１０１０４…ｘ`` and ``510104…X`` are then the same number."""
    return SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or ""))).upper()


def upgrade_15_to_18(number: str) -> str:
    """Return the 18-digit form of a first-generation 15-digit ID number ("19" + check char)."""
    body = number[:6] + "19" + number[6:]
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def normalize_resident_id(value: str) -> str:
    """Validate a 居民身份证号码 and return its canonical 18-character form.

    Accepts lower-case x and 15-digit first-generation numbers (upgraded). Address codes that are
    no longer current are accepted; the birth date must be real and not in the future.
    """
    number = canonical_text(value)
    if len(number) == 15 and ASCII_DIGITS.match(number):
        number = upgrade_15_to_18(number)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位（或15位一代证号）。"), code="length")
    # str.isdigit() would take other scripts' digits (٣, ३); only 0–9 and X are part of a number.
    if not ASCII_DIGITS.match(number[:17]) or number[17] not in "0123456789X":
        raise ValidationError(_("身份证号码只能包含数字，最后一位可以是X。"), code="format")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="birth_date") from exc
    if birth > timezone.localdate() or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期不合理。"), code="birth_date")
    # Length, digits and date are checked above, and address codes stdnum does not know are
    # accepted (retired codes such as 510132 新津县 stay valid inside old ID numbers), so only the
    # check character is left to ask of stdnum; ``ric.validate`` would also search its address
    # table, which cost 80 % of this function (50 µs a number, 0.5 s for a 10,000-row import).
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(_("身份证号码校验位错误，请核对。"), code="checksum")
    return number


def resident_id_facts(number: str) -> tuple[str, datetime.date]:
    """Return (sex "M"/"F", birth date) from a valid 18-character 居民身份证号码."""
    birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return ("M" if int(number[16]) % 2 else "F"), birth


def normalize_document(id_type: str, value: str) -> str:
    """Validate a document number of the given type and return its canonical form."""
    if id_type == "resident_id":
        return normalize_resident_id(value)
    number = canonical_text(value)
    if id_type == "hmt_residence_permit":
        # 港澳台居民居住证 follow GB 11643 with an 81/82/83 address code.
        if not number.startswith(("81", "82", "83")):
            raise ValidationError(_("港澳台居民居住证号码应以81、82或83开头。"), code="format")
        return normalize_resident_id(number)
    if not re.fullmatch(r"[0-9A-Z]{1,32}", number):
        raise ValidationError(_("证件号码只能包含数字和字母（不超过32位）。"), code="format")
    return number


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_uscc(value: str) -> str:
    """Validate a 统一社会信用代码 (GB 32100) and return it upper-cased.

    Every position is from the 31-character alphabet (no I, O, S, V, Z) and the last is the
    check character (DOMAIN.md §8). python-stdnum is stricter than the standard (it requires
    digits in the first eight positions), so the check is written here. The 组织机构代码 part
    (positions 9–17) has its own check, which only warns (``uscc_organisation_code_warning``).
    """
    code = canonical_text(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位。"), code="length")
    if any(c not in USCC_ALPHABET for c in code):
        raise ValidationError(
            _("统一社会信用代码格式不正确（只用数字和除 I、O、S、V、Z 外的大写字母）。"),
            code="format",
        )
    if code[17] != uscc_check_character(code[:17]):
        raise ValidationError(_("统一社会信用代码校验位错误，请核对。"), code="checksum")
    return code


def uscc_check_character(body: str) -> str:
    """Return the check character of the first 17 characters of a 统一社会信用代码."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def build_uscc(*, region: str, serial: int, registration: str = "91") -> str:
    """Return a valid 统一社会信用代码 (GB 32100) for demo and test data.

    ``registration`` is the registering authority and kind (91 = 工商, enterprise), ``region``
    the six-digit region code (positions 3–8), ``serial`` the 组织机构代码's eight-digit body,
    whose own GB 11714 check character and the code's check character are computed.
    """
    body = f"{serial % 10**8:08d}"
    total = sum(int(c) * w for c, w in zip(body, ORGANISATION_WEIGHTS, strict=True))
    org_check = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    head = f"{registration}{region}{body}{org_check}"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(head, USCC_WEIGHTS, strict=True))
    return head + USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_organisation_code_warning(code: str) -> str | None:
    """Return a warning when positions 9–17 fail their GB 11714 check (never a rejection)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    org = code[8:17]
    try:
        total = sum(
            alphabet.index(c) * w for c, w in zip(org[:8], (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
        )
    except ValueError:
        return _("组织机构代码部分格式异常。")
    check = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(check, str(check))
    if org[8] != expected:
        return _("组织机构代码（第9–17位）校验不符，请核实。")
    return None


def mask_id_number(number: str) -> str:
    """Return the number with the birth date, sequence and sex hidden: 510104***********X.

    Only the address code (where the number was issued) and the check character stay: with the
    birth date known from elsewhere, about 90 numbers still fit, and no search in the app confirms
    one (docs/security.md). Other documents keep their last two characters.
    """
    if not number:
        return ""
    if len(number) >= 15:
        return number[:6] + "*" * (len(number) - 7) + number[-1:]
    if len(number) > 4:
        return "*" * (len(number) - 2) + number[-2:]
    return "*" * len(number)


def canonical_certificate_number(value) -> str:
    """Return a certificate number folded to one form: NFKC (full-width → ASCII), upper case,
    no spaces. Its own characters (川, hyphens) are kept."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).upper()
