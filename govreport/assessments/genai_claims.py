"""Numeric claims in an assistant's answers — fees, rates, dates, times, counts — checked against the source.

A bank assistant's costliest mistake is a confident wrong number: 「年利率 25%」 for 2.5 %, an annual fee of
2,000 元 for 1,200, a cut-off at 17:00 for 15:30. Lexical groundedness scores those alike, so this module
reads the numbers themselves (Art. 13). Offline, zh-TW and English, no model.

**Extraction** (:func:`extract_claims`). The text is NFKC-normalised (full-width digits, ％ and ： folded),
then every number with a unit becomes a :class:`Claim` — its *kind* and canonical *unit*, its value (or
range), its *bound* and the words around it:

* numbers: Arabic (``1,200``, ``2.68``), full-width (``１，２００``) and Chinese (``一千二百``, ``三百萬``,
  ``二萬五千``, ``三點五``, ``十四``), with 萬 / 億 / 千 multipliers (``300 萬元``);
* ``amount`` (unit ``TWD`` or ``USD``): ``元``, ``塊``, ``NT$``, ``新台幣``, ``TWD``, ``dollars``;
* ``rate`` (unit ``%``): ``%``, ``百分之三``, ``percent``; ``厘`` read as 1 % (Taiwanese usage: 利率 2 厘 =
  2 %), ``成`` as 10 % (一成);
* ``time`` (minutes after midnight): ``9:00``, ``3:30 pm``, ``下午3點30分``, ``晚上9點``;
* ``date``: ``2025/10/03``, ``2025年10月3日``, ``10月3日``; ``dom`` (day of month): ``每月 15 日``;
* ``duration`` (``year``, ``month``, ``day``, ``workday``, ``hour``, ``minute``): ``7 年``, ``24 小時``,
  ``七個工作天``, ``up to 7 years``;
* ``count`` (unit: the measure word): ``六次``, ``前 3 筆``, ``24 期``, ``5 倍``, ``six purchases``.

Two numbers joined by 至 / 到 / ~ / – / to (``6.75% 至 15%``, ``9:00 至 21:00``) are one range. A bound is
read from the words next to a number: ``max`` after 最高 / 最多 / 最長 / 上限 / 不超過 / up to / at most / as
high as, or before 內 / 以內 / 以下; ``min`` before 起 / 以上 or after at least / from / starting at.

**Not claims**: bare numbers without a unit (the last four digits of a card, a 0800 number), phone numbers
(``0800-123-456``, ``02-2345-6789``, ``+886-…``), digits inside identifiers (``A20250315001``) and runs of
seven or more digits (serial and order numbers), weekdays (週一至週五).

**Matching** (:func:`compare_claims`). Each claim of an answer is looked up in its *source*: the reference
answer when the log has one, else the knowledge-base passage that :meth:`KnowledgeBase.search` (BM25) finds
for the answer. The candidates are the source's claims of the same kind and unit; each is scored by the
cosine similarity of the words around the two numbers (CJK character bigrams and English words, weighted by
their distance from the number, with units, bound words and other numbers left out). A claim is

* **agreeing** when one of the best-matching candidates (similarity ≥ :data:`MIN_CONTEXT` and within
  :data:`MARGIN` of the best) is consistent with it — the same value; inside a stated range; at or under a
  stated 最高 limit; at or above a stated floor (300 元起); the same bound for a bound;
* **contradicting** when such candidates exist and none is consistent (same quantity, different value);
* **unsupported** when the source states no quantity of that kind and unit in a similar context.

Limits: one passage per answer; a claim and its source in different languages do not match (unsupported);
ROC-era years (民國114年), 分 as an interest unit and number words above twelve in English are not read;
context is lexical, so two different quantities described in the same words can be confused.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Claim",
    "ClaimCheck",
    "extract_claims",
    "compare_claims",
    "consistent",
    "parse_chinese_number",
    "normalise",
    "MIN_CONTEXT",
    "MARGIN",
    "VERDICTS",
]

#: A candidate's context must be at least this similar to the claim's to count as the same quantity.
MIN_CONTEXT = 0.2
#: Candidates within this similarity of the best are all looked at.
MARGIN = 0.1
VERDICTS = ("agree", "contradict", "unsupported")

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
_CN = "零〇一二兩两三四五六七八九十百千萬万億亿"
_EN_NUMBERS = {
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


@dataclass(frozen=True)
class Claim:
    """One number-bearing statement: ``kind``, canonical ``unit``, value range ``[low, high]`` (equal for a
    single value), ``bound`` (``eq``, ``range``, ``max``, ``min``), the matched ``text`` and its context."""

    kind: str
    unit: str
    low: float
    high: float
    bound: str
    text: str
    start: int
    end: int
    context: dict[str, float] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "low": self.low,
            "high": self.high,
            "bound": self.bound,
            "text": self.text,
        }


# -- extraction ----------------------------------------------------------------------------------------
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN}]+(?:點[零〇一二三四五六七八九]+)?)"
_DAYPART = r"(上午|早上|中午|下午|晚上|凌晨)"
_CN_HOUR = "一二兩三四五六七八九十"
_TIME_COLON = re.compile(r"(?<![\d:/.])(\d{1,2}):(\d{2})(?![\d:])(?:\s*([ap])\.?\s?m\b\.?)?", re.I)
_TIME_AMPM = re.compile(r"(?<![\d:.])(\d{1,2})\s*([ap])\.?\s?m\b\.?", re.I)
_TIME_ZH = re.compile(
    rf"(?:{_DAYPART}\s*)?(\d{{1,2}}|[{_CN_HOUR}]{{1,3}})\s*[點点]"
    rf"(?:\s*(\d{{1,2}}|[零{_CN_HOUR}]{{1,3}})\s*分|(半))?"
)
_DATE_YMD = re.compile(
    r"(?<![\w/.-])(\d{4})\s*(?:[/.-]|年)\s*(\d{1,2})\s*(?:[/.-]|月)\s*(\d{1,2})(?:\s*[日號])?"
    r"(?![\w/.-]*\d)"
)
_DATE_MD = re.compile(rf"(?<![\d年/.-])(\d{{1,2}}|[{_CN}]{{1,3}})\s*月\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*[日號]")
_DOM = re.compile(rf"每月\s*(?:的\s*)?(\d{{1,2}}|[{_CN}]{{1,3}})\s*[日號]")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!期)")
# not claims: phone numbers, identifiers with digits, long digit runs
_PHONE = re.compile(
    r"(?<![\w.])(?:\+\d{1,3}[\s-]?\(?\d{1,4}\)?|\(?0\d{1,3}\)?)[\s-]\d{2,4}(?:[\s-]\d{3,4}){0,2}"
    r"(?![\w.])"
)  # Taiwanese numbers start with 0 (0800-…, 02-…, 09xx-…) or +country
_IDLIKE = re.compile(r"[A-Za-z]+[-_]?\d[\w-]*|\d{7,}")
_NUMBER = re.compile(rf"(?P<pre>NT\s?\$|US\s?\$|TWD|NTD|USD|\$)?\s*(?P<num>{_NUM})")
_UNITS = [  # (regex after the number, kind, unit, factor)
    (r"美元|美金", "amount", "USD", 1),
    (r"元|塊", "amount", "TWD", 1),
    (r"%|厘|釐", "rate", "%", 1),
    (r"成(?![功為立本長員交])", "rate", "%", 10),
    (r"個工作天|個工作日|工作天|工作日|個營業日|營業日", "duration", "workday", 1),
    (r"個月", "duration", "month", 1),
    (r"小時|個小時|鐘頭", "duration", "hour", 1),
    (r"分鐘", "duration", "minute", 1),
    (r"天", "duration", "day", 1),
    (r"年(?!費|利|息|度)", "duration", "year", 1),
    (r"日(?:內|以內)", "duration", "day", 1),
    (r"次|筆|期|倍|張|項|歲|組|家|點數", "count", None, 1),
    (r"percent|per cent", "rate", "%", 1),
    (r"(?:business|working) days?", "duration", "workday", 1),
    (r"years?", "duration", "year", 1),
    (r"months?", "duration", "month", 1),
    (r"days?", "duration", "day", 1),
    (r"hours?", "duration", "hour", 1),
    (r"minutes?", "duration", "minute", 1),
    (r"dollars?", "amount", "TWD", 1),
]
_UNIT_RE = [
    (re.compile(r"\s*(?P<mult>萬|万|億|亿|千)?\s*(?P<unit>" + u + ")", re.I), k, un, f)
    for u, k, un, f in _UNITS
]
_EN_COUNT = re.compile(r"\s+(?:free\s+)?([a-z]{3,})", re.I)
_EN_NOT_UNIT = {
    "and",
    "the",
    "for",
    "from",
    "with",
    "per",
    "plus",
    "a",
    "an",
    "or",
    "to",
    "of",
    "in",
    "on",
    "at",
}
_BOUND_MAX_BEFORE = re.compile(
    r"(?:最高|最多|最長|最久|上限|不超過|至多|高達|up to|at most|as (?:high|much|long) as|"
    r"maximum(?: of)?|no more than|not more than)\s*(?:為|是|可|達|可達|可貸|可分)?\s*"
    r"(?:新台幣|台幣|NT\s?\$|\$)?\s*$",
    re.I,
)
_BOUND_MIN_BEFORE = re.compile(
    r"(?:至少|最少|最低|起碼|at least|from|starting at|minimum(?: of)?|no less than)\s*"
    r"(?:為|是|可|達)?\s*(?:新台幣|台幣|NT\s?\$|\$)?\s*$",
    re.I,
)
_BOUND_MAX_AFTER = re.compile(r"^\s*(?:以內|以下|之內|內|為限|or less|at most|or fewer)")
_BOUND_MIN_AFTER = re.compile(r"^\s*(?:起|以上|或以上|or more|and up|and above|at least)")
_RANGE_SEP = re.compile(r"^\s*(?:至|到|~|～|-|–|—|to|and)\s*$", re.I)
_RANGE_BARE = re.compile(rf"(?:from\s+|between\s+)?(?P<num>{_NUM})\s*(?:至|到|~|～|-|–|—|to|and)\s*$", re.I)
_SENTENCE = re.compile(r"[。！？!?\n]|(?<=[a-z0-9%])\.(?=\s|$)", re.I)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]{2,}", re.I)
_STOP = {
    "the",
    "a",
    "an",
    "is",
    "are",
    "was",
    "be",
    "of",
    "for",
    "to",
    "from",
    "and",
    "or",
    "in",
    "on",
    "at",
    "by",
    "with",
    "your",
    "you",
    "we",
    "our",
    "it",
    "its",
    "this",
    "that",
    "per",
    "plus",
    "up",
    "as",
    "can",
    "will",
    "nt",
    "twd",
    "ntd",
    "usd",
    "am",
    "pm",
    "than",
    "more",
    "less",
    "least",
    "most",
    "high",
    "about",
    "any",
    "us",
    "percent",
    "cent",
    "dollar",
    "dollars",
    "year",
    "years",
    "day",
    "days",
    "month",
    "months",
    "after",
    "before",
    "each",
    "every",
}
_CONTEXT_DROP = re.compile(
    r"新台幣|台幣|最高|最多|最長|最低|至少|上限|不超過|以內|以上|以下|約|為|是|的|起|"
    r"NT\s?\$|US\s?\$|TWD|NTD|\$"
)


def _value(num: str) -> float | None:
    if num[0].isdigit():
        return float(num.replace(",", ""))
    return parse_chinese_number(num)


def _hour(h: str) -> int | None:
    v = _value(h)
    return int(v) if v is not None and v == int(v) else None


def _clock(h: int, m: int, part: str | None, ampm: str | None) -> float | None:
    if ampm:
        if h == 12:
            h = 0
        h += 12 if ampm.lower() == "p" else 0
    elif part in ("下午", "晚上") and h < 12 or part == "中午" and h < 6:
        h += 12
    if not (0 <= h <= 24 and 0 <= m < 60):
        return None
    return float(h * 60 + m)


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


def _forbidden(t: str, keep: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for rx in (_PHONE, _IDLIKE):
        for m in rx.finditer(t):
            if rx is _PHONE and len(re.sub(r"\D", "", m.group())) < 8:
                continue
            if not _overlaps(m.start(), m.end(), keep):
                out.append((m.start(), m.end()))
    return out


def _raw_claims(t: str) -> list[Claim]:
    found: list[Claim] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, unit: str, v: float, a: int, b: int, bound: str = "eq") -> None:
        found.append(Claim(kind, unit, v, v, bound, t[a:b].strip(), a, b))
        taken.append((a, b))

    for m in _DATE_YMD.finditer(t):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            add("date", "date", float(y * 10000 + mo * 100 + d), m.start(), m.end())
    for m in _DATE_MD.finditer(t):
        if _overlaps(m.start(), m.end(), taken):
            continue
        mo, d = _value(m.group(1)), _value(m.group(2))
        if mo and d and 1 <= mo <= 12 and 1 <= d <= 31:
            add("date", "md", mo * 100 + d, m.start(), m.end())
    for m in _DOM.finditer(t):
        d = _value(m.group(1))
        if d and 1 <= d <= 31 and not _overlaps(m.start(), m.end(), taken):
            add("dom", "dom", d, m.start(1), m.end())
    for m in _YEAR.finditer(t):
        if not _overlaps(m.start(), m.end(), taken):
            add("date", "year", float(m.group(1)), m.start(), m.end())
    for m in _TIME_COLON.finditer(t):
        v = _clock(int(m.group(1)), int(m.group(2)), None, m.group(3))
        if v is not None and not _overlaps(m.start(), m.end(), taken):
            add("time", "clock", v, m.start(), m.end())
    for m in _TIME_AMPM.finditer(t):
        v = _clock(int(m.group(1)), 0, None, m.group(2))
        if v is not None and not _overlaps(m.start(), m.end(), taken):
            add("time", "clock", v, m.start(), m.end())
    for m in _TIME_ZH.finditer(t):
        if _overlaps(m.start(), m.end(), taken):
            continue
        if not m.group(3) and not m.group(4) and re.match(rf"[零{_CN_HOUR}]", t[m.end() : m.end() + 1]):
            continue  # 三點五: a decimal, not a time
        h = _hour(m.group(2))
        mi = 30 if m.group(4) else (_hour(m.group(3)) if m.group(3) else 0)
        if h is None or mi is None:
            continue
        v = _clock(h, mi, m.group(1), None)
        if v is not None:
            add("time", "clock", v, m.start(), m.end())
    bad = _forbidden(t, taken)
    # 百分之三點五
    for m in re.finditer(rf"百分之\s*({_NUM})", t):
        v = _value(m.group(1))
        if v is not None and not _overlaps(m.start(), m.end(), taken):
            add("rate", "%", v, m.start(), m.end())
    for m in _NUMBER.finditer(t):
        a, b = m.start("num"), m.end("num")
        if _overlaps(a, b, taken) or _overlaps(a, b, bad):
            continue
        num = m.group("num")
        if not num[0].isdigit():
            before = t[max(0, a - 2) : a]
            if before.endswith(("週", "周", "星期", "禮拜", "第")) or num in ("千", "百", "十", "萬"):
                continue
            if t[a - 1 : a] and t[a - 1] in _CN:  # a Chinese numeral run starts at its first character
                continue
        elif a > 0 and (t[a - 1].isalnum() and not _CJK.match(t[a - 1])):
            continue  # digits glued to letters: part of an identifier
        v = _value(num)
        if v is None:
            continue
        rest = t[b:]
        kind = unit = None
        end = b
        for rx, k, un, f in _UNIT_RE:
            u = rx.match(rest)
            if u is None:
                continue
            if u.group("mult"):
                v *= {"萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "千": 1e3}[u.group("mult")]
            kind, unit, end = k, un or u.group("unit"), b + u.end()
            v *= f
            break
        pre = m.group("pre")
        mult = re.match(r"\s*(萬|万|億|亿)", rest)
        if kind is None and (
            pre or (mult and re.search(r"(新台幣|台幣)\s*$", t[:a]))
        ):  # NT$300, 新台幣 300 萬
            if mult:
                v *= 1e4 if mult.group(1) in "萬万" else 1e8
                end = b + mult.end()
            kind, unit = "amount", "TWD"
        if kind == "amount" and pre and pre.upper().startswith("US"):
            unit = "USD"
        if kind is None and num[0].isdigit():  # English counts: "3 lounge visits" (the next word is the unit)
            w = _EN_COUNT.match(rest)
            if w and w.group(1).lower() not in _EN_NOT_UNIT and v == int(v):
                kind, unit, end = "count", w.group(1).lower().rstrip("s"), b + w.end()
        if kind is None:
            continue
        start = m.start() if pre else a
        found.append(Claim(kind, str(unit), v, v, "eq", t[start:end].strip(), start, end))
        taken.append((start, end))
    # English number words as counts or durations: "six purchases", "seven years"
    for m in re.finditer(r"\b(" + "|".join(_EN_NUMBERS) + r")\s+((?:business |working )?[a-z]{3,})", t, re.I):
        if _overlaps(m.start(), m.end(), taken):
            continue
        word = m.group(2).lower()
        if word in _EN_NOT_UNIT or word in ("of", "more", "less", "time"):
            continue
        v = float(_EN_NUMBERS[m.group(1).lower()])
        for rx, k, un, _f in _UNIT_RE:
            if un and k == "duration" and rx.fullmatch(" " + word):
                found.append(Claim(k, un, v, v, "eq", m.group(0), m.start(), m.end()))
                break
        else:
            found.append(Claim("count", word.rstrip("s"), v, v, "eq", m.group(0), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    return sorted(found, key=lambda c: c.start)


def _with_bounds_and_ranges(t: str, claims: list[Claim]) -> list[Claim]:
    out: list[Claim] = []
    i = 0
    while i < len(claims):
        c = claims[i]
        nxt = claims[i + 1] if i + 1 < len(claims) else None
        if (
            nxt is not None
            and (nxt.kind, nxt.unit) == (c.kind, c.unit)
            and _RANGE_SEP.match(t[c.end : nxt.start])
        ):
            lo, hi = sorted((c.low, nxt.high))
            out.append(Claim(c.kind, c.unit, lo, hi, "range", t[c.start : nxt.end], c.start, nxt.end))
            i += 2
            continue
        bare = _RANGE_BARE.search(t[max(0, c.start - 16) : c.start])
        written = _value_of_text(c)
        if bare and c.kind in (
            "rate",
            "amount",
            "duration",
            "count",
        ):  # 6.75 至 15%: the first end takes the unit
            v0 = _value(bare.group("num"))
            if v0 is not None:
                v0 *= c.low / written if written else 1
                lo, hi = sorted((v0, c.high))
                a = max(0, c.start - 16) + bare.start("num")
                out.append(Claim(c.kind, c.unit, lo, hi, "range", t[a : c.end], a, c.end))
                i += 1
                continue
        before, after = t[max(0, c.start - 12) : c.start], t[c.end : c.end + 8]
        bound = (
            "max"
            if _BOUND_MAX_BEFORE.search(before) or _BOUND_MAX_AFTER.match(after)
            else "min"
            if _BOUND_MIN_AFTER.match(after) or _BOUND_MIN_BEFORE.search(before)
            else "eq"
        )
        out.append(Claim(c.kind, c.unit, c.low, c.high, bound, c.text, c.start, c.end))
        i += 1
    return out


def _value_of_text(c: Claim) -> float | None:
    """The bare number written in a claim (before unit factors), to scale a range's unit-less first end."""
    m = re.search(_NUM, c.text)
    return _value(m.group()) if m else None


def _tokens(s: str, offset: int = 0) -> list[tuple[str, int]]:
    """Context tokens with their positions: CJK character bigrams (within runs) and English words (no stop
    words)."""
    out: list[tuple[str, int]] = []
    for run in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[A-Za-z]+", s):
        w, at = run.group(), offset + run.start()
        if _CJK.match(w):
            out += [(w[i : i + 2], at + i) for i in range(len(w) - 1)] if len(w) > 1 else [(w, at)]
        else:
            w = w.lower()
            if len(w) > 1 and w not in _STOP:
                out.append((w[:-1] if w.endswith("s") and len(w) > 3 else w, at))
    return out


_CLAUSE = re.compile(r"[，,；;：:、()（）]")


def _contexts(t: str, claims: list[Claim]) -> list[Claim]:
    """Attach the weighted words around each claim: same sentence, weight falling with the distance in
    characters and halved past a clause mark or another number; numbers, units and bound words left out."""
    blank = list(t)
    for c in claims:
        blank[c.start : c.end] = "\0" * (c.end - c.start)
    masked = "".join(blank)
    masked = _CONTEXT_DROP.sub(lambda m: " " * len(m.group()), masked)
    masked = re.sub(r"\d", " ", masked)
    bounds = [0] + [m.end() for m in _SENTENCE.finditer(t)] + [len(t)]
    out = []
    for c in claims:
        s0 = max(x for x in bounds if x <= c.start)
        s1 = min((x for x in bounds if x >= c.end), default=len(t))
        ctx: dict[str, float] = {}
        for tok, at in _tokens(masked[s0 : c.start], s0) + _tokens(masked[c.end : s1], c.end):
            between = masked[at : c.start] if at < c.start else masked[c.end : at]
            crossings = len(_CLAUSE.findall(between)) + len(re.findall("\0+", between))
            dist = len(between.replace(" ", ""))
            w = (1.0 if at < c.start else 0.8) / (1 + dist / 4) * 0.4**crossings
            ctx[tok] = max(ctx.get(tok, 0.0), w)
        out.append(Claim(c.kind, c.unit, c.low, c.high, c.bound, c.text, c.start, c.end, ctx))
    return out


def extract_claims(text: str) -> list[Claim]:
    """Every numeric claim in ``text`` (see the module docstring), in order of appearance."""
    t = normalise(text)
    return _contexts(t, _with_bounds_and_ranges(t, _raw_claims(t)))


# -- comparison ----------------------------------------------------------------------------------------
def _similar(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def _eq(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def consistent(claim: Claim, source: Claim) -> bool:
    """Whether ``claim`` can be true given what ``source`` states (see the module docstring)."""
    c, s = claim, source
    if s.bound == "eq":
        if c.bound == "range":
            return _eq(c.low, s.low) and _eq(c.high, s.high)
        return _eq(c.low, s.low)
    if s.bound == "range":
        if c.bound == "range":
            return _eq(c.low, s.low) and _eq(c.high, s.high)
        if c.bound == "max":
            return _eq(c.high, s.high)
        if c.bound == "min":
            return _eq(c.low, s.low)
        return s.low - 1e-9 <= c.low <= s.high + 1e-9
    if s.bound == "max":
        if c.bound in ("max", "range"):
            return _eq(c.high, s.high) and (c.bound == "max" or c.low <= s.high)
        return c.high <= s.high + 1e-9 if c.bound == "eq" else c.low <= s.high
    # s.bound == "min"
    if c.bound in ("min", "range"):
        return _eq(c.low, s.low)
    return c.low >= s.low - 1e-9 if c.bound == "eq" else c.high >= s.low


@dataclass
class ClaimCheck:
    """A claim, its verdict, the source claim it was compared with (if any) and their context similarity."""

    claim: Claim
    verdict: str
    counterpart: Claim | None = None
    similarity: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim.text,
            "kind": self.claim.kind,
            "verdict": self.verdict,
            "stated": self.counterpart.text if self.counterpart else None,
            "similarity": round(self.similarity, 3),
        }


def compare_claims(claims: Sequence[Claim], source_claims: Sequence[Claim]) -> list[ClaimCheck]:
    """Classify each of ``claims`` against the claims of its source (see the module docstring)."""
    out = []
    for c in claims:
        cands = [
            (s, _similar(c.context, s.context)) for s in source_claims if (s.kind, s.unit) == (c.kind, c.unit)
        ]
        cands = [(s, sim) for s, sim in cands if sim >= MIN_CONTEXT]
        if not cands:
            out.append(ClaimCheck(c, "unsupported"))
            continue
        best = max(sim for _, sim in cands)
        top = sorted(((s, sim) for s, sim in cands if sim >= best - MARGIN), key=lambda x: -x[1])
        agreeing = [(s, sim) for s, sim in top if consistent(c, s)]
        if agreeing:
            out.append(ClaimCheck(c, "agree", *agreeing[0]))
        else:
            out.append(ClaimCheck(c, "contradict", *top[0]))
    return out
