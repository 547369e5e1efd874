"""Recognising Art. 6 attributes in a data frame's columns, by name (English, Traditional Chinese, common
abbreviations) and by content (sex codes, marital-status words, nationality codes, dates of birth).

Contract: pure functions over a column's name or a pandas Series; used by the scaffold
(:mod:`._scaffold`) and offered as :func:`govreport.contracts.detect_protected_attribute`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pandas as pd

__all__ = [
    "PROTECTED_NAME_PATTERNS",
    "detect_protected_attribute",
    "protected_by_name",
    "protected_by_content",
]

#: Art. 6 attributes recognised by column name (English, Traditional Chinese, common abbreviations),
#: in the order they are tried.
PROTECTED_NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    ("birthplace", r"birth_?place|place_?of_?birth|出生地|籍貫"),
    ("birth_date", r"birth|(^|_)dob($|_)|生日|出生"),
    ("sex", r"(^|_)(sex|gender)($|_)|性別"),
    ("age", r"(^|_)(age|ages|age_?band|age_?group)($|_)|年齡|年紀|年齡層"),
    ("nationality", r"nationality|citizenship|(^|_)(nation|country_?of_?citizenship)($|_)|國籍"),
    ("ethnicity", r"ethnic|(^|_)race($|_)|族群|種族|原住民|indigenous"),
    ("marital_status", r"marriage|marital|婚姻"),
    ("disability", r"disab|handicap|身心障礙|殘障"),
    ("health", r"health|illness|disease|diagnos|medical|疾病|病史|健康"),
    ("physical", r"(^|_)(height|weight|bmi|skin_?colou?r|hair_?colou?r)($|_)|身高|體重|膚色|髮色"),
    ("residence", r"residen|domicile|居住|戶籍|居所"),
    ("religion", r"religio|宗教|信仰"),
)
_SEX_VALUES = {"M", "F", "MALE", "FEMALE", "男", "女", "男性", "女性"}
_MARITAL_VALUES = {
    "已婚",
    "未婚",
    "離婚",
    "喪偶",
    "分居",
    "MARRIED",
    "SINGLE",
    "DIVORCED",
    "WIDOWED",
    "SEPARATED",
}
_COUNTRIES = {
    "TW",
    "TWN",
    "CN",
    "CHN",
    "JP",
    "JPN",
    "US",
    "USA",
    "VN",
    "VNM",
    "ID",
    "IDN",
    "PH",
    "PHL",
    "TH",
    "THA",
    "MY",
    "MYS",
    "KR",
    "KOR",
    "HK",
    "HKG",
    "MO",
    "MAC",
    "SG",
    "SGP",
    "GB",
    "GBR",
    "本國",
    "外國",
    "本國籍",
    "外國籍",
    "中華民國",
    "臺灣",
    "台灣",
}


def _name_tokens(col: str) -> str:
    """snake_case of a column name (``CustomerAge`` → ``customer_age``) for the name patterns."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(col))
    return re.sub(r"[\s\-.]+", "_", s).lower()


def protected_by_name(col: str) -> str | None:
    name = _name_tokens(col)
    for cat, pat in PROTECTED_NAME_PATTERNS:
        if re.search(pat, name, flags=re.I):
            return cat
    return None


def _looks_like_birth_dates(s: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    values = s.dropna().head(500)
    if values.empty:
        return False
    ts = (
        values
        if pd.api.types.is_datetime64_any_dtype(values)
        else pd.to_datetime(values.astype(str), errors="coerce", format="mixed")
    )
    if ts.notna().mean() < 0.9:
        return False
    years = ts.dropna().dt.year
    now = datetime.now(UTC).year
    return bool(years.min() >= 1900 and 18 <= now - years.median() <= 90 and years.max() <= now - 15)


def protected_by_content(s: pd.Series) -> str | None:
    if pd.api.types.is_float_dtype(s):
        return None
    values = s.dropna()
    if values.empty:
        return None
    distinct = {str(v).strip().upper() for v in values.unique()[:50]}
    if 2 <= len(distinct) <= 8 and distinct <= _SEX_VALUES:
        return "sex"
    if (
        len(distinct) >= 2
        and distinct <= (_MARITAL_VALUES | {"其他", "OTHER", "UNKNOWN"})
        and len(distinct & _MARITAL_VALUES) >= 2
    ):
        return "marital_status"
    if (
        len(distinct) >= 2
        and len(distinct & _COUNTRIES) / len(distinct) >= 0.8
        and distinct & {"TW", "TWN", "本國", "本國籍", "中華民國", "臺灣", "台灣"}
    ):
        return "nationality"
    if _looks_like_birth_dates(s):
        return "birth_date"
    return None


def detect_protected_attribute(series: pd.Series) -> str | None:
    """The Art. 6 attribute category ``series`` seems to hold (by its name, then its content), or None.

    Categories are those of :data:`~govreport.contracts.PROTECTED_CATEGORIES` (sex, age, birth_date,
    nationality, ethnicity, birthplace, residence, marital_status, disability, health, physical,
    religion). By content: sex codes (M/F, 男/女), marital-status words (已婚/未婚…, married/single…),
    nationality codes including Taiwan (TW/TWN/本國籍), and dates of birth.
    """
    return protected_by_name(str(series.name)) or protected_by_content(series)
