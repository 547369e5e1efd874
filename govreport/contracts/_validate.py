"""Running a contract's suite through Great Expectations' own engine and summarising it (Art. 7, 8).

Great Expectations is imported inside :func:`validate` only (≈6 s); nothing here runs at CLI start-up.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ContractError
from ..evidence import sha256_file
from ..masking import mask_text, mask_value
from ..status import Indicator, Status, Threshold, threshold_for, worst
from ._load import read_file, read_source, sql_url
from ._model import ContractFile, DatasetSource

__all__ = ["ContractResult", "validate", "load_suite", "DIMENSIONS", "DIMENSION_OF"]

DIMENSIONS = ("completeness", "validity", "uniqueness", "freshness", "representativeness")
DIMENSION_OF = {
    "expect_column_values_to_not_be_null": "completeness",
    "expect_column_values_to_be_unique": "uniqueness",
    "expect_compound_columns_to_be_unique": "uniqueness",
    "expect_select_column_values_to_be_unique_within_record": "uniqueness",
    "expect_column_proportion_of_unique_values_to_be_between": "uniqueness",
}
_LABELS = {
    "completeness": ("完整性", "Completeness"),
    "validity": ("有效性", "Validity"),
    "uniqueness": ("唯一性", "Uniqueness"),
    "freshness": ("時效性（資料天數）", "Freshness (age in days)"),
    "representativeness": ("代表性（相對訓練資料之 PSI）", "Representativeness (PSI vs. training data)"),
}
_COLUMN_KEYS = ("column", "column_A", "column_B")


def _suite_error(path: Path, message: str, fix: str, line: int | None = None, field: str | None = None) -> ContractError:
    return ContractError(message, file=path, line=line, field=field, fix=fix)


def load_suite(path: Path) -> dict[str, Any]:
    """The suite JSON, checked: parseable, has expectations, every type known to Great Expectations."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _suite_error(path, "suite file not found", "check `suite:` in the contract") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise _suite_error(path, f"malformed suite JSON: {e.msg}", "fix the JSON syntax", line=e.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
        raise _suite_error(path, "not a Great Expectations suite (no `expectations` list)",
                           "write it with ExpectationSuite.to_json_dict() or `govreport contracts scaffold`")
    from great_expectations.expectations.registry import get_expectation_impl

    for i, exp in enumerate(data["expectations"]):
        kind = exp.get("type") or exp.get("expectation_type")
        try:
            get_expectation_impl(str(kind))
        except Exception:
            raise _suite_error(path, f"unknown expectation type '{kind}'",
                               "use a Great Expectations 1.x type such as expect_column_values_to_not_be_null",
                               field=f"expectations[{i}].type") from None
    return data


def _columns_of(exp: dict[str, Any]) -> list[str]:
    kw = exp.get("kwargs", {})
    cols = [kw[k] for k in _COLUMN_KEYS if isinstance(kw.get(k), str)]
    if not str(exp.get("type", "")).startswith("expect_table_"):
        cols += [c for c in kw.get("column_list") or [] if isinstance(c, str)]
    return cols


@dataclass
class ContractResult:
    contract: str
    success: bool
    rows: int | None
    dataset: dict[str, Any]
    suite: dict[str, Any]
    expectations: list[dict[str, Any]]
    dimensions: dict[str, dict[str, Any]]
    seconds: float
    indicators_: list[Indicator] = field(default_factory=list, repr=False)

    def indicators(self) -> list[Indicator]:
        return list(self.indicators_)

    @property
    def status(self) -> Status:
        return worst(i.status for i in self.indicators_ if i.status)

    def to_dict(self) -> dict[str, Any]:
        return {"contract": self.contract, "success": self.success, "status": self.status.value, "rows": self.rows,
                "dataset": self.dataset, "suite": self.suite, "expectations": self.expectations,
                "dimensions": self.dimensions, "seconds": round(self.seconds, 3)}


def _gx_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    return ctx


def _pass_rate(results: list[dict[str, Any]]) -> float | None:
    rates = [1 - (r["unexpected_percent"] or 0) / 100 if r["unexpected_percent"] is not None
             else (1.0 if r["success"] else 0.0) for r in results]
    return min(rates) if rates else None


def _fingerprint_frame(df: pd.DataFrame) -> str:
    h = hashlib.sha256(",".join(map(str, df.columns)).encode())
    h.update(pd.util.hash_pandas_object(df, index=False).values.tobytes())
    return h.hexdigest()


def validate(cf: ContractFile, root: Path, *, data: Path | None = None, period: str | None = None,
             as_of: date | None = None) -> ContractResult:
    """Validate the contract's dataset (or ``data``) with its suite through Great Expectations."""
    import great_expectations as gx

    t0 = time.perf_counter()
    c = cf.contract
    suite_json = load_suite(cf.suite_path)
    ctx = _gx_context()
    src = c.dataset
    df: pd.DataFrame | None = None
    if data is not None:
        df = read_file(data, src if src.path else DatasetSource(path=str(data)))
        path: Path | None = data
    elif src.path:
        df, path = read_source(src, root, period, contract_path=cf.path)
    else:
        path = None
    if df is not None:
        missing = sorted({col for e in suite_json["expectations"] for col in _columns_of(e) if col not in df.columns})
        if missing:
            raise ContractError(f"the data lacks column(s) {', '.join(missing)} that the suite expects",
                                file=path, field=missing[0],
                                fix=f"fix the export, or remove the expectations on it from {cf.suite_path.name}")
        batch = (ctx.data_sources.add_pandas("govreport").add_dataframe_asset(c.name)
                 .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
        dataset = {"path": str(path), "sha256": sha256_file(path) if path else _fingerprint_frame(df),
                   "rows": len(df), "columns": len(df.columns)}
        columns = set(df.columns)
    else:
        url = sql_url(src, cf.path)
        columns = _sql_columns(url, str(src.table), cf.path)
        missing = sorted({col for e in suite_json["expectations"] for col in _columns_of(e) if col not in columns})
        if missing:
            raise ContractError(f"table {src.table} lacks column(s) {', '.join(missing)} that the suite expects",
                                file=cf.path, field=missing[0], fix="fix the table, or the suite")
        ds = ctx.data_sources.add_sql("govreport-sql", connection_string=url)
        asset = ds.add_table_asset(c.name, table_name=src.table)
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        dataset = {"url": _mask_url(url), "table": src.table, "sha256": None}
    suite_json = {k: v for k, v in suite_json.items() if k in ("name", "expectations", "meta", "notes")}
    suite = gx.ExpectationSuite(**suite_json)
    res = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5})
    personal = set(c.personal_data)
    rows_seen = None
    exps = []
    for r in res.results:
        cfg = r.expectation_config
        kind = cfg.type
        kwargs = {k: v for k, v in cfg.kwargs.items() if k != "batch_id"}
        result = r.result or {}
        rows_seen = result.get("element_count", rows_seen)
        column = kwargs.get("column")
        sample = result.get("partial_unexpected_list") or []
        masked = [mask_value(v) if column in personal else mask_text(v) for v in sample[:5]]
        err = (r.exception_info or {}).get("exception_message") if isinstance(r.exception_info, dict) else None
        exps.append({
            "type": kind, "column": column, "kwargs": _mask_kwargs(kwargs, personal),
            "dimension": DIMENSION_OF.get(kind, "validity"), "success": bool(r.success),
            "unexpected_count": result.get("unexpected_count"),
            "unexpected_percent": result.get("unexpected_percent_total", result.get("unexpected_percent")),
            "sample_unexpected": masked, **({"error": err} if err else {}),
        })
    if dataset.get("rows") is None:
        dataset["rows"] = rows_seen
    dims = _dimensions(cf, root, exps, df, path, period, as_of, columns)
    inds = []
    for d, info in dims.items():
        th = info.pop("_threshold")
        zh, en = _LABELS[d]
        inds.append(Indicator(f"data_quality.{c.name}.{d}", "data_quality", 7, info["value"], f"{zh}（{c.name}）",
                              f"{en} ({c.name})", th, note=info.get("note", ""),
                              details={"contract": c.name, "dimension": d}))
        info["status"] = inds[-1].status.value if inds[-1].status else "not_assessed"
        info["threshold"] = th.to_dict() if th else None
    suite_meta = {"path": str(cf.suite_path), "sha256": sha256_file(cf.suite_path),
                  "expectations": len(suite_json["expectations"]),
                  "gx_version": (suite_json.get("meta") or {}).get("great_expectations_version")}
    return ContractResult(c.name, bool(res.success), dataset.get("rows"), dataset, suite_meta, exps, dims,
                          time.perf_counter() - t0, inds)


def _mask_kwargs(kwargs: dict[str, Any], personal: set[str]) -> dict[str, Any]:
    if kwargs.get("column") in personal and "value_set" in kwargs:
        return {**kwargs, "value_set": f"<{len(kwargs['value_set'])} values>"}
    return kwargs


def _mask_url(url: str) -> str:
    import re

    return re.sub(r"(://[^/\s:@]+:)[^/\s@]+@", r"\1***@", url)


def _sql_columns(url: str, table: str, contract_path: Path) -> set[str]:
    import sqlalchemy as sa

    try:
        eng = sa.create_engine(url)
        with eng.connect():
            insp = sa.inspect(eng)
            if not insp.has_table(table):
                raise ContractError(f"table '{table}' does not exist in {_mask_url(url)}", file=contract_path,
                                    field="dataset.table", fix="check the table name (and schema) in the contract")
            return {col["name"] for col in insp.get_columns(table)}
    except sa.exc.SQLAlchemyError as e:
        raise ContractError(f"cannot connect to {_mask_url(url)}: {str(e).splitlines()[0][:150]}", file=contract_path,
                            field="dataset.url", fix="check the URL and that the database is reachable") from None


def _threshold(name: str, cf: ContractFile) -> Threshold:
    return threshold_for(name, cf.contract.thresholds)


def _dimensions(cf: ContractFile, root: Path, exps: list[dict[str, Any]], df: pd.DataFrame | None,
                path: Path | None, period: str | None, as_of: date | None, columns: set[str],
                ) -> dict[str, dict[str, Any]]:
    c = cf.contract
    out: dict[str, dict[str, Any]] = {}
    for d in ("completeness", "validity", "uniqueness"):
        mine = [e for e in exps if e["dimension"] == d]
        out[d] = {"value": _pass_rate(mine), "expectations": len(mine),
                  "failed": sum(not e["success"] for e in mine), "_threshold": _threshold(d, cf)}
        if not mine:
            out[d]["note"] = "no expectation of this kind in the suite"
    # freshness: age in days of the newest record (or of the file), against the contract's rule
    fresh = c.freshness
    if fresh is None:
        out["freshness"] = {"value": None, "note": "no freshness rule in the contract", "_threshold": None}
    else:
        ref_day = as_of or _period_end(period) or datetime.now(UTC).date()
        newest: date | None = None
        if fresh.column and df is not None:
            if fresh.column not in df.columns:
                raise ContractError(f"freshness column '{fresh.column}' is not in the data", file=cf.path,
                                    field="freshness.column", fix="name a timestamp column of the dataset")
            ts = pd.to_datetime(df[fresh.column], errors="coerce").max()
            newest = ts.date() if not pd.isna(ts) else None
        elif path is not None:
            newest = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
        age = max(0, (ref_day - newest).days) if newest else None  # newer than the period's end: age 0
        out["freshness"] = {"value": float(age) if age is not None else None, "newest": str(newest) if newest else None,
                            "as_of": str(ref_day), "_threshold": threshold_for(
                                "freshness_days", {"freshness_days": {"better": "lower", "green": fresh.max_age_days,
                                                                      "red": 2 * fresh.max_age_days,
                                                                      **c.thresholds.get("freshness", {})}})}
    # representativeness: PSI of key columns between the data and the training/reference data
    if c.reference is None or df is None:
        out["representativeness"] = {"value": None, "_threshold": None,
                                     "note": "no reference dataset in the contract" if c.reference is None
                                     else "not computed for SQL sources"}
    else:
        from ..metrics import psi

        ref, _ = read_source(c.reference, root, period, contract_path=cf.path)
        cols = [x for x in (c.representativeness_columns or c.protected_attributes) if x in df and x in ref]
        per = {x: psi(df[x], ref[x]) for x in cols}
        worst_col = max(per, key=lambda k: per[k]) if per else None
        out["representativeness"] = {"value": per[worst_col] if worst_col else None, "columns": per,
                                     "worst": worst_col, "_threshold": _threshold("psi", cf)}
    return out


def _period_end(period: str | None) -> date | None:
    if not period:
        return None
    from ..periods import parse_period

    return parse_period(period).end


