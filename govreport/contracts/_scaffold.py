"""``contracts scaffold``: a starting suite and contract from a sample of the data.

The suite (Great Expectations' own JSON) gets, per column: a not-null expectation (with a ``mostly``
tolerance when the sample has nulls), a type, and either a category set (≤ 20 values), a range (numbers,
widened a little beyond the sample), a length range (other text), or a format (personal data: its values
are never written into the suite); and a uniqueness expectation on the key. Columns that look like
personal data (Art. 8) or Art. 6 attributes are listed in the contract with ``confirmed: false`` for the
engineer to confirm or delete.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..masking import looks_like_personal_data

__all__ = ["Scaffold", "scaffold", "write_scaffold", "detect_protected_attribute", "PROTECTED_NAME_PATTERNS"]

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
_MARITAL_VALUES = {"已婚", "未婚", "離婚", "喪偶", "分居", "MARRIED", "SINGLE", "DIVORCED", "WIDOWED", "SEPARATED"}
_COUNTRIES = {"TW", "TWN", "CN", "CHN", "JP", "JPN", "US", "USA", "VN", "VNM", "ID", "IDN", "PH", "PHL", "TH", "THA",
              "MY", "MYS", "KR", "KOR", "HK", "HKG", "MO", "MAC", "SG", "SGP", "GB", "GBR", "本國", "外國", "本國籍",
              "外國籍", "中華民國", "臺灣", "台灣"}
_KEY_NAME = re.compile(r"((^|_)(id|key|no|num|number|code)$|^id_|編號|代號|序號|流水號|帳號)", re.I)
_TIME_NAME = re.compile(r"(date|time|(^|_)ts$|_at$|timestamp|日期|時間|年月)", re.I)
_NUMERIC_TYPES = ["int8", "int16", "int32", "int64", "float16", "float32", "float64"]
_FORMATS = {
    "national_id": r"^[A-Za-z][12]\d{8}$",
    "resident_id": r"^[A-Za-z][89A-Da-d]\d{8}$",
    "email": r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$",
    "phone": r"^[0-9+()\- ]{8,20}$",
    "card": r"^[0-9 \-]{13,23}$",
}
_MAX_CATEGORIES = 20


def _name_tokens(col: str) -> str:
    """snake_case of a column name (``CustomerAge`` → ``customer_age``) for the name patterns."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(col))
    return re.sub(r"[\s\-.]+", "_", s).lower()


def _protected_by_name(col: str) -> str | None:
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
    ts = values if pd.api.types.is_datetime64_any_dtype(values) else pd.to_datetime(
        values.astype(str), errors="coerce", format="mixed")
    if ts.notna().mean() < 0.9:
        return False
    years = ts.dropna().dt.year
    now = datetime.now(UTC).year
    return bool(years.min() >= 1900 and 18 <= now - years.median() <= 90 and years.max() <= now - 15)


def _protected_by_content(s: pd.Series) -> str | None:
    if pd.api.types.is_float_dtype(s):
        return None
    values = s.dropna()
    if values.empty:
        return None
    distinct = {str(v).strip().upper() for v in values.unique()[:50]}
    if 2 <= len(distinct) <= 8 and distinct <= _SEX_VALUES:
        return "sex"
    if len(distinct) >= 2 and distinct <= (_MARITAL_VALUES | {"其他", "OTHER", "UNKNOWN"}) \
            and len(distinct & _MARITAL_VALUES) >= 2:
        return "marital_status"
    if len(distinct) >= 2 and len(distinct & _COUNTRIES) / len(distinct) >= 0.8 \
            and distinct & {"TW", "TWN", "本國", "本國籍", "中華民國", "臺灣", "台灣"}:
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
    return _protected_by_name(str(series.name)) or _protected_by_content(series)


# -- the suite ------------------------------------------------------------------------------------------
def _floor(x: float, digits: int = 3) -> float:
    f = 10 ** digits
    return math.floor(x * f) / f


def _nice(x: float, up: bool) -> float | int:
    """Round outward to 2 significant digits (a bound a reviewer can read)."""
    if x == 0 or not math.isfinite(x):
        return 0
    mag = 10 ** (math.floor(math.log10(abs(x))) - 1)
    v = (math.ceil(x / mag) if up else math.floor(x / mag)) * mag
    v = round(v, 10)
    return int(v) if float(v).is_integer() else v


def _py(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def _is_text(s: pd.Series) -> bool:
    return (pd.api.types.is_string_dtype(s) or s.dtype == object) and all(isinstance(v, str) for v in s.dropna().head(200))


def _looks_like_timestamps(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s):
        return True
    if not _is_text(s) or not _TIME_NAME.search(str(s.name)):
        return False
    values = s.dropna().head(200).astype(str)
    return bool(len(values)) and pd.to_datetime(values, errors="coerce", format="mixed").notna().mean() >= 0.95


@dataclass
class Scaffold:
    """A scaffolded contract: the suite (GX JSON), the contract's YAML text, and what was guessed."""

    name: str
    suite: dict[str, Any]
    contract_text: str
    personal: list[tuple[str, str]] = field(default_factory=list)
    protected: list[tuple[str, str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    freshness_column: str | None = None
    notes: list[str] = field(default_factory=list)


def scaffold(sample: pd.DataFrame, name: str, *, data_path: str, encoding: str | None = None,
             delimiter: str | None = None, rows_read: int | None = None) -> Scaffold:
    """A starting suite and contract for ``sample`` (a sample of the dataset at ``data_path``)."""
    from ._validate import gx_context

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise InputError(f"'{name}' is not a valid contract name", field="--name",
                         fix="use letters, digits, '-' and '_'")
    gx_context()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    add = suite.add_expectation
    notes: list[str] = []
    personal: list[tuple[str, str]] = []
    protected: list[tuple[str, str, str]] = []
    key_candidates: list[str] = []
    times: list[tuple[str, Any]] = []
    n = len(sample)
    add(gxe.ExpectTableColumnsToMatchSet(column_set=[str(c) for c in sample.columns], exact_match=False))
    for col in sample.columns:
        col = str(col)
        s = sample[col]
        nonnull = s.dropna()
        null_rate = 1 - len(nonnull) / n if n else 0.0
        kind = looks_like_personal_data(s)
        by_name = _protected_by_name(col)
        cat = by_name or (None if kind else _protected_by_content(s))
        if kind:
            personal.append((col, kind))
        if cat:
            protected.append((col, cat, "name" if by_name else "content"))
        # completeness
        if len(nonnull) == 0:
            notes.append(f"{col}: every sampled value is empty — no expectation written")
            continue
        if null_rate == 0:
            add(gxe.ExpectColumnValuesToNotBeNull(column=col))
        else:
            add(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=_floor(max(0.0, 1 - max(2 * null_rate,
                                                                                         null_rate + 0.01)))))
        nunique = int(nonnull.nunique())
        unique = nunique == len(nonnull) and null_rate == 0 and n >= 2
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        if unique and not pd.api.types.is_float_dtype(s) and not pd.api.types.is_datetime64_any_dtype(s) \
                and n >= 10:
            key_candidates.append(col)
        if _looks_like_timestamps(s) and cat != "birth_date":
            newest = pd.to_datetime(nonnull.astype(str) if not pd.api.types.is_datetime64_any_dtype(s) else nonnull,
                                    errors="coerce", format="mixed").max()
            times.append((col, newest))
        # personal data: a format, never values
        if kind:
            if kind in _FORMATS and _is_text(s):
                add(gxe.ExpectColumnValuesToMatchRegex(column=col, regex=_FORMATS[kind], mostly=0.99))
            continue
        # type
        if pd.api.types.is_bool_dtype(s):
            add(gxe.ExpectColumnValuesToBeInTypeList(column=col, type_list=["bool", "boolean"]))
        elif numeric:
            add(gxe.ExpectColumnValuesToBeInTypeList(column=col, type_list=_NUMERIC_TYPES))
        elif _is_text(s):
            add(gxe.ExpectColumnValuesToBeOfType(column=col, type_="str"))
        # content (an identifier — unique, and integer or named like one — gets none: new ones keep coming)
        categorical = nunique <= _MAX_CATEGORIES and nunique <= max(2, len(nonnull) // 2)
        if pd.api.types.is_datetime64_any_dtype(s) or cat == "birth_date" \
                or (unique and n >= 10 and (pd.api.types.is_integer_dtype(s) or _KEY_NAME.search(col))):
            continue
        if categorical and not (numeric and pd.api.types.is_float_dtype(s) and nunique > 5):
            values = sorted((_py(v) for v in nonnull.unique()), key=lambda v: (str(type(v)), v))
            add(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=values))
        elif numeric:
            lo, hi = float(nonnull.min()), float(nonnull.max())
            span = hi - lo
            low = 0 if lo >= 0 and (lo - 0.1 * span) < 0 else _nice(lo - 0.1 * span, up=False)
            high = _nice(hi + 0.25 * span, up=True) if span else _nice(hi, up=True)
            if lo >= 0:
                low = max(0, low)
            kw: dict[str, Any] = {"column": col, "min_value": low, "max_value": high}
            if nunique >= 50:
                kw["mostly"] = 0.999
            add(gxe.ExpectColumnValuesToBeBetween(**kw))
        elif _is_text(s) and not unique:
            lengths = nonnull.astype(str).str.len()
            add(gxe.ExpectColumnValueLengthsToBeBetween(column=col, min_value=max(1, int(lengths.min())),
                                                        max_value=int(math.ceil(lengths.max() * 1.5))))
    keys = sorted(key_candidates, key=lambda c: (not _KEY_NAME.search(c), sample.columns.get_loc(c)))[:1]
    for k in keys:
        add(gxe.ExpectColumnValuesToBeUnique(column=k))
    fresh = max(times, key=lambda t: (pd.notna(t[1]), t[1] if pd.notna(t[1]) else 0))[0] if times else None
    for col, kind in personal:
        notes.append(f"{col}: looks like personal data ({kind}) — confirm it under personal_data and give its purpose")
    for col, cat, how in protected:
        notes.append(f"{col}: looks like an Art. 6 attribute ({cat}, by {how}) — confirm it under protected_attributes")
    if keys:
        notes.append(f"{keys[0]}: unique in the sample — taken as the key (keys:); check it")
    data = suite.to_json_dict()
    text = _contract_text(name, data_path, encoding, delimiter, personal, protected, keys, fresh,
                          rows=n, rows_read=rows_read)
    return Scaffold(name, data, text, personal, protected, keys, fresh, notes)


def _q(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)


def _contract_text(name: str, data_path: str, encoding: str | None, delimiter: str | None,
                   personal: list[tuple[str, str]], protected: list[tuple[str, str, str]], keys: list[str],
                   fresh: str | None, *, rows: int, rows_read: int | None) -> str:
    day = datetime.now(UTC).date().isoformat()
    sampled = f"{rows:,} rows" + (f" of {rows_read:,}" if rows_read and rows_read != rows else "")
    lines = [
        f"# Data contract scaffolded by `govreport contracts scaffold` from {data_path} ({sampled}) on {day}.",
        "# Review every line. Entries with `confirmed: false` were guessed from column names and content:",
        "# set confirmed: true, or delete them. Give each personal-data column its purpose (Art. 8).",
        "# Format: docs/contracts.md. Its suite is the Great Expectations JSON beside this file.",
        f"name: {name}",
        'description: ""',
        'owner: ""',
        "dataset:",
        f"  path: {_q(data_path)}",
    ]
    if encoding:
        lines.append(f"  encoding: {_q(encoding)}")
    if delimiter:
        lines.append(f"  delimiter: {_q(delimiter)}")
    lines.append(f"suite: {name}.suite.json")
    if personal:
        lines.append("personal_data:                # Art. 8: masked in every output; map each to its purpose")
        lines += [f"  - {{column: {_q(c)}, kind: {k}, purpose: \"\", confirmed: false}}" for c, k in personal]
    else:
        lines.append("personal_data: []             # Art. 8: none found — add any column holding personal data")
    if protected:
        lines.append("protected_attributes:         # Art. 6: assessed for fairness; say if the model uses it")
        lines += [f"  - {{column: {_q(c)}, attribute: {a}, used_as_feature: null, confirmed: false}}  # by {how}"
                  for c, a, how in protected]
    else:
        lines.append("protected_attributes: []      # Art. 6: none found")
    lines.append(f"keys: [{', '.join(_q(k) for k in keys)}]")
    lines.append("freshness:                    # age of the newest record (column) or of the file")
    if fresh:
        lines.append(f"  column: {_q(fresh)}")
    lines.append("  max_age_days: 40")
    lines += [
        "# representativeness:          # compare with the training data (PSI per column)",
        "#   reference: {path: \"data/training.csv\"}",
        "#   columns: []                # default: the protected attributes",
        "# thresholds:                  # override a dimension's lines, e.g.",
        "#   completeness: {green: 0.99, red: 0.95}",
    ]
    return "\n".join(lines) + "\n"


def write_scaffold(folder: Path | str, sc: Scaffold, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``<name>.suite.json`` and ``<name>.contract.yaml`` into ``folder``; returns their paths."""
    from ._model import load_contract

    folder = Path(folder)
    sp, cp = folder / f"{sc.name}.suite.json", folder / f"{sc.name}.contract.yaml"
    for p in (cp, sp):
        if p.exists() and not force:
            raise InputError(f"{p.name} already exists", file=p, fix="choose another --name, or pass --force")
    folder.mkdir(parents=True, exist_ok=True)
    sp.write_text(json.dumps(sc.suite, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    cp.write_text(sc.contract_text, encoding="utf-8")
    load_contract(cp)  # what was written must read back
    return sp, cp
