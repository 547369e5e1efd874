"""Reading numbers in zh-TW and English answers: Chinese numerals (``一千二百``, ``三點五``, ``二〇二五``),
English number words, and the NFKC normalisation that folds full-width digits and signs.

Contract: pure functions and constants; used by the numeric-claim check (:mod:`.genai_claims`).
"""

from __future__ import annotations

import unicodedata

__all__ = ["parse_chinese_number", "normalise", "CN_NUMERALS", "EN_NUMBERS"]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"萬": 10_000, "万": 10_000, "億": 100_000_000, "亿": 100_000_000}
#: every character a Chinese numeral is written with
CN_NUMERALS = "零〇一二兩两三四五六七八九十百千萬万億亿"
#: English number words an answer may use for a count
EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}


def parse_chinese_number(s: str) -> float | None:
    """``一千二百`` → 1200, ``三百萬`` → 3000000, ``二萬五千`` → 25000, ``十四`` → 14, ``三點五`` → 3.5;
    None when ``s`` is not a Chinese numeral."""
    if not s:
        return None
    if "點" in s:
        whole, _, frac = s.partition("點")
        w = parse_chinese_number(whole) if whole else 0.0
        if w is None or not frac or any(ch not in _CN_DIGITS for ch in frac):
            return None
        return w + float("0." + "".join(str(_CN_DIGITS[ch]) for ch in frac))
    if all(ch in _CN_DIGITS for ch in s) and len(s) > 1:  # 二〇二五: digit by digit
        return float("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        elif ch in _CN_BIG:
            total += (section + (digit or 0)) * _CN_BIG[ch]
            section, digit = 0, None
        else:
            return None
    return float(total + section + (digit or 0))


def normalise(text: str) -> str:
    """NFKC (full-width digits, ％, ．, ，, ： folded) — what extraction and matching read."""
    return unicodedata.normalize("NFKC", str(text))
