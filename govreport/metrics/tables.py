"""The metrics from pre-aggregated tables: what an engine (SQL, Spark) needs to turn the counts it returns
into the same results the pandas path computes — the group bands, the argument checks with the pandas
path's messages, and the ``*_from_*`` constructors.

Contract: the one public door from :mod:`govreport.engines` into the metrics' internals; nothing here
computes on rows.
"""

from __future__ import annotations

from ._bands import (
    DEFAULT_AGE_BANDS,
    MAX_CATEGORIES,
    MAX_GROUPS,
    MISSING,
    Encoded,
    encode_attribute,
    is_age_name,
)
from ._bands import _band as band
from ._bands import _check_edges as check_edges
from ._common import fmt_edge, fmt_value
from ._drift import DEFAULT_EPSILON, DriftResult, drift_from_tables, psi_from_counts
from ._fairness import FairnessResult, from_encoded
from ._fairness import check_arguments as check_fairness
from ._proxy import ProxyResult, proxy_from_tables
from ._proxy import check_arguments as check_proxy
from ._quality import QualityResult, from_statistics
from ._validate import as_name_list, binary_outcome, check_choice, check_int, numeric_array, probability_array

__all__ = [
    "DEFAULT_AGE_BANDS",
    "MAX_CATEGORIES",
    "MAX_GROUPS",
    "MISSING",
    "Encoded",
    "band",
    "check_edges",
    "encode_attribute",
    "is_age_name",
    "fmt_edge",
    "fmt_value",
    "DEFAULT_EPSILON",
    "DriftResult",
    "drift_from_tables",
    "psi_from_counts",
    "FairnessResult",
    "from_encoded",
    "check_fairness",
    "ProxyResult",
    "proxy_from_tables",
    "check_proxy",
    "QualityResult",
    "from_statistics",
    "as_name_list",
    "binary_outcome",
    "check_choice",
    "check_int",
    "numeric_array",
    "probability_array",
]
