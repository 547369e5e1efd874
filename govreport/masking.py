"""Personal data (Art. 8): detect identifiers and mask them before anything is rendered.

Detectors work on Traditional Chinese and English text (identifiers are ASCII, but Chinese has no spaces
around them, so no word boundaries are assumed): Taiwan national ID / resident certificate numbers with
their checksum, payment-card numbers passing the Luhn check, Taiwan mobile and landline numbers, e-mail
addresses. :func:`mask_value` keeps the first three and last two characters (``A123456789`` →
``A12*****89``); :func:`mask_text` masks every identifier found inside free text.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "taiwan_id_valid",
    "luhn_valid",
    "mask_value",
    "mask_text",
    "find_identifiers",
    "looks_like_personal_data",
]

_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
_TW_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z][1289]\d{8})(?![A-Za-z0-9])")
_CARD = re.compile(r"(?<!\d)(\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{1,7})(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(\+?886[ -]?9\d{2}[ -]?\d{3}[ -]?\d{3}|09\d{2}[ -]?\d{3}[ -]?\d{3})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(\(0\d{1,2}\)[ -]?\d{3,4}[ -]?\d{4}|0\d{1,2}-\d{3,4}-\d{4})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def taiwan_id_valid(value: str) -> bool:
    """True for a well-formed Taiwan national ID (or new-style resident certificate) with a valid checksum."""
    s = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z][1289]\d{8}", s):
        return False
    code = _LETTERS[s[0]]
    total = code // 10 + (code % 10) * 9 + sum(int(d) * w for d, w in zip(s[1:9], range(8, 0, -1), strict=True))
    return (total + int(s[9])) % 10 == 0


def luhn_valid(digits: str) -> bool:
    d = [int(c) for c in re.sub(r"\D", "", digits)]
    if not 13 <= len(d) <= 19:
        return False
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x = x * 2 - 9 if x > 4 else x * 2
        total += x
    return total % 10 == 0


def mask_value(value: object) -> str:
    """Keep the first 3 and last 2 characters, star the rest (short values: keep less)."""
    s = str(value)
    n = len(s)
    if n <= 2:
        return "*" * n
    if n <= 5:
        return s[0] + "*" * (n - 1)
    keep_head, keep_tail = (3, 2) if n >= 8 else (1, 1)
    return s[:keep_head] + "*" * (n - keep_head - keep_tail) + s[n - keep_tail:]


def find_identifiers(text: str) -> list[tuple[str, str]]:
    """``(kind, value)`` for every identifier in ``text``: national_id, card, phone, email."""
    t = str(text)
    found: list[tuple[str, str]] = []
    found += [("national_id", m) for m in _TW_ID.findall(t) if taiwan_id_valid(m)]
    found += [("card", m) for m in _CARD.findall(t) if luhn_valid(m)]
    found += [("phone", m) for m in _MOBILE.findall(t)]
    found += [("phone", m) for m in _LANDLINE.findall(t)]
    found += [("email", m) for m in _EMAIL.findall(t)]
    return found


def mask_text(text: object) -> str:
    """``text`` with every identifier replaced by its masked form."""
    t = str(text)
    for _kind, value in sorted(find_identifiers(t), key=lambda kv: -len(kv[1])):
        t = t.replace(value, mask_value(value))
    return t


def looks_like_personal_data(series: pd.Series, sample: int = 500) -> str | None:
    """The kind of identifier most values of ``series`` hold, if at least half do; else None."""
    values = series.dropna().astype(str).head(sample)
    if values.empty:
        return None
    kinds: dict[str, int] = {}
    for v in values:
        for kind, _ in find_identifiers(v)[:1]:
            kinds[kind] = kinds.get(kind, 0) + 1
    if not kinds:
        return None
    kind, count = max(kinds.items(), key=lambda kv: kv[1])
    return kind if count >= len(values) / 2 else None
