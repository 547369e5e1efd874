"""Input checks. Every problem raises :class:`~govreport.errors.MetricInputError` with one line that names
the column or parameter and says how to fix it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MetricInputError


def require_frame(df: Any, name: str = "df") -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise MetricInputError(
            f"{name} must be a pandas DataFrame, not {type(df).__name__}",
            field=name,
            fix="load the data with pandas (e.g. pd.read_csv / pd.read_parquet) first",
        )
    if len(df) == 0:
        raise MetricInputError(f"{name} has no rows", field=name, fix="check the data extract for the period")
    return df


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, frame: str = "the data") -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, list(df.columns)[:12])) + (", …" if df.shape[1] > 12 else "")
        raise MetricInputError(
            f"{frame} has no column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
            field=str(missing[0]),
            fix=f"check the column name(s) in the system record; available: {have}",
        )


def as_name_list(value: Any, param: str) -> list[str]:
    """A list of column names from a string or a sequence of strings."""
    if isinstance(value, str):
        return [value]
    if value is None or not isinstance(value, Sequence | pd.Index) or len(value) == 0:
        raise MetricInputError(
            f"{param} must be a non-empty list of column names",
            field=param,
            fix=f"pass e.g. {param}=['SEX', 'AGE']",
        )
    out = [str(v) for v in value]
    dup = sorted({v for v in out if out.count(v) > 1})
    if dup:
        raise MetricInputError(
            f"{param} lists {', '.join(map(repr, dup))} more than once",
            field=param,
            fix="list each column once",
        )
    return out


def _preview(s: pd.Series, k: int = 5) -> str:
    vc = s.value_counts(dropna=False)
    parts = [f"{v!r} ({c:,} rows)" for v, c in vc.head(k).items()]
    if len(vc) > k:
        parts.append(f"… {len(vc) - k} more")
    return ", ".join(parts)


def _type_hint(values: Iterable[Any], declared: Any) -> str:
    for v in values:
        if str(v) == str(declared) and type(v) is not type(declared):
            return f" (the column holds {type(v).__name__} values: declare {v!r})"
    return ""


def binary_outcome(
    s: pd.Series,
    favourable: Any,
    unfavourable: Any = None,
    *,
    column: str,
    param: str,
) -> np.ndarray:
    """Boolean array, True where ``s`` equals the favourable value.

    The column must hold exactly the declared favourable value and one other value. When
    ``unfavourable`` is given, that other value must be it; when it is None, any single other value is
    taken as unfavourable. Missing values and a third value are errors.
    """
    n_missing = int(s.isna().sum())
    if n_missing:
        raise MetricInputError(
            f"{n_missing:,} of {len(s):,} values are missing",
            field=column,
            fix="drop or fill those rows first; every assessed row needs a known outcome",
        )
    if favourable is None:
        raise MetricInputError(
            f"{param} is not set",
            field=param,
            fix=f"declare the favourable value of column '{column}' (e.g. {param}=0)",
        )
    fav = (s == favourable).to_numpy(dtype=bool)
    unfav_param = param.replace("favourable", "unfavourable")
    if unfavourable is not None:
        bad = ~(fav | (s == unfavourable).to_numpy(dtype=bool))
        if bad.any():
            hint = _type_hint(s[bad].unique()[:20], favourable) or _type_hint(
                s[bad].unique()[:20], unfavourable
            )
            raise MetricInputError(
                f"unexpected values {_preview(s[bad])}; declared favourable {favourable!r} and "
                f"unfavourable {unfavourable!r}{hint}",
                field=column,
                fix="recode the column to those two values, drop the other rows, "
                f"or correct {param} / {unfav_param}",
            )
        return fav
    if not fav.all():  # the other rows, without a copy of them unless there is an error to describe
        first = s.iloc[int(np.argmin(fav))]
        if not fav.any():
            others = s[~fav]
            values = others.unique()[:20]
            raise MetricInputError(
                f"the declared favourable value {favourable!r} never occurs; values are {_preview(others)}"
                f"{_type_hint(values, favourable)}",
                field=column,
                fix=f"set {param} to the favourable value as it appears in the column",
            )
        if ((s != first).to_numpy(dtype=bool) & ~fav).any():
            raise MetricInputError(
                f"a binary outcome needs exactly two values but besides favourable {favourable!r} the "
                f"column holds {_preview(s[~fav])}",
                field=column,
                fix=f"recode it to two values, or declare {unfav_param} and drop rows with other values",
            )
    return fav


def numeric_array(s: pd.Series, *, column: str, what: str = "values") -> np.ndarray:
    """Float array of a numeric column without missing or infinite values."""
    if pd.api.types.is_bool_dtype(s.dtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        raise MetricInputError(
            f"{what} must be numeric, but the column has dtype {s.dtype}",
            field=column,
            fix="convert the column to numbers (e.g. pd.to_numeric) before assessing",
        )
    x = s.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(x)
    if bad.any():
        n_nan = int(np.isnan(x).sum())
        raise MetricInputError(
            f"{int(bad.sum()):,} of {len(x):,} {what} are missing or infinite ({n_nan:,} missing)",
            field=column,
            fix="drop or fill those rows first",
        )
    return x


def probability_array(s: pd.Series, *, column: str) -> np.ndarray:
    """Float array of probabilities in [0, 1]."""
    x = numeric_array(s, column=column, what="scores")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0.0 or hi > 1.0:
        raise MetricInputError(
            f"scores must be probabilities in [0, 1] but range from {lo:g} to {hi:g}",
            field=column,
            fix="pass the predicted probability (apply the logistic function to log-odds; map points-based "
            "scores to a calibrated probability) — the Brier score and ECE need probabilities",
        )
    return x


def check_choice(value: Any, choices: Sequence[Any], param: str) -> None:
    if value not in choices:
        raise MetricInputError(
            f"{param} must be one of {', '.join(map(repr, choices))}, not {value!r}",
            field=param,
            fix=f"pass {param}={choices[0]!r} or another listed value",
        )


def check_int(value: Any, param: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise MetricInputError(
            f"{param} must be an integer ≥ {minimum}, not {value!r}",
            field=param,
            fix=f"pass an integer {param} ≥ {minimum}",
        )
    return int(value)


def align_mask(mask: Any, df: pd.DataFrame, param: str) -> np.ndarray:
    """A boolean row mask from a column name, a boolean Series aligned on ``df.index`` or an array."""
    if isinstance(mask, str):
        require_columns(df, [mask])
        mask = df[mask]
    if isinstance(mask, pd.Series):
        if not mask.index.equals(df.index):
            mask = mask.reindex(df.index)
        if mask.isna().any():
            raise MetricInputError(
                f"{param} has missing values or does not cover every row of the data",
                field=param,
                fix="pass a boolean Series with the same index as the data",
            )
        mask = mask.to_numpy()
    arr = np.asarray(mask)
    if arr.shape != (len(df),) or not (arr.dtype == bool or set(np.unique(arr)).issubset({0, 1})):
        raise MetricInputError(
            f"{param} must be a boolean mask with one value per row ({len(df):,})",
            field=param,
            fix="pass e.g. df['decision'] == 'decline'",
        )
    return arr.astype(bool)
