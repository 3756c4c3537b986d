"""The public form's challenge: a sum in Chinese words, checked offline, each token used once.

No third-party CAPTCHA (the site calls nothing outside, and the form must work without
JavaScript). The question (三加五等于几？) is drawn on the server; its token carries a random id,
the issue time and an HMAC of the answer under the site's secret, signed and timed
(``django.core.signing``), so the answer is never in the page and a token older than its
lifetime is refused. Each token is claimed once in the rate-counter table (``core.ratelimit``),
whatever the answer, so a script cannot try every answer with one token.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.ratelimit import claim_once

SALT = "complaints.challenge"
MAX_AGE = 30 * 60  # seconds to fill the form in
DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def chinese_number(n: int) -> str:
    """Return 0–99 in Chinese words (十二, 二十, 三十五)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}").hexdigest()


def challenge_new() -> Challenge:
    """Draw a question and sign its token."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        question, answer = _("%(a)s加%(b)s等于几？"), a + b
    else:
        a, b = max(a, b), min(a, b)
        question, answer = _("%(a)s减%(b)s等于几？"), a - b
    nonce = secrets.token_urlsafe(12)
    payload = {"n": nonce, "t": int(time.time()), "h": _digest(nonce, answer)}
    text = question % {"a": chinese_number(a), "b": chinese_number(b)}
    return Challenge(text, signing.dumps(payload, salt=SALT))


def parse_answer(text: str) -> int | None:
    """Return the number typed (半角、全角 digits, or Chinese words up to 九十九), or None."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()[:8]
    if value.isascii() and value.isdigit():
        return int(value)
    if value and all(c in DIGITS + "十" for c in value):
        tens, _sep, ones = value.rpartition("十")
        if "十" not in value:
            return DIGITS.index(value) if len(value) == 1 else None
        if len(tens) > 1 or len(ones) > 1 or "十" in tens:
            return None
        return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)
    return None


def challenge_check(token: str, answer: str) -> str | None:
    """Claim ``token`` and check ``answer``; return why it is refused, or None."""
    try:
        payload = signing.loads(str(token or "")[:500], salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return _("验证问题已过期，请回答新的问题。")
    except signing.BadSignature:
        return _("请回答验证问题。")
    if not isinstance(payload, dict) or not {"n", "t", "h"} <= set(payload):
        return _("请回答验证问题。")
    if not claim_once(f"challenge:{payload['n']}"[:100], issued_at=int(payload["t"])):
        return _("该验证问题已使用过，请回答新的问题。")
    number = parse_answer(answer)
    if number is None or not constant_time_compare(_digest(payload["n"], number), payload["h"]):
        return _("验证问题回答错误，请重新计算。")
    return None
