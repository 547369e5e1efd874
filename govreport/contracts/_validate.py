"""Running a contract's suite through Great Expectations' own engine and summarising it (Art. 7, 8).

Files are read into pandas (with the contract's encoding and delimiter) and validated by GX's pandas
engine — or, for a Parquet file the caller has already read (``loaded=``), validated from that frame, so a
run reads each file once; SQL tables are validated in the database by GX's SQL engine. Great Expectations is imported
inside :func:`validate` only (≈6 s): nothing here runs at ``import govreport.contracts`` or CLI start-up.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.status import Indicator, Status, worst
from ..data.masking import looks_like_personal_data, mask_text, mask_value
from ..data.read import (
    SqlTable,
    file_format,
    fill_period,
    frame_fingerprint,
    mask_url,
    missing_columns_error,
    read_dataset,
    read_header,
    resolve_data_path,
    sha256_file,
    sql_url,
)
from ..errors import DataError
from ._dimensions import (
    check_columns,
    expectation_dimension,
    freshness_dimension,
    indicators_for,
    newest_in_column,
    representativeness_dimension,
)
from ._model import ContractFile, DatasetSource, load_contract
from ._suite import SuiteFile, build_gx_suite, columns_of, dimension_of, import_gx, load_suite

__all__ = ["ContractResult", "validate", "SAMPLE_SIZE"]

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
            "expectations": self.expectations,
            "dimensions": self.dimensions,
            "warnings": self.warnings,
            "gx_version": self.gx_version,
            "seconds": round(self.seconds, 3),
        }


# -- helpers ----------------------------------------------------------------------------------------------
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
        if len(keys) == 1 and e.get("type") == "expect_column_values_to_be_unique" and kw.get("column") == keys[0] \
                and kw.get("mostly", 1) == 1:
            return []
        if e.get("type") == "expect_compound_columns_to_be_unique" and set(kw.get("column_list") or []) == set(keys):
            return []
    meta = {"source": "contract keys", "dimension": "uniqueness"}
    if len(keys) == 1:
        return [{"type": "expect_column_values_to_be_unique", "kwargs": {"column": keys[0]}, "meta": meta}]
    return [{"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": list(keys)}, "meta": meta}]


def _as_of(period: str | None, as_of: date | None) -> tuple[str | None, date]:
    today = datetime.now(UTC).date()
    if period is None:
        return None, as_of or today
    from ..core.periods import parse_period

    p = parse_period(period)
    return p.label, as_of or min(p.end, today)


def _sql_batch(ctx: Any, url: str, name: str, table: str, schema: str | None) -> Any:
    backend = url.split(":", 1)[0].split("+", 1)[0]
    if backend == "sqlite":
        ds = ctx.data_sources.add_sqlite("govreport-sql", connection_string=url)
    elif backend in ("postgresql", "postgres"):
        ds = ctx.data_sources.add_postgres("govreport-sql", connection_string=url)
    else:
        ds = ctx.data_sources.add_sql("govreport-sql", connection_string=url)
    asset = ds.add_table_asset(name, table_name=table, schema_name=schema)
    return asset.add_batch_definition_whole_table("all").get_batch()


@contextmanager
def _no_gx_frame_hash() -> Iterator[None]:
    """Great Expectations' pandas engine hashes a whole batch frame (``hash_pandas_dataframe``: every row,
    index included, MD5) into the batch markers, which govreport never reads: the file's SHA-256 is the
    evidence. Its size threshold set to 0 for the call skips it (≈ 2 s and transient row hashes at 1M rows)."""
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


# -- validate ---------------------------------------------------------------------------------------------
def validate(contract: ContractFile | Path | str, root: Path | str | None = None, *,
             data: Path | str | pd.DataFrame | None = None, period: str | None = None, as_of: date | None = None,
             reference: Path | str | pd.DataFrame | None = None,
             loaded: Mapping[Path, pd.DataFrame] | None = None, spark: Any = None) -> ContractResult:
    """Validate a contract's dataset with its suite through Great Expectations and summarise it.

    Parameters
    ----------
    contract:
        A loaded :class:`ContractFile`, or the path of a ``.contract.yaml``.
    root:
        The workspace root that relative dataset paths start from (default: the folder holding
        ``data_contracts/``).
    data:
        Validate this file or DataFrame instead of the contract's dataset (same reading options).
    period:
        Fills ``{period}`` in dataset paths and table names; its last day (or today, if earlier) is the
        as-of day of the freshness check.
    as_of:
        The as-of day of the freshness check, overriding the period's.
    reference:
        The training/reference data for representativeness, overriding the contract's.
    loaded:
        Frames the caller has already read with ``pandas.read_parquet`` (whole file, no options), by
        resolved file path: a Parquet dataset or reference found here is validated from memory instead of
        being read a second time. The result is the same, evidence included (the file's SHA-256 is still
        streamed from disk). Text formats are always read here, with the contract's encoding, delimiter
        and personal columns as text.
    spark:
        The Spark session for a Spark dataset — ``data=`` (or the contract's ``dataset.path``) naming
        ``spark:TABLE`` or ``spark+parquet:PATH``, or a Spark DataFrame — validated by GX's Spark engine
        with the other dimensions computed on Spark (``govreport.contracts._spark``); default: a session
        from :func:`govreport.data.sources.spark_session`.

    Raises :class:`~govreport.errors.DataError` / :class:`~govreport.errors.ContractError` (exit 2) for
    bad input. A failing expectation is not an exception: see ``result.success``.
    """
    t0 = time.perf_counter()
    cf = contract if isinstance(contract, ContractFile) else load_contract(contract)
    root = Path(root).resolve() if root is not None else cf.default_root
    label, day = _as_of(period, as_of)
    sf = load_suite(cf.suite_path)
    warn: list[str] = []
    from ._spark import is_spark_data

    if is_spark_data(data, cf):
        from ._spark import validate_on_spark

        return validate_on_spark(cf, root, sf, data, label, day, reference, warn, t0, spark)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return _validate(cf, root, sf, data, label, day, reference, warn, pool, t0, loaded or {})
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def contract_result(cf: ContractFile, sf: SuiteFile, root: Path, success: bool, rows: int | None,
                    present: list[str], dataset: dict[str, Any], exps: list[dict[str, Any]],
                    dims: dict[str, dict[str, Any]], warn: list[str], label: str | None, day: date, t0: float,
                    gx_version: str, masked: set[str], n_extra: int) -> ContractResult:
    """The :class:`ContractResult` of a validation's parts (sets each dimension's status)."""
    c = cf.contract
    dataset.update(rows=rows, columns=len(present))
    indicators = indicators_for(c.name, dims)
    if sf.gx_version and sf.gx_version != gx_version:
        warn.append(f"{sf.path.name} was written by Great Expectations {sf.gx_version}; {gx_version} is installed")
    return ContractResult(
        contract=c.name, success=success, rows=rows, columns=len(present), dataset=dataset,
        suite={"path": _rel(sf.path, root), "name": sf.name, "sha256": sf.sha256,
               "expectations": len(sf.expectations), "added_from_contract": n_extra, "gx_version": sf.gx_version},
        contract_file={"path": _rel(cf.path, root), "sha256": sha256_file(cf.path)},
        expectations=exps, dimensions=dims, warnings=warn, period=label, as_of=day.isoformat(),
        seconds=time.perf_counter() - t0, gx_version=gx_version,
        personal_data=sorted(masked), protected_attributes=c.protected_columns, _indicators=indicators)


def check_present(cf: ContractFile, sf: SuiteFile, present: list[str], where: Path | str | None,
                  warn: list[str]) -> None:
    """The one-line error for a column the suite or the contract names and the data lacks; warnings for
    declared personal or protected columns it lacks and for unconfirmed declarations."""
    c = cf.contract
    gone = [col for col in sf.columns() if col not in present]
    if gone:
        raise missing_columns_error(gone, present, file=where, what="the suite expects",
                                    fix=f"fix the export, or remove the expectations on it from {sf.path.name}")
    named = [*c.keys, *([c.freshness.column] if c.freshness and c.freshness.column else [])]
    gone = [col for col in named if col not in present]
    if gone:
        raise missing_columns_error(gone, present, file=where, what=f"the contract {cf.path.name} names "
                                    "(keys / freshness.column)", fix="fix the export, or the contract")
    for what, cols in (("personal_data", c.personal_columns), ("protected_attributes", c.protected_columns)):
        absent = [col for col in cols if col not in present]
        if absent:
            warn.append(f"{cf.path.name}: {what} lists {', '.join(absent)}, which the data does not have")
    for p in c.personal_data:
        if not p.confirmed:
            warn.append(f"{cf.path.name}: personal_data '{p.column}' is not confirmed (confirmed: false)")
    for a in c.protected_attributes:
        if not a.confirmed:
            warn.append(f"{cf.path.name}: protected attribute '{a.column}' is not confirmed (confirmed: false)")
        if a.used_as_feature and not a.justification.strip():
            warn.append(f"{cf.path.name}: protected attribute '{a.column}' is used as a feature without a "
                        "justification (Art. 6)")


def undeclared_personal(head: pd.DataFrame, cf: ContractFile, warn: list[str]) -> set[str]:
    """The columns to mask (Art. 8): the declared personal data, and any column whose first rows (``head``,
    with the whole column's dtype) look like personal data, with a warning to declare it."""
    personal = set(cf.contract.personal_columns)
    masked = set(personal)
    for col in head.columns:
        if col in personal or pd.api.types.is_float_dtype(head[col]) or pd.api.types.is_bool_dtype(head[col]) \
                or pd.api.types.is_datetime64_any_dtype(head[col]):
            continue
        kind = looks_like_personal_data(head[col], sample=200)
        if kind:
            masked.add(col)
            warn.append(f"column '{col}' looks like personal data ({kind}) but is not under personal_data in "
                        f"{cf.path.name}: its values are masked; declare it with its purpose (Art. 8)")
    return masked


def expectation_entries(res: Any, all_exps: list[dict[str, Any]], ids: list[str], n_suite: int,
                        masked: set[str]) -> tuple[list[dict[str, Any]], int | None]:
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
        sample = [_mask_sample(v, cols, masked) for v in (result.get("partial_unexpected_list") or [])[:SAMPLE_SIZE]]
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
            entry["observed_value"] = [_mask_sample(v, cols, masked) for v in obs] if isinstance(obs, list | tuple) \
                else _mask_sample(obs, cols, masked)
        err = _exception_message(r.exception_info)
        if err:
            entry["error"] = mask_text(err.strip().splitlines()[0][:300])
        exps.append(entry)
    return exps, rows_seen


def _str_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its column names as text (GX and the contract name columns by text), not copied when
    they already are."""
    return df if all(isinstance(x, str) for x in df.columns) else df.rename(columns=str)


def _loaded_frame(loaded: Mapping[Path, pd.DataFrame], path: Path, src: DatasetSource | None) -> pd.DataFrame | None:
    """The caller's frame of ``path`` when our own read would give the same frame (Parquet), else None."""
    if not loaded or file_format(path, src) != "parquet":
        return None
    df = loaded.get(path.resolve())
    if df is None or len(df) == 0:
        return None
    return _str_columns(df)


def _validate(cf: ContractFile, root: Path, sf: SuiteFile, data: Any, label: str | None, day: date,
              reference: Any, warn: list[str], pool: ThreadPoolExecutor, t0: float,
              loaded: Mapping[Path, pd.DataFrame]) -> ContractResult:
    c = cf.contract
    personal = set(c.personal_columns)
    df: pd.DataFrame | None = None
    sql: SqlTable | None = None
    data_path: Path | None = None
    sha: Future[str] | None = None
    dataset: dict[str, Any]
    if isinstance(data, pd.DataFrame):
        df = _str_columns(data)
        if len(df) == 0:
            raise DataError("the DataFrame has no rows", field="data", fix="pass the period's data")
        dataset = {"kind": "dataframe", "path": None, "fingerprint": "rows-sha256"}
    else:
        if data is not None:
            data_path = Path(data)
            src = c.dataset if not c.dataset.is_sql else DatasetSource(path=str(data_path))
        elif not c.dataset.is_sql:
            data_path = resolve_data_path(c.dataset, root, label, contract_path=cf.path)
            src = c.dataset
        if data_path is not None:
            if data_path.is_file():
                sha = pool.submit(sha256_file, data_path)  # hashed while pandas and GX work
            df = _loaded_frame(loaded, data_path, src) if data_path.is_file() else None
            if df is None:
                df = read_dataset(data_path, src, text_columns=personal)
            dataset = {"kind": file_format(data_path, src), "path": _rel(data_path, root),
                       "bytes": data_path.stat().st_size, "fingerprint": "file-sha256"}
        else:
            url = sql_url(c.dataset, cf.path, root)
            table = fill_period(str(c.dataset.table), label, file=cf.path, field="dataset.table")
            sql = SqlTable(url, table, c.dataset.schema_name, contract_path=cf.path)
            sha = pool.submit(sql.fingerprint)
            dataset = {"kind": "sql", "url": mask_url(url), "table": table, "schema": c.dataset.schema_name,
                       "fingerprint": "rows-sha256"}
    present = list(df.columns) if df is not None else list(sql.columns)  # type: ignore[union-attr]
    where: Path | str | None = data_path or (f"table {dataset.get('table')}" if sql else None)

    check_present(cf, sf, present, where, warn)

    # -- columns that look like personal data but are not declared: mask them all the same (Art. 8) ----------
    masked = undeclared_personal(df.head(_DETECT_ROWS), cf, warn) if df is not None else set(personal)

    # -- Great Expectations ------------------------------------------------------------------------------------
    extra = _key_expectation(sf, list(c.keys))
    all_exps = [*sf.expectations, *extra]
    gx = import_gx()
    with warnings.catch_warnings(), _no_gx_frame_hash():
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        ctx = gx_context()
        suite, ids = build_gx_suite(sf, extra)
        if df is not None:
            batch = (ctx.data_sources.add_pandas("govreport").add_dataframe_asset(c.name)
                     .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
            dataset["engine"] = "great_expectations pandas"
        else:
            assert sql is not None
            batch = _sql_batch(ctx, sql.url, c.name, sql.table, sql.schema)
            dataset["engine"] = f"great_expectations sql ({sql.engine.dialect.name})"
        res = batch.validate(suite)
    exps, rows_seen = expectation_entries(res, all_exps, ids, len(sf.expectations), masked)

    # -- dimensions ----------------------------------------------------------------------------------------------
    dims: dict[str, dict[str, Any]] = {d: expectation_dimension(d, exps, c.threshold(d))
                                       for d in ("completeness", "validity", "uniqueness")}
    from ._dimensions import _as_datetime, find_newest

    newest_in = (lambda col: newest_in_column(df[col])) if df is not None else \
        (lambda col: _as_datetime(sql.max(col))) if sql is not None else None  # type: ignore[union-attr]
    newest = find_newest(c, newest_in, data_path, "a SQL table or a DataFrame", warn)
    dims["freshness"] = freshness_dimension(c, newest, day)
    dims["representativeness"] = _representativeness(cf, root, label, df, sql, reference, pool, loaded)

    if sha is not None:
        digest = sha.result()
        if isinstance(digest, tuple):
            dataset["sha256"], rows_seen = digest[0], digest[1]
        else:
            dataset["sha256"] = digest
    elif df is not None:
        dataset["sha256"] = frame_fingerprint(df)[0]
    if sql is not None:
        sql.dispose()
    rows = len(df) if df is not None else rows_seen
    return contract_result(cf, sf, root, bool(res.success), rows, present, dataset, exps, dims, warn, label, day,
                           t0, gx.__version__, masked, len(extra))


def _representativeness(cf: ContractFile, root: Path, label: str | None, df: pd.DataFrame | None,
                        sql: SqlTable | None, reference: Any, pool: ThreadPoolExecutor,
                        loaded: Mapping[Path, pd.DataFrame]) -> dict[str, Any]:
    c = cf.contract
    rep = c.representativeness
    if rep is None and reference is None:
        return representativeness_dimension(c, None, None, columns=[], reference_info=None)
    ref_df: pd.DataFrame | None = None
    ref_path: Path | None = None
    ref_src: DatasetSource | None = None
    ref_header: list[str] = []
    sha: Future[str] | None = None
    info: dict[str, Any]
    if isinstance(reference, pd.DataFrame):
        ref_df, info = reference, {"kind": "dataframe", "sha256": frame_fingerprint(reference)[0]}
    elif reference is not None or (rep is not None and not rep.reference.is_sql):
        src = rep.reference if rep is not None and not rep.reference.is_sql else DatasetSource(path=str(reference))
        path = Path(reference) if reference is not None else resolve_data_path(
            src, root, label, contract_path=cf.path, field="representativeness.reference.path")
        ref_path, ref_src = path, src
        sha = pool.submit(sha256_file, path) if path.is_file() else None
        ref_header = read_header(path, src)
        info = {"kind": file_format(path, src), "path": _rel(path, root)}
    else:
        assert rep is not None
        url = sql_url(rep.reference, cf.path, root)
        table = fill_period(str(rep.reference.table), label, file=cf.path, field="representativeness.reference.table")
        ref_sql = SqlTable(url, table, rep.reference.schema_name, contract_path=cf.path)
        info = {"kind": "sql", "url": mask_url(url), "table": table}
    present = list(df.columns) if df is not None else list(sql.columns) if sql is not None else []
    ref_cols = list(ref_df.columns) if ref_df is not None else ref_header if ref_path is not None \
        else list(ref_sql.columns)
    if rep is not None and rep.columns:
        columns = list(rep.columns)
        frames = {"current": pd.DataFrame(columns=present), "reference": pd.DataFrame(columns=ref_cols)}
        check_columns(columns, frames, file=cf.path)
    else:
        columns = [col for col in c.protected_columns if col in present and col in ref_cols]
    if not columns:
        return representativeness_dimension(c, pd.DataFrame(), pd.DataFrame(), columns=[], reference_info=info)
    if ref_path is not None:
        ref_df = _loaded_frame(loaded, ref_path, ref_src) if ref_path.is_file() else None
        if ref_df is None:
            ref_df = read_dataset(ref_path, ref_src, columns=columns)
        info["sha256"] = sha.result() if sha is not None else None
    elif ref_df is None:
        ref_df = ref_sql.read(columns)
        info["sha256"], info["rows"] = ref_sql.fingerprint()
        ref_sql.dispose()
    info.setdefault("rows", len(ref_df))
    current = df if df is not None else (sql.read(columns) if sql is not None and columns else None)
    return representativeness_dimension(c, current, ref_df, columns=columns, reference_info=info)
