"""Personal data (Art. 8): detect identifiers and mask them before anything is rendered or stored.

Detectors work on Traditional Chinese and English text. Identifiers are ASCII, but Chinese has no spaces
around them and is often typed with full-width digits (``Ａ１２３…``), so no word boundaries are assumed
and full-width forms are recognised too:

* Taiwan national ID (身分證統一編號) ``[A-Z][12]\\d{8}`` **with** its checksum, and resident certificate
  numbers (居留證, new style ``[A-Z][89]\\d{8}`` and old style ``[A-Z][A-D]\\d{8}``), also with checksum —
  also written with spaces, dots or hyphens (``I 2685 78204``, ``I268-578-204``) and glued to other letters
  or digits (``XI268578204Y``): this is the last line of defence, so a checksum-valid ID is masked wherever
  it sits;
* payment-card numbers (13–19 digits, grouped by spaces, dots or hyphens or not) passing the Luhn check;
* Taiwan mobile numbers (``0912-345-678``, ``0912.345.678``, ``(0912) 345 678``, ``+886 912 345 678``) and
  landlines (``(02)2345-6789``, ``02.2345.6789``, ``+886-2-2345-6789``), not toll-free 080x numbers;
* e-mail addresses;
* bank account numbers: 10–16 digits right after 帳號, 帳戶, 戶號, "account (number)" or "acct".

The genai leak count (:func:`govreport.assessments.genai_checks.leaked_kinds`) uses :func:`find_identifiers`,
so what is counted as a leak and what is masked are the same thing.

:func:`mask_value` keeps the first three and last two characters (``A123456789`` → ``A12*****89``),
keeping less of short values (``王小明`` → ``王*明``); :func:`mask_text` masks every identifier found
inside free text; :func:`looks_like_personal_data` says what kind of personal data a column holds.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

__all__ = [
    "PERSONAL_KINDS",
    "taiwan_id_valid",
    "luhn_valid",
    "mask_value",
    "mask_text",
    "find_identifiers",
    "identifier_kind",
    "looks_like_personal_data",
]

#: Kinds of personal data :func:`looks_like_personal_data` can report.
PERSONAL_KINDS: tuple[str, ...] = (
    "national_id",
    "resident_id",
    "card",
    "phone",
    "email",
    "account",
    "name",
    "address",
)

# -- normalisation -----------------------------------------------------------------------------------
# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space map one character to one character, so
# positions found in the folded text are positions in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _fold(text: str) -> str:
    return text.translate(_FOLD)


# -- Taiwan national ID and resident certificates ----------------------------------------------------
_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
# every start position (a lookahead), so a candidate failing its checksum does not hide one starting a letter
# later; separators only in the current forms (the old letter-letter resident certificate is always written
# solid)
_SEP = r"[ .\-]"
_ID_SHAPE = re.compile(rf"(?=([A-Za-z](?:{_SEP}?[1289](?:{_SEP}?\d){{8}}|[A-Da-d]\d{{8}})))")


def _id_checksum_ok(s: str) -> bool:
    code = _LETTERS[s[0]]
    second = _LETTERS[s[1]] % 10 if s[1].isalpha() else int(s[1])  # old-style resident certificate: A–D
    total = code // 10 + (code % 10) * 9 + second * 8
    total += sum(int(d) * w for d, w in zip(s[2:9], range(7, 0, -1), strict=True))
    return (total + int(s[9])) % 10 == 0


def taiwan_id_valid(value: object, *, resident: bool = True) -> bool:
    """True for a well-formed Taiwan national ID with a valid checksum (``A123456789``).

    With ``resident=True`` (the default) resident certificate numbers (居留證統一證號, new style
    ``A800000014``, old style ``AC01234567``) are accepted too.
    """
    s = str(value).strip().upper()
    pattern = r"[A-Z][1289A-D]\d{8}" if resident else r"[A-Z][12]\d{8}"
    return bool(re.fullmatch(pattern, s)) and _id_checksum_ok(s)


def _id_kind(s: str) -> str:
    return "national_id" if s[1] in "12" else "resident_id"


# -- payment cards -------------------------------------------------------------------------------------
# a run of digits, single separators allowed between them; card numbers are found among its groups
_DIGIT_RUN = re.compile(r"(?<!\d)\d(?:[ .\-]?\d)*(?!\d)")


def luhn_valid(digits: str) -> bool:
    """True when the digits of ``digits`` (13–19 of them; separators ignored) pass the Luhn check."""
    d = [int(c) for c in re.sub(r"\D", "", str(digits))]
    if not 13 <= len(d) <= 19:
        return False
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x = x * 2 - 9 if x > 4 else x * 2
        total += x
    return total % 10 == 0


def _card_ok(s: str) -> bool:
    digits = re.sub(r"\D", "", s)
    return digits[0] in "23456" and luhn_valid(digits)


# -- phones and e-mail -----------------------------------------------------------------------------------
_MOBILE = re.compile(
    r"(?<![\d+])((?:\+886[ .-]?(?:\(0\)[ .-]?)?|886[ .-]|\(?0)9\d{2}\)?[ .-]?\d{3}[ .-]?\d{3})(?!\d)"
)
_LANDLINE = re.compile(
    r"(?<![\d+])("
    r"\+886[ .-]?(?:\(0\))?\(?[2-8]\d{0,2}\)?[ .-]?\d{3,4}[ .-]?\d{4}"  # +886-2-2345-6789
    r"|\(0[2-8]\d{0,2}\)[ .-]?\d{3,4}[ .-]?\d{3,4}"  # (02)2345-6789, (037)123456
    r"|0[2-8]\d{0,2}[.-]\d{3,4}[.-]?\d{3,4}"  # 02-2345-6789, 04-23456789, 02.2345.6789
    r"|02\d{8}|0[3-8]\d{7,8}"  # 0223456789 (unformatted)
    r")(?!\d)"
)
_TOLL_FREE = re.compile(r"(?:886|0)80[09]")  # 0800-xxx-xxx, 0809-xxx-xxx: toll-free service numbers
_ACCOUNT = re.compile(
    r"(?:帳號|帳戶|戶號|存款帳|account(?:\s+(?:number|no\.?|#))?|acct\.?|a/c)\s*(?:是|為|:|#|是：|：)?\s*"
    r"(\d[\d .-]{8,22}\d)(?!\d)",
    re.I,
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)


def _cards(t: str) -> list[tuple[int, int]]:
    """Spans of card numbers: within each run of digits, the longest window of whole groups holding 13–19
    digits that starts with 2–6 and passes Luhn (a card followed by a year or a reference is still found)."""
    out = []
    for m in _DIGIT_RUN.finditer(t):
        groups = [(g.start() + m.start(), g.end() + m.start()) for g in re.finditer(r"\d+", m.group(0))]
        if len(groups) == 1:  # no separators: the whole run or nothing
            a, b = groups[0]
            if 13 <= b - a <= 19 and _card_ok(t[a:b]):
                out.append((a, b))
            continue
        best: tuple[int, int] | None = None
        for i in range(len(groups)):
            n = 0
            for j in range(i, len(groups)):
                n += groups[j][1] - groups[j][0]
                if n > 19:
                    break
                a, b = groups[i][0], groups[j][1]
                if n >= 13 and _card_ok(t[a:b]) and (best is None or (b - a) > (best[1] - best[0])):
                    best = (a, b)
        if best:
            out.append(best)
    return out


_PRIORITY = {"email": 0, "account": 1, "national_id": 2, "resident_id": 2, "card": 3, "phone": 4}


def _spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every identifier in ``text``, longest first where they overlap."""
    t = _fold(text)
    found: list[tuple[int, int, str]] = []
    for m in _EMAIL.finditer(t):
        found.append((m.start(1), m.end(1), "email"))
    for m in _ACCOUNT.finditer(t):
        value = m.group(1).rstrip(" .-")
        if 10 <= len(re.sub(r"\D", "", value)) <= 16:
            found.append((m.start(1), m.start(1) + len(value), "account"))
    for m in _ID_SHAPE.finditer(t):
        raw = m.group(1)
        s = re.sub(_SEP, "", raw).upper()
        if _id_checksum_ok(s):
            found.append((m.start(1), m.start(1) + len(raw), _id_kind(s)))
    for a, b in _cards(t):
        found.append((a, b, "card"))
    for rx in (_MOBILE, _LANDLINE):
        for m in rx.finditer(t):
            if not _TOLL_FREE.match(re.sub(r"\D", "", m.group(1))):  # a business's 0800 line is not personal
                found.append((m.start(1), m.end(1), "phone"))
    found.sort(key=lambda s: (s[0], -(s[1] - s[0]), _PRIORITY[s[2]]))
    kept: list[tuple[int, int, str]] = []
    for span in found:
        if kept and span[0] < kept[-1][1]:  # overlaps the previous (longer or earlier) identifier
            continue
        kept.append(span)
    return kept


def find_identifiers(text: object) -> list[tuple[str, str]]:
    """``(kind, value)`` for every identifier in ``text``, in order of appearance.

    Kinds: ``national_id``, ``resident_id``, ``card``, ``phone``, ``email``, ``account``.
    """
    t = str(text)
    return [(kind, t[a:b]) for a, b, kind in _spans(t)]


def identifier_kind(value: object) -> str | None:
    """The kind of identifier ``value`` is as a whole (surrounding spaces ignored), or None."""
    s = str(value).strip()
    spans = _spans(s)
    return spans[0][2] if len(spans) == 1 and spans[0][0] == 0 and spans[0][1] == len(s) else None


# -- masking -----------------------------------------------------------------------------------------------
def mask_value(value: object) -> str:
    """``value`` with its middle replaced by stars, as the same number of characters.

    Keeps the first 3 and last 2 characters from 8 characters up (``A123456789`` → ``A12*****89``),
    2 and 1 for 6–7 characters, 1 and 1 for 3–5 (``王小明`` → ``王*明``), the first of 2, none of 1.
    ``None`` and NaN become an empty string.
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    s = str(value)
    n = len(s)
    if n <= 1:
        return "*" * n
    if n == 2:
        return s[0] + "*"
    head, tail = (1, 1) if n <= 5 else (2, 1) if n <= 7 else (3, 2)
    return s[:head] + "*" * (n - head - tail) + s[n - tail :]


def mask_text(text: object) -> str:
    """``text`` with every identifier found by :func:`find_identifiers` replaced by its :func:`mask_value`."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    t = str(text)
    spans = _spans(t)
    if not spans:
        return t
    out: list[str] = []
    pos = 0
    for a, b, _kind in spans:
        out.append(t[pos:a])
        out.append(mask_value(t[a:b]))
        pos = b
    out.append(t[pos:])
    return "".join(out)


# -- columns ------------------------------------------------------------------------------------------------
#: Common Taiwanese surnames (single and compound), for recognising Chinese names in a column.
_SURNAMES_1 = set(
    "陳林黃黄張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾鐘游彭詹胡施沈余盧梁趙顏柯翁魏"
    "孫戴范方宋鄧杜傅侯曹薛丁卓阮馬董溫温唐藍石蔣古紀姚連馮歐程湯田康姜白汪鄒尤巫黎涂凃龔嚴韓袁金童陸夏柳"
    "邵錢伍倪于譚駱熊任甘秦顧毛章史官萬俞雷粘饒翟車包孔易柴岳賀尹崔龍殷文左段常喬關費"
)
_SURNAMES_2 = {"歐陽", "司馬", "諸葛", "張簡", "范姜", "上官", "東方", "皇甫", "司徒", "夏侯", "令狐", "慕容"}
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_EN_NAME = re.compile(
    r"^(?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)(?:,? (?:[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?|[A-Z]\.)){1,3}$"
    r"|^[A-Z]{2,}, [A-Z][a-z]+(?:-[A-Za-z][a-z]+)?$"
)
_ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,3}[市縣].{0,8}?[區鄉鎮市].{0,16}?(?:路|街|大道|巷|弄).{0,16}?號")
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("national_id", r"(身[分份]證|national_?id|id_?(no|number|card)|^nid$|ssn|居留證|arc_?no)"),
    ("card", r"(card_?(no|number|num)|^pan$|卡號|信用卡號)"),
    ("phone", r"(phone|mobile|^tel$|telephone|手機|電話|行動)"),
    ("email", r"(e-?mail|電子郵件|信箱)"),
    (
        "name",
        r"^(name|full_?name|(customer|cust|client|applicant|holder)_?name|姓名|戶名|客戶姓名|客戶名稱|持卡人)$",
    ),
    ("address", r"(address|^addr|地址|住址|通訊處|戶籍地址)"),
)


def _is_chinese_name(s: str) -> bool:
    return bool(_CJK_NAME.match(s)) and (s[0] in _SURNAMES_1 or s[:2] in _SURNAMES_2)


def _content_kind(value: str) -> str | None:
    kind = identifier_kind(value)
    if kind:
        return kind
    if _is_chinese_name(value) or _EN_NAME.match(value):
        return "name"
    if _ADDRESS.search(value):
        return "address"
    spans = _spans(value)
    return spans[0][2] if spans else None


def looks_like_personal_data(series: Any, *, sample: int = 500, min_share: float = 0.5) -> str | None:
    """The kind of personal data ``series`` holds (one of :data:`PERSONAL_KINDS`), or None.

    Judged on up to ``sample`` non-null values: the most common kind wins when at least ``min_share`` of
    them are of it. Names count only in a column of mostly distinct values (so a column of city or
    product names is not taken for people's names). Integer columns are checked as digit strings (a
    mobile number stored as ``912345678`` has lost its leading zero). When the content says nothing,
    a telling column name (``身分證字號``, ``phone``, ``姓名``, ``email``…) decides.
    """
    import pandas as pd

    s = pd.Series(series)
    name = str(s.name) if s.name is not None else ""
    values = s.dropna()
    if len(values) > sample:
        values = values.sample(sample, random_state=0)
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_float_dtype(values):
        strings: list[str] = []
    elif pd.api.types.is_integer_dtype(values):
        strings = [("0" + v if len(v) == 9 and v.startswith("9") else v) for v in values.astype(str)]
    else:
        strings = [str(v).strip() for v in values if str(v).strip()]
    if strings:
        counts = Counter(k for k in map(_content_kind, strings) if k)
        if counts:
            kind, n = counts.most_common(1)[0]
            distinct = len(set(strings)) / len(strings)
            if n >= min_share * len(strings) and (kind != "name" or distinct >= 0.5):
                return kind
    for kind, pattern in _NAME_HINTS:
        if re.search(pattern, name, flags=re.I):
            return kind
    return None
