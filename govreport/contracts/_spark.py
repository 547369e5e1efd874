"""A data contract validated on Spark: the suite JSON, unchanged apart from type names (a type check's
pandas names, such as ``int64`` or ``datetime64[us]``, are read as their Spark types: :func:`spark_types`),
through Great Expectations' Spark execution engine, and the contract's other dimensions by Spark
aggregations (docs/engines.md).

:func:`validate` dispatches here for a ``spark:TABLE`` or ``spark+parquet:PATH`` dataset (its ``data=``
or the contract's ``dataset.path``) or a Spark DataFrame. What comes back to the govreport process is the
same :class:`~govreport.contracts.ContractResult` as on pandas — the same expectations, statuses, values
and masked sample values on the same data — built from:

* **completeness, validity, uniqueness** (the contract's ``keys`` included): GX's Spark engine;
* **freshness**: ``MAX`` of ``freshness.column`` on Spark, or the newest modification time of a local
  ``spark+parquet:`` file or folder (a ``spark:`` table has none: set ``freshness.column``);
* **representativeness**: per column the PSI table of :func:`govreport.engines.psi_on` (bins counted on
  Spark, equal to :func:`govreport.metrics.psi_table`) against the contract's reference — a Spark source,
  or a Parquet file read by Spark; a CSV or SQL reference is small and read into pandas first;
* undeclared personal data: the first 2 000 rows, as on pandas.

The evidence is the SHA-256 of a local Parquet file (as on pandas) or of a folder's files; a ``spark:``
table has none (``fingerprint: none``) — its name and the row count are recorded. pyspark and Great
Expectations are imported inside functions only.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..data.read import fill_period, frame_fingerprint, mask_url, read_dataset, sql_url
from ..data.sources import (
    Source,
    fill_source_period,
    is_spark_text,
    local_files_sha256,
    on_engine,
    parse_source,
    spark_session,
)
from ..engines import SparkRunner, open_frame, open_runner, psi_on, require
from ._dimensions import (
    Newest,
    _as_datetime,
    check_columns,
    expectation_dimension,
    find_newest,
    freshness_dimension,
    representativeness_dimension,
)
from ._model import ContractFile, DatasetSource
from ._result import (
    _DETECT_ROWS,
    SAMPLE_SIZE,
    _key_expectation,
    _mask_sample,
    _rel,
    check_present,
    contract_result,
    expectation_entries,
    gx_context,
    undeclared_personal,
)
from ._suite import SuiteFile, build_gx_suite, columns_of, import_gx, load_suite

__all__ = ["is_spark_data", "validate_on_spark", "gx_validate_spark", "validate_suite_on_spark"]

_INTEGRAL = ("ByteType", "ShortType", "IntegerType", "LongType")
_TIMES = ("TimestampType", "TimestampNTZType", "DateType")
_FRACTIONAL = ("FloatType", "DoubleType", "DecimalType")
#: pandas / Python type names a suite states (``contracts scaffold`` writes them) → the Spark types that hold
#: such values; GX's Spark engine knows only the latter and fails a type check naming none of them
_SPARK_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("int8", "int16", "int32", "int64", "int", "Int8", "Int16", "Int32", "Int64"), _INTEGRAL),
    **dict.fromkeys(("uint8", "uint16", "uint32", "uint64"), _INTEGRAL),
    **dict.fromkeys(("float16", "float32", "float64", "float", "Float32", "Float64"), _FRACTIONAL),
    **dict.fromkeys(("str", "string", "object", "StringDtype"), ("StringType",)),
    **dict.fromkeys(("bool", "boolean", "BooleanDtype"), ("BooleanType",)),
}


def spark_types(exp: dict[str, Any]) -> dict[str, Any]:
    """``exp`` with the pandas type names of a type expectation read as Spark types (``int64`` →
    ``LongType`` …, ``datetime64[us]`` → ``TimestampType``/``TimestampNTZType``/``DateType``); any other
    expectation unchanged. Names that already are Spark types stay."""

    def on_spark(name: str) -> tuple[str, ...]:
        if name.startswith("datetime64"):
            return _TIMES
        return _SPARK_TYPES.get(name, (name,))

    kw = exp.get("kwargs") or {}
    if exp.get("type") == "expect_column_values_to_be_in_type_list" and kw.get("type_list"):
        names = list(dict.fromkeys(t for name in kw["type_list"] for t in on_spark(str(name))))
        return {**exp, "kwargs": {**kw, "type_list": names}}
    if exp.get("type") == "expect_column_values_to_be_of_type" and kw.get("type_"):
        names = list(on_spark(str(kw["type_"])))
        if len(names) == 1:
            return {**exp, "kwargs": {**kw, "type_": names[0]}}
        rest = {k: v for k, v in kw.items() if k != "type_"}
        return {
            **exp,
            "type": "expect_column_values_to_be_in_type_list",
            "kwargs": {**rest, "type_list": names},
        }
    return exp


def is_spark_data(data: Any, cf: ContractFile) -> bool:
    """Whether :func:`validate` runs on Spark: a Spark ``data=`` (source string, Source or DataFrame), or
    no ``data=`` and a contract whose ``dataset.path`` is a Spark source."""
    if data is None:
        return cf.contract.dataset.path is not None and is_spark_text(cf.contract.dataset.path)
    if isinstance(data, Source):
        return data.kind == "spark"
    if isinstance(data, str):
        return is_spark_text(data)
    return type(data).__module__.startswith("pyspark.")  # a pyspark.sql DataFrame (classic or Connect)


def gx_validate_spark(suite: Any, name: str, df: Any) -> Any:
    """A GX suite validated on a Spark DataFrame by GX's Spark execution engine (the GX result)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning)
        ctx = gx_context()
        batch = (
            ctx.data_sources.add_spark("govreport-spark")
            .add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": df})
        )
        return batch.validate(suite)


def _source_text(data: Any, cf: ContractFile, label: str | None) -> Any:
    """The Spark source to open: ``data`` as given, or the contract's path with ``{period}`` filled in."""
    if data is not None:
        return data
    path = str(cf.contract.dataset.path)
    fill_period(path, label, file=cf.path, field="dataset.path")  # the error when {period} has no period
    return fill_source_period(path, label)


def _open(data: Any, root: Path, spark: Any) -> Any:
    if isinstance(data, str):
        data = parse_source(data, root=root)
    if type(data).__module__.startswith("pyspark."):
        return SparkRunner(spark or data.sparkSession, data, "the Spark DataFrame")
    return open_runner(data, spark=spark)


def validate_on_spark(
    cf: ContractFile,
    root: Path,
    sf: SuiteFile,
    data: Any,
    label: str | None,
    day: date,
    reference: Any,
    warn: list[str],
    t0: float,
    spark: Any = None,
) -> Any:
    """:func:`govreport.contracts.validate` of a Spark dataset (see the module docstring)."""
    c = cf.contract
    data = _source_text(data, cf, label)
    if spark is None and not type(data).__module__.startswith("pyspark."):
        spark = spark_session()
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        with _open(data, root, spark) as runner:
            local = Path(runner.where) if runner.is_file and "://" not in runner.where else None
            sha: Future[tuple[str, int]] | None = None
            if local is not None:
                sha = pool.submit(local_files_sha256, local)  # hashed while Spark works
            rows = _count(runner)
            require(runner, [])  # "the file/table has no rows", as on pandas
            present = list(runner.columns)
            check_present(cf, sf, present, local or runner.where, warn)
            masked = undeclared_personal(_head(runner), cf, warn)

            extra = _key_expectation(sf, list(c.keys))
            suite, ids = build_gx_suite(sf, extra, adapt=spark_types)
            cached = runner.df.is_cached
            res = gx_validate_spark(suite, c.name, runner.df)
            all_exps = [*sf.expectations, *extra]
            exps, _ = expectation_entries(res, all_exps, ids, len(sf.expectations), masked)
            _duplicates_in_row_order(runner, all_exps, exps, masked)
            dims: dict[str, dict[str, Any]] = {
                d: expectation_dimension(d, exps, c.threshold(d))
                for d in ("completeness", "validity", "uniqueness")
            }
            dims["freshness"] = freshness_dimension(c, _newest(cf, runner, local, warn), day)
            dims["representativeness"] = _representativeness(cf, root, label, runner, reference, spark)
            if runner.df.is_cached and not cached:  # GX persisted the batch's DataFrame: hand the memory back
                runner.df.unpersist()
        if isinstance(data, Source | str):
            text = data.text if isinstance(data, Source) else data
        else:
            text = "a Spark DataFrame"
        dataset: dict[str, Any] = {
            "kind": "parquet" if local else "spark",
            "source": text,
            "path": _rel(local, root) if local else None,
            "engine": f"great_expectations spark ({runner.spark.sparkContext.master})",
        }
        if sha is not None:
            dataset["sha256"], dataset["bytes"] = sha.result()
            dataset["fingerprint"] = "file-sha256" if local and local.is_file() else "files-sha256"
        else:
            dataset.update(
                sha256=None, fingerprint="none (a Spark table: its name and row count are recorded)"
            )
        gx = import_gx()
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
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _duplicates_in_row_order(
    runner: Any, all_exps: list[dict[str, Any]], exps: list[dict[str, Any]], masked: set[str]
) -> None:
    """The sample values of a failed uniqueness expectation in the data's row order, as on pandas (GX's
    Spark engine finds duplicates through a shuffle, which returns them grouped by value)."""
    for exp, entry in zip(all_exps, exps, strict=True):
        kw = exp.get("kwargs") or {}
        if (
            entry["success"]
            or entry.get("error")
            or kw.get("row_condition")
            or exp["type"]
            not in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")
        ):
            continue
        cols = columns_of(exp)
        qs = [runner.q(c) for c in cols]
        if exp["type"] == "expect_column_values_to_be_unique":
            keep = f"{qs[0]} IS NOT NULL"
        else:
            ignore = kw.get("ignore_row_if", "all_values_are_missing")
            joined = " AND " if ignore == "all_values_are_missing" else " OR "
            keep = "TRUE" if ignore == "never" else f"NOT ({joined.join(f'{q} IS NULL' for q in qs)})"
        names = ", ".join(qs)
        sql = (
            f"SELECT {names} FROM (SELECT {names}, monotonically_increasing_id() AS _rid, COUNT(*) OVER "
            f"(PARTITION BY {names}) AS _n FROM (SELECT * FROM {runner.relation} WHERE {keep}) d) w "
            f"WHERE _n > 1 ORDER BY _rid LIMIT {SAMPLE_SIZE}"
        )
        rows = runner.rows(sql)
        values = [r[0] if len(cols) == 1 else dict(zip(cols, r, strict=True)) for r in rows]
        entry["sample_unexpected"] = [_mask_sample(v, cols, masked) for v in values]


def _count(runner: Any) -> int:
    """The row count, and which integral columns hold missing values (one scan): pandas reads those as
    floats, so the personal-data check skips them there and here alike."""
    ints = [c for c in runner.columns if runner.types[c] in _INTEGRAL]
    row = runner.rows(
        f"SELECT COUNT(*){''.join(f', COUNT({runner.q(c)})' for c in ints)} FROM {runner.relation}"
    )[0]
    runner.__dict__["_rows"] = int(row[0])
    runner.__dict__["_nullable_ints"] = [
        c for c, n in zip(ints, row[1:], strict=True) if int(n) < int(row[0])
    ]
    return int(row[0])


def _head(runner: Any) -> pd.DataFrame:
    """The first 2 000 rows with the dtypes pandas gives the whole column (the personal-data check)."""
    head = runner.arrow_frame(f"SELECT * FROM {runner.relation} LIMIT {_DETECT_ROWS}")
    for col in runner.__dict__.get("_nullable_ints", []):
        head[col] = head[col].astype("float64")
    return head


def _newest(cf: ContractFile, runner: Any, local: Path | None, warn: list[str]) -> Newest | None:
    def newest_in(col: str) -> datetime | None:
        kind, q = runner.types.get(col), runner.q(col)
        expr = (
            f"MAX({q})" if kind in _TIMES else f"MAX(try_to_timestamp({q}))" if kind == "StringType" else None
        )
        return _as_datetime(runner.rows(f"SELECT {expr} FROM {runner.relation}")[0][0]) if expr else None

    return find_newest(cf.contract, newest_in, local, "a Spark table", warn)


def _reference(
    cf: ContractFile, root: Path, label: str | None, reference: Any, spark: Any, columns: list[str] | None
) -> tuple[Any, dict[str, Any]]:
    """The reference as a Spark runner, and its ``reference`` info (kind, where, SHA-256 of local files)."""
    rep = cf.contract.representativeness
    if isinstance(reference, pd.DataFrame):
        frame, info = reference, {"kind": "dataframe", "sha256": frame_fingerprint(reference)[0]}
        return SparkRunner(spark, spark.createDataFrame(frame), "the reference DataFrame"), info
    if reference is None and rep is not None and rep.reference.is_sql:  # a database table: small, into pandas
        src = rep.reference
        table = fill_period(str(src.table), label, file=cf.path, field="representativeness.reference.table")
        ref = parse_source(
            f"{sql_url(src, cf.path, root)}#{(src.schema_name + '.') if src.schema_name else ''}{table}"
        )
        info = {"kind": "sql", "url": mask_url(str(ref.url)), "table": table}
        frame = open_frame(ref, columns)
        return SparkRunner(spark, spark.createDataFrame(frame), ref.where), info
    if reference is not None:
        text = reference.text if isinstance(reference, Source) else str(reference)
    else:
        assert rep is not None
        text = str(rep.reference.path)
        fill_period(text, label, file=cf.path, field="representativeness.reference.path")
    src = on_engine(text, "spark", root=root, period=label, strict=False)
    if src.kind == "spark":
        runner = open_runner(src, spark=spark)
        local = Path(runner.where) if runner.is_file and "://" not in runner.where else None
        info = {
            "kind": "parquet" if local else "spark",
            "path": str(src.path) if local else None,
            "source": src.text,
        }
        if local is not None:
            info["sha256"] = local_files_sha256(local)[0]
        return runner, info
    assert src.path is not None and not is_spark_text(text)  # a CSV / JSON Lines file: read into pandas
    path = Path(src.path)
    frame = read_dataset(
        path,
        rep.reference if rep is not None and reference is None else DatasetSource(path=str(path)),
        columns=columns,
    )
    info = {"kind": src.format, "path": str(path), "sha256": local_files_sha256(path)[0]}
    return SparkRunner(spark, spark.createDataFrame(frame), str(path)), info


def _representativeness(
    cf: ContractFile, root: Path, label: str | None, runner: Any, reference: Any, spark: Any
) -> dict[str, Any]:
    c = cf.contract
    rep = c.representativeness
    if rep is None and reference is None:
        return representativeness_dimension(c, None, None, columns=[], reference_info=None)
    named = list(rep.columns) if rep is not None and rep.columns else None
    ref, info = _reference(cf, root, label, reference, spark or runner.spark, named)
    with ref:
        if info.get("path"):
            info["path"] = _rel(Path(info["path"]), root)
        if named:
            columns = named
            frames = {
                "current": pd.DataFrame(columns=runner.columns),
                "reference": pd.DataFrame(columns=ref.columns),
            }
            check_columns(columns, frames, file=cf.path)
        else:
            columns = [col for col in c.protected_columns if col in runner.columns and col in ref.columns]
        if not columns:
            return representativeness_dimension(
                c, pd.DataFrame(), pd.DataFrame(), columns=[], reference_info=info
            )
        info.setdefault("rows", ref.count())
        runner.profile(columns)  # one scan of each side for every column's counts, not one per column
        ref.profile(columns)
        return representativeness_dimension(
            c,
            None,
            None,
            columns=columns,
            reference_info=info,
            psi=lambda col, bins: psi_on(runner, ref, col, bins),
        )


def validate_suite_on_spark(suite_path: Path | str, df: Any) -> list[dict[str, Any]]:
    """Run a Great Expectations suite JSON, unchanged, on a Spark DataFrame with GX's Spark engine.

    Returns one entry per expectation, in suite order: ``type``, ``column``, ``success``,
    ``element_count``, ``unexpected_count``, ``observed_value`` — the fields the contract summary uses.
    """
    sf = load_suite(Path(suite_path))
    suite, ids = build_gx_suite(sf, [], adapt=spark_types)
    res = gx_validate_spark(suite, sf.name, df)
    by_id = {r.expectation_config.id: r for r in res.results}
    out = []
    for exp, eid in zip(sf.expectations, ids, strict=True):
        r = by_id[eid]
        result = r.result or {}
        kw = exp.get("kwargs") or {}
        out.append(
            {
                "type": exp["type"],
                "column": kw.get("column"),
                "success": bool(r.success),
                "element_count": result.get("element_count"),
                "unexpected_count": result.get("unexpected_count"),
                "observed_value": result.get("observed_value"),
            }
        )
    return out
