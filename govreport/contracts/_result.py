"""A contract validation's result and the helpers the pandas and Spark paths share: masking of samples,
the key expectation, present-column checks, undeclared personal data, expectation entries, the GX context.

Contract: no engine of its own; ``_validate`` (pandas, SQL) and ``_spark`` both build on it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.status import Indicator, Status, worst
from ..data.masking import looks_like_personal_data, mask_text, mask_value
from ..data.read import (
    missing_columns_error,
    sha256_file,
)
from ._dimensions import (
    indicators_for,
)
from ._model import ContractFile
from ._suite import SuiteFile, columns_of, dimension_of, import_gx

#: Sample unexpected values kept per expectation (masked when the column holds personal data).
SAMPLE_SIZE = 5


_DETECT_ROWS = 2000


@dataclass
class ContractResult:
    """What :func:`validate` found. ``to_dict()`` is JSON-safe and holds no raw personal data."""

    contract: str
    success: bool
    rows: int | None
    columns: int | None
    dataset: dict[str, Any]
    suite: dict[str, Any]
    contract_file: dict[str, Any]
    expectations: list[dict[str, Any]]
    dimensions: dict[str, dict[str, Any]]
    warnings: list[str]
    period: str | None
    as_of: str
    seconds: float
    gx_version: str
    personal_data: list[str] = field(default_factory=list)
    protected_attributes: list[str] = field(default_factory=list)
    #: the contract's ``columns:`` (display names and value labels, issue 17): ``{col: {label, values}}``
    column_labels: dict[str, Any] = field(default_factory=dict)
    _indicators: list[Indicator] = field(default_factory=list, repr=False)

    def indicators(self) -> list[Indicator]:
        """The five ``data_quality`` indicators (Art. 7), one per dimension."""
        return list(self._indicators)

    @property
    def status(self) -> Status:
        """The worst status of the five dimensions."""
        return worst(i.status for i in self._indicators if i.status)

    @property
    def failed(self) -> list[dict[str, Any]]:
        return [e for e in self.expectations if not e["success"]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "success": self.success,
            "status": self.status.value,
            "rows": self.rows,
            "columns": self.columns,
            "period": self.period,
            "as_of": self.as_of,
            "dataset": self.dataset,
            "suite": self.suite,
            "contract_file": self.contract_file,
            "personal_data": self.personal_data,
            "protected_attributes": self.protected_attributes,
            "column_labels": self.column_labels,
            "expectations": self.expectations,
            "dimensions": self.dimensions,
            "warnings": self.warnings,
            "gx_version": self.gx_version,
            "seconds": round(self.seconds, 3),
        }


def _rel(path: Path | None, root: Path) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _json_safe(v: Any) -> Any:
    """Plain JSON types; NaN/NaT → None; numpy scalars → Python; anything else → str."""
    if v is None or isinstance(v, bool | int | str):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set):
        return [_json_safe(x) for x in v]
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        try:
            return _json_safe(v.item())
        except (TypeError, ValueError):
            pass
    if isinstance(v, datetime | date | pd.Timestamp):
        return v.isoformat()
    return str(v)


def _mask_one(v: Any, personal: bool) -> Any:
    v = _json_safe(v)
    if v is None:
        return None
    if personal:
        return mask_value(v)
    return mask_text(v) if isinstance(v, str) else v


def _mask_sample(v: Any, cols: list[str], personal: set[str]) -> Any:
    if isinstance(v, dict):
        return {str(k): _mask_one(x, str(k) in personal) for k, x in v.items()}
    return _mask_one(v, any(c in personal for c in cols))


def _mask_kwargs(kwargs: dict[str, Any], is_personal: bool) -> dict[str, Any]:
    out = {k: _json_safe(v) for k, v in kwargs.items() if k != "batch_id"}
    if is_personal:
        for k in ("value_set", "value_pairs_set"):
            if isinstance(out.get(k), list):
                out[k] = f"<{len(out[k])} values, not shown: personal data>"
        for k in ("value", "min_value", "max_value"):
            if isinstance(out.get(k), str):
                out[k] = mask_value(out[k])
    return {k: _mask_nested(v) for k, v in out.items()}


def _mask_nested(v: Any) -> Any:
    """Identifiers inside any string of a (JSON-safe) value are masked."""
    if isinstance(v, str):
        return mask_text(v)
    if isinstance(v, list):
        return [_mask_nested(x) for x in v]
    if isinstance(v, dict):
        return {k: _mask_nested(x) for k, x in v.items()}
    return v


def _exception_message(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message") or "exception")
    for v in info.values():
        if isinstance(v, dict) and v.get("raised_exception"):
            return str(v.get("exception_message") or "exception")
    return None


def _key_expectation(sf: SuiteFile, keys: list[str]) -> list[dict[str, Any]]:
    """The uniqueness expectation the contract's ``keys`` imply, unless the suite already has it."""
    if not keys:
        return []
    for e in sf.expectations:
        kw = e.get("kwargs") or {}
        if (
            len(keys) == 1
            and e.get("type") == "expect_column_values_to_be_unique"
            and kw.get("column") == keys[0]
            and kw.get("mostly", 1) == 1
        ):
            return []
        if e.get("type") == "expect_compound_columns_to_be_unique" and set(
            kw.get("column_list") or []
        ) == set(keys):
            return []
    meta = {"source": "contract keys", "dimension": "uniqueness"}
    if len(keys) == 1:
        return [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": keys[0]}, "meta": meta}]
    return [
        {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(keys)}, "meta": meta}
    ]


@contextmanager
def _no_gx_frame_hash() -> Iterator[None]:
    """Great Expectations' pandas engine hashes a whole batch frame (``hash_pandas_dataframe``: every row,
    index included, MD5) into the batch markers, which govreport never reads: the file's SHA-256 is the
    evidence. Its size threshold set to 0 for the call skips it (≈ 2 s and transient row hashes at 1M
    rows)."""
    try:
        from great_expectations.execution_engine import pandas_execution_engine as engine
    except ImportError:  # pragma: no cover - a GX without the module: nothing to skip
        yield
        return
    before = getattr(engine, "HASH_THRESHOLD", None)
    if before is None:
        yield
        return
    engine.HASH_THRESHOLD = 0
    try:
        yield
    finally:
        engine.HASH_THRESHOLD = before


def gx_context() -> Any:
    """A fresh ephemeral Great Expectations context with progress bars off."""
    gx = import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def contract_result(
    cf: ContractFile,
    sf: SuiteFile,
    root: Path,
    success: bool,
    rows: int | None,
    present: list[str],
    dataset: dict[str, Any],
    exps: list[dict[str, Any]],
    dims: dict[str, dict[str, Any]],
    warn: list[str],
    label: str | None,
    day: date,
    t0: float,
    gx_version: str,
    masked: set[str],
    n_extra: int,
) -> ContractResult:
    """The :class:`ContractResult` of a validation's parts (sets each dimension's status)."""
    c = cf.contract
    dataset.update(rows=rows, columns=len(present))
    indicators = indicators_for(c.name, dims)
    if sf.gx_version and sf.gx_version != gx_version:
        warn.append(
            f"{sf.path.name} was written by Great Expectations {sf.gx_version}; {gx_version} is installed"
        )
    return ContractResult(
        contract=c.name,
        success=success,
        rows=rows,
        columns=len(present),
        dataset=dataset,
        suite={
            "path": _rel(sf.path, root),
            "name": sf.name,
            "sha256": sf.sha256,
            "expectations": len(sf.expectations),
            "added_from_contract": n_extra,
            "gx_version": sf.gx_version,
        },
        contract_file={"path": _rel(cf.path, root), "sha256": sha256_file(cf.path)},
        expectations=exps,
        dimensions=dims,
        warnings=warn,
        period=label,
        as_of=day.isoformat(),
        seconds=time.perf_counter() - t0,
        gx_version=gx_version,
        personal_data=sorted(masked),
        protected_attributes=c.protected_columns,
        column_labels={col: lab.model_dump(exclude_none=True) for col, lab in c.columns.items()},
        _indicators=indicators,
    )


def check_present(
    cf: ContractFile, sf: SuiteFile, present: list[str], where: Path | str | None, warn: list[str]
) -> None:
    """The one-line error for a column the suite or the contract names and the data lacks; warnings for
    declared personal or protected columns it lacks and for unconfirmed declarations."""
    c = cf.contract
    gone = [col for col in sf.columns() if col not in present]
    if gone:
        raise missing_columns_error(
            gone,
            present,
            file=where,
            what="the suite expects",
            fix=f"fix the export, or remove the expectations on it from {sf.path.name}",
        )
    named = [*c.keys, *([c.freshness.column] if c.freshness and c.freshness.column else [])]
    gone = [col for col in named if col not in present]
    if gone:
        raise missing_columns_error(
            gone,
            present,
            file=where,
            what=f"the contract {cf.path.name} names (keys / freshness.column)",
            fix="fix the export, or the contract",
        )
    for what, cols in (("personal_data", c.personal_columns), ("protected_attributes", c.protected_columns)):
        absent = [col for col in cols if col not in present]
        if absent:
            warn.append(f"{cf.path.name}: {what} lists {', '.join(absent)}, which the data does not have")
    for p in c.personal_data:
        if not p.confirmed:
            warn.append(f"{cf.path.name}: personal_data '{p.column}' is not confirmed (confirmed: false)")
    for a in c.protected_attributes:
        if not a.confirmed:
            warn.append(
                f"{cf.path.name}: protected attribute '{a.column}' is not confirmed (confirmed: false)"
            )
        if a.used_as_feature and not a.justification.strip():
            warn.append(
                f"{cf.path.name}: protected attribute '{a.column}' is used as a feature without a "
                "justification (Art. 6)"
            )


def undeclared_personal(head: pd.DataFrame, cf: ContractFile, warn: list[str]) -> set[str]:
    """The columns to mask (Art. 8): the declared personal data, and any column whose first rows (``head``,
    with the whole column's dtype) look like personal data, with a warning to declare it."""
    personal = set(cf.contract.personal_columns)
    masked = set(personal)
    for col in head.columns:
        if (
            col in personal
            or pd.api.types.is_float_dtype(head[col])
            or pd.api.types.is_bool_dtype(head[col])
            or pd.api.types.is_datetime64_any_dtype(head[col])
        ):
            continue
        kind = looks_like_personal_data(head[col], sample=200)
        if kind:
            masked.add(col)
            warn.append(
                f"column '{col}' looks like personal data ({kind}) but is not under personal_data in "
                f"{cf.path.name}: its values are masked; declare it with its purpose (Art. 8)"
            )
    return masked


def expectation_entries(
    res: Any, all_exps: list[dict[str, Any]], ids: list[str], n_suite: int, masked: set[str]
) -> tuple[list[dict[str, Any]], int | None]:
    """One JSON-safe entry per expectation of a GX validation result, in suite order (sample values of
    ``masked`` columns masked), and the rows GX saw."""
    by_id = {r.expectation_config.id: r for r in res.results}
    exps: list[dict[str, Any]] = []
    rows_seen: int | None = None
    for i, (exp, eid) in enumerate(zip(all_exps, ids, strict=True)):
        r = by_id[eid]
        kwargs = dict(exp.get("kwargs") or {})
        cols = columns_of(exp)
        is_personal = any(col in masked for col in cols)
        result = r.result or {}
        count = result.get("element_count")
        if count is not None:
            rows_seen = int(count)
        unexpected = result.get("unexpected_count")
        sample = [
            _mask_sample(v, cols, masked) for v in (result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]
        ]
        entry: dict[str, Any] = {
            "index": i,
            "type": exp["type"],
            "column": kwargs.get("column") if isinstance(kwargs.get("column"), str) else None,
            "columns": cols,
            "kwargs": _mask_kwargs(kwargs, is_personal),
            "dimension": dimension_of(exp),
            "source": "suite" if i < n_suite else "contract keys",
            "success": bool(r.success),
            "element_count": _json_safe(count),
            "unexpected_count": _json_safe(unexpected),
            "unexpected_share": (round(unexpected / count, 8) if unexpected is not None and count else None),
            "unexpected_percent": _json_safe(result.get("unexpected_percent")),
            "missing_count": _json_safe(result.get("missing_count")),
            "sample_unexpected": sample,
            "masked": is_personal,
        }
        if "observed_value" in result:
            obs = result["observed_value"]
            entry["observed_value"] = (
                [_mask_sample(v, cols, masked) for v in obs]
                if isinstance(obs, list | tuple)
                else _mask_sample(obs, cols, masked)
            )
        err = _exception_message(r.exception_info)
        if err:
            entry["error"] = mask_text(err.strip().splitlines()[0][:300])
        exps.append(entry)
    return exps, rows_seen
