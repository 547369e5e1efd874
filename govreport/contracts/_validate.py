"""Running a contract's suite through Great Expectations' own engine and summarising it (Art. 7, 8).

Files are read into pandas (with the contract's encoding and delimiter) and validated by GX's pandas
engine — or, for a Parquet file the caller has already read (``loaded=``), validated from that frame, so a
run reads each file once; SQL tables are validated in the database by GX's SQL engine. Great Expectations is
imported inside :func:`validate` only (≈6 s): nothing here runs at ``import govreport.contracts`` or CLI
start-up.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.periods import parse_period
from ..data.read import (
    SqlTable,
    file_format,
    fill_period,
    frame_fingerprint,
    mask_url,
    read_dataset,
    read_header,
    resolve_data_path,
    sha256_file,
    sql_url,
)
from ..errors import DataError
from ._dimensions import (
    _as_datetime,
    check_columns,
    expectation_dimension,
    find_newest,
    freshness_dimension,
    newest_in_column,
    representativeness_dimension,
)
from ._model import ContractFile, DatasetSource, load_contract
from ._result import (
    _DETECT_ROWS,
    SAMPLE_SIZE,
    ContractResult,
    _key_expectation,
    _no_gx_frame_hash,
    _rel,
    check_present,
    contract_result,
    expectation_entries,
    gx_context,
    undeclared_personal,
)
from ._spark import is_spark_data, validate_on_spark
from ._suite import SuiteFile, build_gx_suite, import_gx, load_suite

__all__ = ["ContractResult", "validate", "SAMPLE_SIZE"]


# -- helpers ----------------------------------------------------------------------------------------------


def _as_of(period: str | None, as_of: date | None) -> tuple[str | None, date]:
    today = datetime.now(UTC).date()
    if period is None:
        return None, as_of or today
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


# -- validate ---------------------------------------------------------------------------------------------
def validate(
    contract: ContractFile | Path | str,
    root: Path | str | None = None,
    *,
    data: Path | str | pd.DataFrame | None = None,
    period: str | None = None,
    as_of: date | None = None,
    reference: Path | str | pd.DataFrame | None = None,
    loaded: Mapping[Path, pd.DataFrame] | None = None,
    spark: Any = None,
) -> ContractResult:
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
    if is_spark_data(data, cf):
        return validate_on_spark(cf, root, sf, data, label, day, reference, warn, t0, spark)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return _validate(cf, root, sf, data, label, day, reference, warn, pool, t0, loaded or {})
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _str_columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its column names as text (GX and the contract name columns by text), not copied when
    they already are."""
    return df if all(isinstance(x, str) for x in df.columns) else df.rename(columns=str)


def _loaded_frame(
    loaded: Mapping[Path, pd.DataFrame], path: Path, src: DatasetSource | None
) -> pd.DataFrame | None:
    """The caller's frame of ``path`` when our own read would give the same frame (Parquet), else None."""
    if not loaded or file_format(path, src) != "parquet":
        return None
    df = loaded.get(path.resolve())
    if df is None or len(df) == 0:
        return None
    return _str_columns(df)


def _validate(
    cf: ContractFile,
    root: Path,
    sf: SuiteFile,
    data: Any,
    label: str | None,
    day: date,
    reference: Any,
    warn: list[str],
    pool: ThreadPoolExecutor,
    t0: float,
    loaded: Mapping[Path, pd.DataFrame],
) -> ContractResult:
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
            dataset = {
                "kind": file_format(data_path, src),
                "path": _rel(data_path, root),
                "bytes": data_path.stat().st_size,
                "fingerprint": "file-sha256",
            }
        else:
            url = sql_url(c.dataset, cf.path, root)
            table = fill_period(str(c.dataset.table), label, file=cf.path, field="dataset.table")
            sql = SqlTable(url, table, c.dataset.schema_name, contract_path=cf.path)
            sha = pool.submit(sql.fingerprint)
            dataset = {
                "kind": "sql",
                "url": mask_url(url),
                "table": table,
                "schema": c.dataset.schema_name,
                "fingerprint": "rows-sha256",
            }
    present = list(df.columns) if df is not None else list(sql.columns)  # type: ignore[union-attr]
    where: Path | str | None = data_path or (f"table {dataset.get('table')}" if sql else None)

    check_present(cf, sf, present, where, warn)

    # -- columns that look like personal data but are not declared: mask them all the same (Art. 8) ----------
    masked = undeclared_personal(df.head(_DETECT_ROWS), cf, warn) if df is not None else set(personal)

    # -- Great Expectations ----------------------------------------------------------------------------------
    extra = _key_expectation(sf, list(c.keys))
    all_exps = [*sf.expectations, *extra]
    gx = import_gx()
    with warnings.catch_warnings(), _no_gx_frame_hash():
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        ctx = gx_context()
        suite, ids = build_gx_suite(sf, extra)
        if df is not None:
            batch = (
                ctx.data_sources.add_pandas("govreport")
                .add_dataframe_asset(c.name)
                .add_batch_definition_whole_dataframe("all")
                .get_batch(batch_parameters={"dataframe": df})
            )
            dataset["engine"] = "great_expectations pandas"
        else:
            assert sql is not None
            batch = _sql_batch(ctx, sql.url, c.name, sql.table, sql.schema)
            dataset["engine"] = f"great_expectations sql ({sql.engine.dialect.name})"
        res = batch.validate(suite)
    exps, rows_seen = expectation_entries(res, all_exps, ids, len(sf.expectations), masked)

    # -- dimensions ------------------------------------------------------------------------------------------
    dims: dict[str, dict[str, Any]] = {
        d: expectation_dimension(d, exps, c.threshold(d)) for d in ("completeness", "validity", "uniqueness")
    }
    newest_in = (
        (lambda col: newest_in_column(df[col]))
        if df is not None
        else (lambda col: _as_datetime(sql.max(col)))
        if sql is not None
        else None
    )  # type: ignore[union-attr]
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
    return contract_result(
        cf,
        sf,
        root,
        bool(res.success),
        rows,
        present,
        dataset,
        exps,
        dims,
        warn,
        label,
        day,
        t0,
        gx.__version__,
        masked,
        len(extra),
    )


def _representativeness(
    cf: ContractFile,
    root: Path,
    label: str | None,
    df: pd.DataFrame | None,
    sql: SqlTable | None,
    reference: Any,
    pool: ThreadPoolExecutor,
    loaded: Mapping[Path, pd.DataFrame],
) -> dict[str, Any]:
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
        src = (
            rep.reference
            if rep is not None and not rep.reference.is_sql
            else DatasetSource(path=str(reference))
        )
        path = (
            Path(reference)
            if reference is not None
            else resolve_data_path(
                src, root, label, contract_path=cf.path, field="representativeness.reference.path"
            )
        )
        ref_path, ref_src = path, src
        sha = pool.submit(sha256_file, path) if path.is_file() else None
        ref_header = read_header(path, src)
        info = {"kind": file_format(path, src), "path": _rel(path, root)}
    else:
        assert rep is not None
        url = sql_url(rep.reference, cf.path, root)
        table = fill_period(
            str(rep.reference.table), label, file=cf.path, field="representativeness.reference.table"
        )
        ref_sql = SqlTable(url, table, rep.reference.schema_name, contract_path=cf.path)
        info = {"kind": "sql", "url": mask_url(url), "table": table}
    present = list(df.columns) if df is not None else list(sql.columns) if sql is not None else []
    ref_cols = (
        list(ref_df.columns)
        if ref_df is not None
        else ref_header
        if ref_path is not None
        else list(ref_sql.columns)
    )
    if rep is not None and rep.columns:
        columns = list(rep.columns)
        frames = {"current": pd.DataFrame(columns=present), "reference": pd.DataFrame(columns=ref_cols)}
        check_columns(columns, frames, file=cf.path)
    else:
        columns = [col for col in c.protected_columns if col in present and col in ref_cols]
    if not columns:
        return representativeness_dimension(
            c, pd.DataFrame(), pd.DataFrame(), columns=[], reference_info=info
        )
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
