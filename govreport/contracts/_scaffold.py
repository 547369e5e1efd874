"""``contracts scaffold``: a starting suite and contract that pass the very data they were made from.

The contract: for any data frame, validating it with its own scaffolded suite passes every expectation
and shows completeness and validity green (uniqueness green on the key, or not assessed without one).
So the facts come from **every row read**: per column a not-null expectation (``mostly`` from the empty
share with a stated margin, :func:`tolerance`), the type of every value, and a category set (≤ 20
values, all of them), a range (numbers, rounded outward) or a length range (other text); uniqueness on
the key. Only the **format guesses** look at a seeded sample: personal data (Art. 8) and Art. 6
attributes, and the format a column's *name* suggests (phone, e-mail, national ID, card, dates), which is
written only when at least :data:`PATTERN_MIN_SHARE` of the sampled values match it — its ``mostly`` then
set from every row, and the evidence noted in the expectation's ``meta`` and in the contract. Personal
values are never written into a suite. Every decision is a :class:`Guess`, from a column's ``name`` or
its ``values``, listed in the contract's comments and by the command. Columns that look like personal data
or Art. 6 attributes are listed in the contract with ``confirmed: false`` for the engineer to confirm or
delete (the masking guess by name is unchanged by what the values are).

Recognising Art. 6 attributes is :mod:`._detect`; the contract's text and writing both files,
:mod:`._scaffold_out`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from ..data.masking import find_identifiers, looks_like_personal_data
from ..errors import InputError
from ._detect import (
    PROTECTED_NAME_PATTERNS,
    detect_protected_attribute,
    protected_by_content,
    protected_by_name,
)
from ._result import gx_context
from ._scaffold_out import Guess, Scaffold, contract_text, write_scaffold

__all__ = [
    "Guess",
    "Scaffold",
    "scaffold",
    "personal_columns",
    "tolerance",
    "PATTERN_MIN_SHARE",
    "write_scaffold",
    "detect_protected_attribute",
    "PROTECTED_NAME_PATTERNS",
]

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


# -- the suite ------------------------------------------------------------------------------------------
def _floor(x: float, digits: int = 3) -> float:
    f = 10**digits
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
    """Every non-null value is a ``str`` (checked on every row: the type expectation must hold on all)."""
    if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
        return False
    values = s.dropna()
    return bool(pd.api.types.is_string_dtype(values.dtype) and values.dtype != object) or all(
        isinstance(v, str) for v in values
    )


def _looks_like_timestamps(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s):
        return True
    if not _is_text(s) or not _TIME_NAME.search(str(s.name)):
        return False
    values = s.dropna().head(200).astype(str)
    return (
        bool(len(values)) and pd.to_datetime(values, errors="coerce", format="mixed").notna().mean() >= 0.95
    )


#: Formats a column *name* suggests for dates written as text (tried when the name says date/time).
_DATE_FORMATS = {
    "ISO date": r"^\d{4}-\d{2}-\d{2}",
    "year/month/day date": r"^\d{4}/\d{1,2}/\d{1,2}",
    "yyyymmdd date": r"^\d{8}$",
    "ROC (民國) date": r"^\d{2,3}[/.\-]\d{1,2}[/.\-]\d{1,2}",
}
_FORMAT_LABELS = {
    "national_id": "a Taiwan national ID",
    "resident_id": "a resident certificate number",
    "email": "an e-mail address",
    "phone": "a phone number",
    "card": "a payment-card number",
}
#: A format guessed from a column's name is written only when at least this share of values match it.
PATTERN_MIN_SHARE = 0.95
#: ``mostly`` written by the scaffold: the observed share of misses (gaps, values off the format) doubled,
#: and at least one percentage point more — so the source passes with room for the next period's data.
MARGIN_FACTOR, MARGIN_MIN = 2.0, 0.01


def tolerance(miss_share: float) -> float:
    """The ``mostly`` written for a column whose data misses on ``miss_share`` of its rows:
    ``1 − max(2 × miss_share, miss_share + 0.01)``, rounded down to 3 digits (never above what the data
    meets)."""
    return _floor(round(max(0.0, 1.0 - max(MARGIN_FACTOR * miss_share, miss_share + MARGIN_MIN)), 9))


def _match_share(values: pd.Series, regex: str) -> float:
    """The share of ``values`` (non-null) matching ``regex`` as Great Expectations' pandas engine tests
    it (``astype(str).str.contains``)."""
    if values.empty:
        return 0.0
    return float(values.astype(str).str.contains(regex, regex=True).mean())


def _json_value(v: Any) -> bool:
    """A value that survives the suite's JSON unchanged (a category in a value set)."""
    return isinstance(v, str | bool | int) or (isinstance(v, float) and math.isfinite(v))


def _range(nonnull: pd.Series) -> tuple[Any, Any] | None:
    """Readable bounds a little outside the values' range (all rows), or None when there is no finite one."""
    if not pd.api.types.is_integer_dtype(nonnull) and not bool(np.isfinite(nonnull.astype(float)).all()):
        return None
    lo_x, hi_x = _py(nonnull.min()), _py(nonnull.max())
    lo, hi = float(lo_x), float(hi_x)
    span = hi - lo
    low: Any = 0 if lo >= 0 and (lo - 0.1 * span) < 0 else _nice(lo - 0.1 * span, up=False)
    high: Any = _nice(hi + 0.25 * span, up=True) if span else _nice(hi, up=True)
    if lo >= 0:
        low = max(0, low)
    # a rounded bound must still hold every value (exactly, for large integers and tiny floats)
    if not (math.isfinite(float(low)) and low <= lo_x):
        low = lo_x
    if not (math.isfinite(float(high)) and high >= hi_x):
        high = hi_x
    return low, high


_PLAIN_TYPES = {"int", "float", "str", "bool"}


def _dtype_name(dtype: Any) -> str | None:
    """The name Great Expectations' pandas engine matches ``dtype`` by: a NumPy dtype's own name
    (``datetime64[us]``), a pandas extension dtype's class name when it can stand for all of its kind
    (``Int64Dtype``, ``BooleanDtype``), else None."""
    if isinstance(dtype, np.dtype):
        return str(dtype)
    try:
        type(dtype)()
    except TypeError:
        return None
    return type(dtype).__name__


def _type_list(s: pd.Series, nonnull: pd.Series) -> list[str] | None:
    """The ``type_list`` every value of a non-text column meets, or None when it cannot be stated."""
    own = _dtype_name(s.dtype)
    if pd.api.types.is_bool_dtype(s):
        base = ["bool", "boolean"]
    elif pd.api.types.is_numeric_dtype(s):
        base = list(_NUMERIC_TYPES)
    elif s.dtype == object:  # mixed Python values: the plain types they are, checked value by value
        names = sorted({type(v).__name__ for v in nonnull})
        return names if set(names) <= _PLAIN_TYPES else None
    else:
        base = []
    if own is None:
        return base or None
    return base + ([own] if own not in base else [])


def personal_columns(data: pd.DataFrame) -> dict[str, str]:
    """The columns that look like personal data (Art. 8, by content or name) and their kinds."""
    out = {}
    for col in data.columns:
        kind = looks_like_personal_data(data[col])
        if kind:
            out[str(col)] = kind
    return out


def personal_not_text(data: pd.DataFrame) -> list[str]:
    """The personal-data columns not read as text: ``validate`` reads declared personal columns as text
    (leading zeros kept), so the scaffold must see them so too."""
    return [c for c in personal_columns(data) if not _is_text(data[c])]


#: at most this many integer codes get placeholder labels (`columns:`) in a scaffolded contract: an Art. 6
#: attribute's (its groups are named in every fairness chart), and fewer for any other column
LABEL_MAX_CODES = 12
LABEL_MAX_CODES_OTHER = 8


def integer_codes(value_set: list[Any], limit: int = LABEL_MAX_CODES) -> list[int] | None:
    """The codes of a column holding a few integer codes (1, 2 or 0–6; floats like 1.0 count), else None."""
    if not 1 < len(value_set) <= limit:
        return None
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() for v in value_set
    ):
        return None
    return sorted({int(v) for v in value_set})


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %" if 0 < x < 0.9995 or x == 0 else f"{100 * x:.0f} %"


def scaffold(
    data: pd.DataFrame,
    name: str,
    *,
    data_path: str,
    encoding: str | None = None,
    delimiter: str | None = None,
    rows_read: int | None = None,
    sample: int = 100_000,
    truncated: bool = False,
) -> Scaffold:
    """A starting suite and contract that ``data`` — every row read from ``data_path`` — passes.

    Facts are whole-file: category sets, ranges, lengths, null shares and key uniqueness come from every
    row of ``data``. Only the format guesses (is it personal data, an Art. 6 attribute, does it match the
    format its name suggests) look at a seeded sample of up to ``sample`` rows; a format expectation's
    ``mostly`` is then set from every row. ``truncated`` says the file has more rows than were read.
    ``rows_read`` is accepted for callers that sampled themselves (the rows the file had).
    """
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise InputError(
            f"'{name}' is not a valid contract name", field="--name", fix="use letters, digits, '-' and '_'"
        )
    gx_context()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    add = suite.add_expectation
    notes: list[str] = []
    guesses: list[Guess] = []
    personal: list[tuple[str, str]] = []
    protected: list[tuple[str, str, str]] = []
    key_candidates: list[str] = []
    times: list[tuple[str, Any]] = []
    coded: dict[str, tuple[list[int], str | None]] = {}
    n = len(data)
    sampled = data.sample(sample, random_state=0).sort_index() if n > sample else data
    add(gxe.ExpectTableColumnsToMatchSet(column_set=[str(c) for c in data.columns], exact_match=False))
    for col in data.columns:
        col = str(col)
        s = data[col]
        samp = sampled[col]
        nonnull = s.dropna()
        null_rate = 1 - len(nonnull) / n if n else 0.0
        kind = looks_like_personal_data(samp)
        kind_by_values = looks_like_personal_data(samp.rename(None)) if kind else None
        by_name = protected_by_name(col)
        cat = by_name or (None if kind else protected_by_content(samp))
        if kind:
            personal.append((col, kind))
            guesses.append(
                Guess(col, "values" if kind_by_values else "name", f"personal data ({kind}), masked")
            )
        if cat:
            protected.append((col, cat, "name" if by_name else "content"))
            guesses.append(Guess(col, "name" if by_name else "values", f"Art. 6 attribute ({cat})"))
        # completeness: the null share of every row, with the stated margin
        if len(nonnull) == 0:
            notes.append(f"{col}: every value is empty — no expectation written")
            continue
        if null_rate == 0:
            add(gxe.ExpectColumnValuesToNotBeNull(column=col))
        else:
            mostly = tolerance(null_rate)
            add(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=mostly))
            guesses.append(
                Guess(
                    col,
                    "values",
                    f"not-null with mostly {mostly:g}",
                    f"{_pct(null_rate)} of {n:,} rows empty",
                )
            )
        nunique = int(nonnull.nunique())
        unique = nunique == len(nonnull) and null_rate == 0 and n >= 2
        numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
        text = _is_text(s)
        if (
            unique
            and not pd.api.types.is_float_dtype(s)
            and not pd.api.types.is_datetime64_any_dtype(s)
            and not pd.api.types.is_bool_dtype(s)
            and n >= 10
            and (text or numeric)
        ):
            key_candidates.append(col)
        if _looks_like_timestamps(s) and cat != "birth_date":
            newest = pd.to_datetime(
                nonnull.astype(str) if not pd.api.types.is_datetime64_any_dtype(s) else nonnull,
                errors="coerce",
                format="mixed",
            ).max()
            times.append((col, newest))
        # type (of every value)
        if text:
            add(gxe.ExpectColumnValuesToBeOfType(column=col, type_="str"))
        elif (types := _type_list(s, nonnull)) is not None:
            add(gxe.ExpectColumnValuesToBeInTypeList(column=col, type_list=types))
        # a format its name (or, for personal data, its content) suggests — written only when values back it
        candidates: dict[str, str] = {}
        if kind in _FORMATS and text:
            candidates[_FORMAT_LABELS[kind]] = _FORMATS[kind]
        elif kind is None and text and _TIME_NAME.search(col) and not pd.api.types.is_datetime64_any_dtype(s):
            candidates = dict(_DATE_FORMATS)
        formatted = False
        if candidates:
            samp_nonnull = samp.dropna()
            label, regex = max(candidates.items(), key=lambda kv: _match_share(samp_nonnull, kv[1]))
            share = _match_share(samp_nonnull, regex)
            seen = f"{_pct(share)} of {len(samp_nonnull):,} sampled values match {label}"
            if share >= PATTERN_MIN_SHARE:
                full = _match_share(nonnull, regex)
                mostly = tolerance(1 - full)
                add(
                    gxe.ExpectColumnValuesToMatchRegex(
                        column=col,
                        regex=regex,
                        mostly=mostly,
                        meta={"scaffold": f"{seen}; {_pct(full)} of all {len(nonnull):,}; mostly {mostly:g}"},
                    )
                )
                guesses.append(Guess(col, "values", f"format of {label}, mostly {mostly:g}", seen))
                formatted = True
            else:
                guesses.append(Guess(col, "name", f"format of {label} not written", seen))
        # personal data found in the values: a format at most, never values in the suite
        if kind_by_values or (kind and formatted):
            continue
        # content (an identifier — unique, and integer or named like one — gets none: new ones keep coming)
        if (
            pd.api.types.is_datetime64_any_dtype(s)
            or cat == "birth_date"
            or formatted
            or (unique and n >= 10 and (pd.api.types.is_integer_dtype(s) or _KEY_NAME.search(col)))
        ):
            continue
        values = list(nonnull.unique())
        categorical = (
            nunique <= _MAX_CATEGORIES
            and nunique <= max(2, len(nonnull) // 2)
            and not (numeric and pd.api.types.is_float_dtype(s) and nunique > 5)
            and all(_json_value(_py(v)) for v in values)
            and not (kind and any(find_identifiers(str(v)) for v in values))
        )
        if categorical:
            value_set = sorted((_py(v) for v in values), key=lambda v: (str(type(v)), v))
            add(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=value_set))
            guesses.append(
                Guess(col, "values", f"category set of {nunique}", f"from all {len(nonnull):,} values")
            )
            limit = LABEL_MAX_CODES if cat else LABEL_MAX_CODES_OTHER
            if (ints := integer_codes(value_set, limit)) is not None and not kind:
                coded[col] = (ints, cat)  # reports need a name for each code: `columns:` placeholders
                guesses.append(Guess(col, "values", f"{len(ints)} integer codes: name them under columns:"))
        elif numeric and (bounds := _range(nonnull)) is not None:
            low, high = bounds
            kw: dict[str, Any] = {"column": col, "min_value": low, "max_value": high}
            if nunique >= 50:
                kw["mostly"] = 0.999
            add(gxe.ExpectColumnValuesToBeBetween(**kw))
            guesses.append(
                Guess(
                    col,
                    "values",
                    f"range {low:g}…{high:g}",
                    f"values {_py(nonnull.min()):g}…{_py(nonnull.max()):g}",
                )
            )
        elif text and not unique:
            lengths = nonnull.str.len()
            lo, hi = int(lengths.min()), int(lengths.max())
            add(
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column=col, min_value=lo, max_value=int(math.ceil(hi * 1.5))
                )
            )
            guesses.append(
                Guess(
                    col,
                    "values",
                    f"free text of length {lo}…{int(math.ceil(hi * 1.5))}",
                    f"lengths {lo}…{hi}",
                )
            )
    keys = sorted(key_candidates, key=lambda c: (not _KEY_NAME.search(c), data.columns.get_loc(c)))[:1]
    for k in keys:
        add(gxe.ExpectColumnValuesToBeUnique(column=k))
        guesses.append(
            Guess(
                k,
                "values",
                "the key",
                f"unique in all {n:,} rows"
                + (", and named like an identifier" if _KEY_NAME.search(k) else ""),
            )
        )
    fresh = max(times, key=lambda t: (pd.notna(t[1]), t[1] if pd.notna(t[1]) else 0))[0] if times else None
    for col, kind in personal:
        notes.append(
            f"{col}: looks like personal data ({kind}) — confirm it under personal_data and give its purpose"
        )
    for col, cat, how in protected:
        notes.append(
            f"{col}: looks like an Art. 6 attribute ({cat}, by {how}) — confirm it under protected_attributes"
        )
    if keys:
        notes.append(f"{keys[0]}: unique in every row read — taken as the key (keys:); check it")
    out = suite.to_json_dict()
    text_ = contract_text(
        name,
        data_path,
        encoding,
        delimiter,
        personal,
        protected,
        keys,
        fresh,
        rows=n,
        rows_read=rows_read,
        sampled=len(sampled),
        truncated=truncated,
        guesses=guesses,
        coded=coded,
    )
    return Scaffold(
        name, out, text_, personal, protected, keys, fresh, notes, guesses, rows=n, sampled=len(sampled)
    )
