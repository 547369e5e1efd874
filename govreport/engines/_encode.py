"""What every engine indicator starts from: the source opened as a runner, and the columns encoded the way
the pandas path encodes them — a protected attribute's groups (bands or categories) and an outcome column's
favourable values, with the pandas path's checks and one-line messages.

Contract: reads distinct values and counts through the runner (:mod:`._stats`), never rows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data.sources import Source, parse_source
from ..errors import MetricInputError
from ..metrics.tables import (
    DEFAULT_AGE_BANDS,
    Encoded,
    band,
    binary_outcome,
    check_edges,
    encode_attribute,
    is_age_name,
)
from ._sql import Params, Runner
from ._stats import bin_expr, n_distinct, null_and_fraction, quantiles, value_counts
from .open import open_runner

__all__ = ["opened", "as_source", "file_source", "Attr", "attribute", "outcome", "value_key", "as_series"]

#: Rows repeated in memory to reproduce the pandas path's exact error message about a bad outcome column.
REPEAT_LIMIT = 20_000_000


@contextlib.contextmanager
def opened(source: Any, spark: Any) -> Iterator[Runner]:
    """A runner for ``source`` (itself when it is one), closed on exit when opened here."""
    if isinstance(source, Runner):
        yield source
        return
    with open_runner(source, spark=spark) as r:
        yield r


def as_source(source: Any) -> Any:
    """``source`` as a :class:`~govreport.data.sources.Source` (parsed when a string)."""
    return source if isinstance(source, Source) else parse_source(str(source))


def file_source(source: Any) -> Any:
    """The Source when it is a file (the pandas path), else None."""
    if isinstance(source, Runner):
        return None
    s = as_source(source)
    return s if s.kind == "file" else None


def value_key(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


def as_series(values: list[Any], numeric: bool) -> pd.Series:
    s = pd.Series(values, dtype=object)
    return pd.to_numeric(s) if numeric else s.infer_objects()


# -- encodings ---------------------------------------------------------------------------------------------
@dataclass
class Attr:
    """A protected attribute on the engine: its groups, the SQL key, and key value → group code."""

    enc: Encoded
    expr: str
    codes: dict[Any, int] | None  # None: the key is the band index (-1 for missing)

    def code(self, k: Any) -> int:
        if self.codes is None:
            return len(self.enc.labels) - 1 if k == -1 else int(k)
        return self.codes[value_key(k)]


def attribute(
    r: Runner, col: str, edges: Sequence[float] | None, p: Params, *, max_categories: int, max_groups: int
) -> Attr:
    numeric = col in r.numeric
    source = "bands parameter"
    if edges is not None:
        if not numeric:
            encode_attribute(pd.Series(["x"]), col, edges)  # raises the pandas path's message
        cut = check_edges(edges, col)
    elif numeric and n_distinct(r, col) > max_categories:
        if is_age_name(col):
            cut, source = list(DEFAULT_AGE_BANDS), "default age bands"
        else:
            cut = [float(e) for e in np.unique(quantiles(r, col, [0.2, 0.4, 0.6, 0.8]))]
            source = "quintiles of the data (pass bands= to fix them)"
    else:
        nd = n_distinct(r, col)
        if not numeric and nd > max_groups:
            encode_attribute(pd.Series([str(i) for i in range(nd)]), col, max_groups=max_groups)  # raises
        values, _ = value_counts(r, col)
        enc = encode_attribute(
            as_series(values, numeric), col, None, max_categories=max_categories, max_groups=max_groups
        )
        return Attr(enc, r.q(col), {value_key(v): int(c) for v, c in zip(values, enc.codes, strict=True)})
    n_null, n_frac = null_and_fraction(r, col)
    probe = np.array([0.5 if n_frac else 0.0] + ([np.nan] if n_null else []))  # integrality and missingness
    return Attr(band(probe, cut, col, source), bin_expr(r, col, cut, "right", p), None)


def outcome(r: Runner, col: str, favourable: Any, unfavourable: Any, param: str) -> dict[Any, bool]:
    """Favourable or not, per distinct value; the pandas path's checks and messages."""
    values, counts = value_counts(r, col)
    s = as_series(values, col in r.numeric)
    try:
        flags = binary_outcome(s, favourable, unfavourable, column=col, param=param)
    except MetricInputError:
        if counts.sum() > REPEAT_LIMIT:
            raise
        binary_outcome(
            s.repeat(counts).reset_index(drop=True), favourable, unfavourable, column=col, param=param
        )
        raise
    return {value_key(v): bool(f) for v, f in zip(values, flags, strict=True)}
