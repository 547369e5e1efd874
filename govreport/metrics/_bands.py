"""Turning a protected attribute into a small set of named groups.

Rules (documented in the package docstring too):

* A **numeric attribute with more than** ``max_categories`` (default 20) **distinct values** is
  continuous and is banded. Bands are left-closed intervals ``[edge_i, edge_{i+1})``; the default for an
  attribute whose name contains the token ``age`` (or 年齡) is ``<25, 25–34, 35–44, 45–54, 55–64, ≥65``
  (:data:`DEFAULT_AGE_BANDS`); any other continuous attribute gets quintile bands of the data.
  ``bands={'AGE': [30, 50]}`` overrides either, and may also band a numeric attribute with few values.
* Every other attribute is categorical: each distinct value is a group, named by its string form
  (``1.0`` becomes ``"1"``).
* Missing values form their own group, :data:`MISSING` (``"(missing)"``).
* A non-numeric attribute with more than ``max_groups`` (default 100) distinct values is refused: map it
  to groups first (e.g. birthplace to region).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MetricInputError
from ._common import (
    chunks,
    code_dtype,
    fmt_edge,
    fmt_value,
    more_distinct_than,
    searchsorted_codes,
    without_nan,
)

__all__ = ["DEFAULT_AGE_BANDS", "MISSING", "MAX_CATEGORIES", "MAX_GROUPS", "Encoded", "encode_attribute"]

#: Cut points of the default age bands: <25, 25–34, 35–44, 45–54, 55–64, ≥65.
DEFAULT_AGE_BANDS: tuple[float, ...] = (25, 35, 45, 55, 65)
#: Name of the group of rows whose attribute value is missing.
MISSING = "(missing)"
#: A numeric attribute with more distinct values than this is continuous and gets banded.
MAX_CATEGORIES = 20
#: A non-numeric attribute with more distinct values than this is refused.
MAX_GROUPS = 100

_AGE_TOKEN = re.compile(r"(^|[^a-z])age([^a-z]|$)|年齡|年龄")


@dataclass
class Encoded:
    """Integer group codes ``0..len(labels)-1`` for every row, and the group names. The codes are int64, or
    with ``encode_attribute(compact=True)`` the smallest signed integer dtype that holds them (int8 for a
    handful of groups): compute with them in int64 (e.g. :func:`~govreport.metrics._common.flat_index`)."""

    name: str
    codes: np.ndarray
    labels: list[str]
    banding: dict[str, Any] | None = None


def is_age_name(name: str) -> bool:
    return bool(_AGE_TOKEN.search(str(name).lower()))


def _check_edges(edges: Any, name: str) -> list[float]:
    try:
        out = [float(e) for e in edges]
    except (TypeError, ValueError):
        out = []
    if (
        not out
        or any(not np.isfinite(e) for e in out)
        or any(b <= a for a, b in zip(out, out[1:], strict=False))
    ):
        raise MetricInputError(
            f"bands must be a non-empty, strictly increasing list of finite cut points, not {edges!r}",
            field=f"bands.{name}",
            fix=f"pass e.g. bands={{'{name}': [25, 35, 45, 55, 65]}}",
        )
    return out


def band_labels(edges: Sequence[float], integer: bool) -> list[str]:
    """Names of the ``len(edges)+1`` bands cut at ``edges`` (left-closed)."""
    labels = [f"<{fmt_edge(edges[0])}"]
    for a, b in zip(edges, edges[1:], strict=False):
        if integer and float(a).is_integer() and float(b).is_integer():
            labels.append(f"{int(a)}–{int(b) - 1}" if b - a > 1 else f"{int(a)}")
        else:
            labels.append(f"[{fmt_edge(a)}, {fmt_edge(b)})")
    labels.append(f"≥{fmt_edge(edges[-1])}")
    return labels


def _is_integral(x: np.ndarray, missing: np.ndarray) -> bool:
    """Every non-missing value is a whole number (chunk by chunk: no temporary of all rows)."""
    has_missing = bool(missing.any())
    for sl in chunks(len(x)):
        f = x[sl][~missing[sl]] if has_missing else x[sl]
        if not np.all(np.mod(f, 1) == 0):
            return False
    return True


def _band(x: np.ndarray, edges: list[float], name: str, source: str, *, compact: bool = False) -> Encoded:
    missing = np.isnan(x)
    integer = _is_integral(x, missing)
    labels = band_labels(edges, integer)
    codes = searchsorted_codes(
        np.asarray(edges), x, "right", code_dtype(len(labels)) if compact else np.int64
    )
    if missing.any():
        codes[missing] = len(labels)
        labels.append(MISSING)
    banding = {"edges": edges, "labels": labels[: len(edges) + 1], "closed": "left", "source": source}
    return Encoded(name, codes, labels, banding)


def encode_attribute(
    s: pd.Series,
    name: str,
    edges: Sequence[float] | None = None,
    *,
    max_categories: int = MAX_CATEGORIES,
    max_groups: int = MAX_GROUPS,
    compact: bool = False,
) -> Encoded:
    """Group codes and names for one protected attribute (see the module docstring for the rules).

    ``compact=True`` gives the codes in the smallest integer dtype that holds them (see :class:`Encoded`)."""
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if edges is not None:
        if not numeric:
            raise MetricInputError(
                f"bands were given but the column is not numeric (dtype {s.dtype})",
                field=f"bands.{name}",
                fix="convert it to numbers first, or drop its bands and map it to groups",
            )
        return _band(
            s.to_numpy(dtype=float, na_value=np.nan),
            _check_edges(edges, name),
            name,
            "bands parameter",
            compact=compact,
        )
    if numeric:
        x = s.to_numpy(dtype=float, na_value=np.nan)
        if np.isinf(x).any():
            raise MetricInputError("the attribute has infinite values", field=name, fix="replace them first")
        if more_distinct_than(without_nan(x), max_categories):
            if is_age_name(name):
                return _band(x, list(DEFAULT_AGE_BANDS), name, "default age bands", compact=compact)
            qs = np.unique(np.quantile(without_nan(x), [0.2, 0.4, 0.6, 0.8]))
            return _band(
                x,
                [float(q) for q in qs],
                name,
                "quintiles of the data (pass bands= to fix them)",
                compact=compact,
            )
        del x
    try:
        codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=True)
    except TypeError:  # mixed types that cannot be ordered
        codes, uniques = pd.factorize(s, sort=False, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if not numeric and len(uniques) > max_groups:
        raise MetricInputError(
            f"the attribute has {len(uniques):,} distinct values; group metrics need a handful of groups",
            field=name,
            fix="band or map it to groups first (e.g. birthplace → region; numbers: convert and pass bands=)",
        )
    labels = [fmt_value(u) for u in uniques]
    if len(set(labels)) < len(labels):  # e.g. 1 and "1" in one object column: merge by name
        uniq, inverse = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
        remap = inverse.astype(np.int64)
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        labels = [str(u) for u in uniq]
    missing = codes < 0
    if missing.any():
        codes[missing] = len(labels)
        labels.append(MISSING)
    return Encoded(
        name, codes.astype(code_dtype(len(labels)), copy=False) if compact else codes, labels, None
    )
