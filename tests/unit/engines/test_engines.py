"""The same indicators on pandas, SQLite, PostgreSQL and Spark (govreport.data.sources, govreport.engines).

Every indicator is computed on the pandas path and on each engine from the same rows and compared:
counts, rates, bands, bins, PSI, Cramér's V, AUC/KS and bootstrap intervals exactly; Brier, ECE and the
reliability means to 1e-12 relative (float sums in another order). Bad input gives the same one-line
error on every engine. PostgreSQL runs when GOVREPORT_TEST_PG_URL is set (scripts/test.sh starts one);
Spark tests share one local[2] session and are marked slow.
"""

from __future__ import annotations

import math
import os
import uuid
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from govreport import metrics
from govreport.assessments.model_risk import assess_frames, assess_on_engine
from govreport.contracts import validate_suite_on_spark
from govreport.data.sources import SparkSettings, on_engine, parse_source, spark_session
from govreport.engines import (
    drift_on,
    fairness_on,
    open_frame,
    open_runner,
    proxy_on,
    psi_on,
    quality_on,
)
from govreport.engines._stats import quantiles
from govreport.errors import DataError, GovreportError, InputError, MetricInputError
from tests.conftest import ROOT, skip_or_fail
from tests.unit.run.test_assess_cli import _scored  # the same reproducible score on the real data

FAIR = dict(label="DEFAULT", label_favourable=0, prediction="DECISION", prediction_favourable=1)
QUAL = dict(label="DEFAULT", label_favourable=0, score="PD", score_higher_is="adverse")
FEATURES = ["LIMIT_BAL", "PAY_0", "BILL_AMT1", "EDUCATION"]
#: Keys whose values are float sums the engine adds in its own order.
SUMS = {"brier", "ece", "mean_score", "observed_rate"}


def same(a: Any, b: Any, path: str = "") -> None:
    """Equal, recursively; floats under SUMS keys to 1e-12 relative."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and path.rsplit(".", 1)[-1].split("[")[0] in SUMS:
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def _quality_dict(res: Any) -> dict[str, Any]:
    d = res.to_dict()
    d["settings"].pop("auc_tolerance", None)
    return d


def _error(fn: Any) -> tuple[type, str, str | None, str | None]:
    with pytest.raises(GovreportError) as e:
        fn()
    return type(e.value), e.value.message, e.value.field, e.value.fix


# -- data on every engine ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def scored(credit_df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = _scored(credit_df)
    return df.iloc[15000:].reset_index(drop=True), df.iloc[:15000].reset_index(drop=True)


def _synthetic(n: int = 4000, seed: int = 7) -> pd.DataFrame:
    """Missing values in protected attributes, a text attribute, a continuous non-age attribute, ties."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "age": rng.integers(18, 80, n).astype(float),
            "income": rng.gamma(2.0, 30000.0, n).round(-2),
            "region": rng.choice(
                ["north", "south", "east", "west", "islands"], n, p=[0.3, 0.3, 0.2, 0.15, 0.05]
            ),
            "label": rng.choice(["repaid", "default"], n, p=[0.8, 0.2]),
            "score": rng.beta(2, 6, n).round(3),
        }
    )
    df["decision"] = np.where(df["score"] < 0.3, "approve", "decline")
    df.loc[rng.choice(n, 60, replace=False), "age"] = np.nan
    df.loc[rng.choice(n, 25, replace=False), "region"] = None
    return df


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory, scored: tuple[pd.DataFrame, pd.DataFrame]) -> str:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path_factory.mktemp('engines') / 'bank.db'}"
    eng = sa.create_engine(url)
    cur, ref = scored
    cur.to_sql("cur", eng, index=False)
    ref.to_sql("ref", eng, index=False)
    cur.iloc[:0].to_sql("empty", eng, index=False)
    _synthetic().to_sql("syn", eng, index=False)
    _synthetic(seed=8).to_sql("syn_ref", eng, index=False)
    eng.dispose()
    return url


@pytest.fixture(scope="module")
def pg_db(scored: tuple[pd.DataFrame, pd.DataFrame]):  # noqa: ANN201 - yields a URL
    url = os.environ.get("GOVREPORT_TEST_PG_URL")
    if not url:
        skip_or_fail("GOVREPORT_TEST_PG_URL is not set (scripts/test.sh starts a PostgreSQL server)")
    import sqlalchemy as sa

    schema = f"engines_{uuid.uuid4().hex[:8]}"
    eng = sa.create_engine(url)
    with eng.begin() as con:
        con.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    cur, ref = scored
    for name, frame in (
        ("cur", cur),
        ("ref", ref),
        ("empty", cur.iloc[:0]),
        ("syn", _synthetic()),
        ("syn_ref", _synthetic(seed=8)),
    ):
        frame.to_sql(name, eng, schema=schema, index=False)
    yield f"{url}#{schema}"
    with eng.begin() as con:
        con.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    eng.dispose()


def _src(db: str, table: str) -> str:
    """``url#table``, or ``url#schema.table`` for the PostgreSQL fixture's ``url#schema``."""
    url, _, schema = db.partition("#")
    return f"{url}#{schema + '.' if schema else ''}{table}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


# -- sources -------------------------------------------------------------------------------------------------
def test_parse_source_forms(tmp_path: Path) -> None:
    s = parse_source("data/x.parquet", root=tmp_path)
    assert (s.kind, s.format, s.path) == ("file", "parquet", tmp_path / "data" / "x.parquet")
    assert parse_source("x.csv").format == "csv"
    (tmp_path / "bank.db").touch()
    s = parse_source("sqlite:///bank.db#risk.scored", root=tmp_path)
    assert (s.kind, s.schema, s.table) == ("sql", "risk", "scored")
    assert s.url == f"sqlite:///{(tmp_path / 'bank.db').resolve()}"
    s = parse_source("postgresql+psycopg://u:secret@db/bank", query="SELECT 1 AS a")
    assert s.kind == "sql" and s.query and "secret" not in s.where and "***" in s.where
    assert parse_source("spark:risk.scored").table == "risk.scored"
    s = parse_source("spark+parquet:lake/scored", root=tmp_path)
    assert (s.kind, s.format, s.path) == ("spark", "parquet", tmp_path / "lake" / "scored")
    assert parse_source("spark+parquet:s3a://bucket/scored").path == "s3a://bucket/scored"
    with pytest.raises(InputError, match="needs a table or a query, not neither"):
        parse_source("sqlite:///bank.db", root=tmp_path)
    with pytest.raises(InputError, match="not both"):
        parse_source("sqlite:///bank.db#t", query="SELECT 1", root=tmp_path)
    with pytest.raises(InputError, match="not a Spark table name"):
        parse_source("spark:drop table;")
    with pytest.raises(DataError, match="SQLite database file not found"):
        parse_source("sqlite:///nope.db#t", root=tmp_path)
    s = on_engine("data/scoring_{period}.parquet", "spark", root=tmp_path, period="2026Q3")
    assert (s.kind, s.path) == ("spark", tmp_path / "data" / "scoring_2026Q3.parquet")
    assert on_engine("data/scoring_{period}.parquet", "pandas", root=tmp_path, period="2026Q3").kind == "file"
    assert on_engine("spark:risk.scored", "spark").table == "risk.scored"
    with pytest.raises(InputError, match="the Spark engine reads Parquet"):
        on_engine("data/scoring.csv", "spark", root=tmp_path)


def test_spark_settings_model() -> None:
    s = SparkSettings.model_validate({"master": "spark://head:7077", "conf": {"spark.executor.memory": "8g"}})
    assert s.master == "spark://head:7077" and SparkSettings().master == "local[*]"
    with pytest.raises(ValueError, match="extra"):
        SparkSettings.model_validate({"masters": "local"})


def test_open_frame_reads_every_source(
    sqlite_db: str, scored: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    cur = scored[0]
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    scored[1].to_parquet(tmp_path / "ref.parquet", index=False)
    pd.testing.assert_frame_equal(
        psi_on(str(tmp_path / "cur.parquet"), str(tmp_path / "ref.parquet"), "AGE"),
        psi_on(_src(sqlite_db, "cur"), _src(sqlite_db, "ref"), "AGE"),
    )
    same(
        drift_on(str(tmp_path / "cur.parquet"), str(tmp_path / "ref.parquet"), ["AGE"], score="PD").to_dict(),
        drift_on(_src(sqlite_db, "cur"), _src(sqlite_db, "ref"), ["AGE"], score="PD").to_dict(),
    )
    a = open_frame(parse_source(str(tmp_path / "cur.parquet")), ["SEX", "PD"])
    b = open_frame(parse_source(_src(sqlite_db, "cur")), ["SEX", "PD"])
    q = open_frame(parse_source(sqlite_db, query='SELECT "SEX", "PD" FROM cur WHERE "SEX" = 2'))
    pd.testing.assert_frame_equal(a, cur[["SEX", "PD"]])
    pd.testing.assert_frame_equal(b, cur[["SEX", "PD"]])
    assert len(q) == int((cur.SEX == 2).sum())


# -- the statistics ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("from_value_counts", [100_000, 0], ids=["value-counts", "window-sort"])
def test_engine_quantiles_equal_numpy_bit_for_bit(
    sqlite_db: str,
    scored: tuple[pd.DataFrame, pd.DataFrame],
    from_value_counts: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from govreport.engines import _stats

    monkeypatch.setattr(_stats, "_FROM_VALUE_COUNTS", from_value_counts)
    cur = scored[0]
    qs = [0.0, 0.1, 0.2, 1 / 3, 0.5, 0.8, 0.9, 0.999, 1.0]
    with open_runner(_src(sqlite_db, "cur")) as r, open_runner(_src(sqlite_db, "syn")) as s:
        for col in ("PD", "BILL_AMT1", "AGE"):
            assert quantiles(r, col, qs).tolist() == np.quantile(cur[col].to_numpy(float), qs).tolist(), col
        age = _synthetic()["age"].to_numpy()
        assert quantiles(s, "age", qs).tolist() == np.quantile(age[~np.isnan(age)], qs).tolist()


# -- every indicator, pandas vs SQL --------------------------------------------------------------------------
def test_real_data_indicators_equal_pandas(db: str, scored: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    cur, ref = scored
    src, rsrc = _src(db, "cur"), _src(db, "ref")
    fkw = dict(FAIR, protected=["SEX", "AGE", "EDUCATION", "MARRIAGE"], n_bootstrap=50)
    same(metrics.fairness(cur, **fkw).to_dict(), fairness_on(src, **fkw).to_dict())
    same(
        _quality_dict(metrics.model_quality(cur, **QUAL, reference_gini=0.5)),
        _quality_dict(quality_on(src, **QUAL, reference_gini=0.5)),
    )
    same(
        _quality_dict(metrics.model_quality(cur, **QUAL, calibration_bins="quantile")),
        _quality_dict(quality_on(src, **QUAL, calibration_bins="quantile")),
    )
    same(
        metrics.drift(cur, ref, FEATURES, score="PD").to_dict(),
        drift_on(src, rsrc, FEATURES, score="PD").to_dict(),
    )
    pd.testing.assert_frame_equal(metrics.psi_table(cur["AGE"], ref["AGE"]), psi_on(src, rsrc, "AGE"))
    pkw = dict(justifications={"EDUCATION": "approved"})
    same(
        metrics.proxy_scan(cur, FEATURES, ["SEX", "AGE", "EDUCATION"], **pkw).to_dict(),
        proxy_on(src, FEATURES, ["SEX", "AGE", "EDUCATION"], **pkw).to_dict(),
    )


def test_synthetic_edge_cases_equal_pandas(db: str) -> None:
    """Missing attribute values, text columns and outcomes, quintile bands, explicit bands, no label."""
    df, ref = _synthetic(), _synthetic(seed=8)
    src, rsrc = _src(db, "syn"), _src(db, "syn_ref")
    base = dict(prediction="decision", prediction_favourable="approve", n_bootstrap=20)
    for kw in (
        dict(label="label", label_favourable="repaid", protected=["sex", "age", "income", "region"]),
        dict(
            label="label",
            label_favourable="repaid",
            protected=["age", "region"],
            bands={"age": [30, 50]},
            intersections=[("age", "region")],
            min_group_size=100,
        ),
        dict(label=None, protected=["sex", "region"]),
    ):
        same(metrics.fairness(df, **base, **kw).to_dict(), fairness_on(src, **base, **kw).to_dict())
    qk = dict(label="label", label_favourable="repaid", score="score", score_higher_is="adverse")
    same(_quality_dict(metrics.model_quality(df, **qk)), _quality_dict(quality_on(src, **qk)))
    cols = ["age", "income", "region", "sex"]
    same(
        metrics.drift(df, ref, cols, score="score").to_dict(),
        drift_on(src, rsrc, cols, score="score").to_dict(),
    )
    same(
        metrics.proxy_scan(df, ["income", "region", "score"], ["sex", "age"]).to_dict(),
        proxy_on(src, ["income", "region", "score"], ["sex", "age"]).to_dict(),
    )


def test_assess_on_engine_equals_assess_frames(
    sqlite_db: str, scored: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    cur, ref = scored
    kw = dict(FAIR, protected=["SEX", "AGE"], score="PD", features=FEATURES, n_bootstrap=30)
    a = assess_frames(cur, ref, **kw)
    b = assess_on_engine(_src(sqlite_db, "cur"), _src(sqlite_db, "ref"), **kw)
    for section in ("fairness", "proxy", "drift"):
        same(a.sections[section], b.sections[section])
    b.sections["model_quality"]["settings"].pop("auc_tolerance")
    same(a.sections["model_quality"], b.sections["model_quality"])
    ind_a = {i.id: (i.value, i.status) for i in a.indicators if not i.id.startswith("explain")}
    ind_b = {i.id: (i.value, i.status) for i in b.indicators}
    assert set(ind_a) == set(ind_b) and ind_a == ind_b
    assert any("explainability" in n for n in b.notes)


def test_binned_auc_within_its_reported_tolerance(
    sqlite_db: str, scored: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    exact = metrics.model_quality(scored[0], **QUAL)
    for bins in (100, 10_000):
        binned = quality_on(_src(sqlite_db, "cur"), **QUAL, score_bins=bins)
        tol = binned.settings["auc_tolerance"]
        assert 0 < tol < 0.5 and abs(binned.auc - exact.auc) <= tol
        assert binned.n == exact.n and binned.n_target == exact.n_target
        assert "binned" in binned.settings["auc_method"]
    assert quality_on(_src(sqlite_db, "cur"), **QUAL).settings["auc_tolerance"] == 0.0
    # the report shows the method and the bound next to the AUC
    from govreport.present.html import auc_method

    note = auc_method({"model_quality": {"settings": binned.settings}})
    assert f"誤差上限 ±{tol:.2g}" in note and "binned" in note
    assert "精確計算" in auc_method({"model_quality": {"settings": exact.settings}})


# -- bad input: the same message everywhere ------------------------------------------------------------------
def _bad_inputs(src_cur: str, src_empty: str) -> list[tuple[type, str, str | None, str | None]]:
    fkw = dict(FAIR, protected=["SEX", "AGEE"])
    return [
        _error(lambda: fairness_on(src_cur, **fkw)),
        _error(lambda: quality_on(src_cur, **{**QUAL, "score": "pd"})),
        _error(lambda: fairness_on(src_cur, **{**FAIR, "label_favourable": "0"}, protected=["SEX"])),
        _error(lambda: fairness_on(src_cur, **{**FAIR, "prediction": "EDUCATION"}, protected=["SEX"])),
        _error(lambda: quality_on(src_cur, **{**QUAL, "score": "LIMIT_BAL"})),
        _error(lambda: fairness_on(src_empty, **FAIR, protected=["SEX"])),
    ]


def test_bad_input_same_message_on_every_engine(
    db: str, scored: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    cur = scored[0]
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    cur.iloc[:0].to_parquet(tmp_path / "empty.parquet", index=False)
    on_pandas = _bad_inputs(str(tmp_path / "cur.parquet"), str(tmp_path / "empty.parquet"))
    on_db = _bad_inputs(_src(db, "cur"), _src(db, "empty"))
    assert on_db[:5] == on_pandas[:5]
    assert on_pandas[0][:3] == (
        DataError,
        "the data lacks column(s) AGEE that the assessment needs (did you mean 'AGE'?)",
        "AGEE",
    )
    assert on_pandas[1][1] == "the data lacks column(s) pd that the assessment needs (the data has 'PD')"
    assert on_pandas[2][0] is MetricInputError and "never occurs" in on_pandas[2][1]
    assert on_pandas[3][0] is MetricInputError and "exactly two values" in on_pandas[3][1]
    assert "scores must be probabilities" in on_pandas[4][1]
    assert on_pandas[5][:2] == (DataError, "the file has no rows")
    assert on_db[5][:2] == (DataError, "the table has no rows") and on_db[5][3] == on_pandas[5][3]


# -- Spark ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a SparkSession
    import importlib.util
    import shutil as _shutil

    if importlib.util.find_spec("pyspark") is None or _shutil.which("java") is None:
        skip_or_fail(
            "Spark tests need pyspark and Java: pip install 'govreport[spark]' (scripts/test.sh does) "
            "and a Java 17 runtime (Debian: openjdk-17-jre-headless)"
        )
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    warehouse = tmp_path_factory.mktemp("spark-warehouse")  # saveAsTable writes here, not in the checkout
    session = spark_session(
        SparkSettings(
            master="local[2]",
            conf={"spark.sql.shuffle.partitions": 4, "spark.sql.warehouse.dir": str(warehouse)},
        )
    )
    yield session
    session.stop()


@pytest.mark.slow
def test_spark_equals_pandas(spark: Any, scored: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path) -> None:
    cur, ref = scored
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    _synthetic().to_parquet(tmp_path / "syn.parquet", index=False)
    kw = dict(FAIR, protected=["SEX", "AGE"], score="PD", features=["LIMIT_BAL", "EDUCATION"], n_bootstrap=30)
    a = assess_frames(cur, ref, **kw)
    b = assess_on_engine(
        f"spark+parquet:{tmp_path / 'cur.parquet'}",
        f"spark+parquet:{tmp_path / 'ref.parquet'}",
        spark=spark,
        **kw,
    )
    for section in ("fairness", "proxy", "drift"):
        same(a.sections[section], b.sections[section])
    b.sections["model_quality"]["settings"].pop("auc_tolerance")
    same(a.sections["model_quality"], b.sections["model_quality"])
    assert any("spark" in n for n in b.notes)
    syn = _synthetic()
    fk = dict(
        label="label",
        label_favourable="repaid",
        prediction="decision",
        prediction_favourable="approve",
        protected=["sex", "age", "income", "region"],
        n_bootstrap=20,
    )
    spark.read.parquet(str(tmp_path / "syn.parquet")).write.saveAsTable("engines_syn")
    try:
        same(
            metrics.fairness(syn, **fk).to_dict(),
            fairness_on("spark:engines_syn", spark=spark, **fk).to_dict(),
        )
    finally:
        spark.sql("DROP TABLE IF EXISTS engines_syn")


@pytest.mark.slow
def test_spark_bad_input_same_message(
    spark: Any, scored: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    cur = scored[0]
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    cur.iloc[:0].to_parquet(tmp_path / "empty.parquet", index=False)
    on_pandas = _bad_inputs(str(tmp_path / "cur.parquet"), str(tmp_path / "empty.parquet"))
    with (
        open_runner(f"spark+parquet:{tmp_path / 'cur.parquet'}", spark=spark) as r,
        open_runner(f"spark+parquet:{tmp_path / 'empty.parquet'}", spark=spark) as e,
    ):
        assert _bad_inputs(r, e) == on_pandas  # type: ignore[arg-type]
    assert (
        _error(lambda: open_runner("spark:no_such_table", spark=spark))[1]
        == "Spark table 'no_such_table' does not exist"
    )


@pytest.mark.slow
def test_contract_suite_on_spark_equals_pandas(spark: Any) -> None:
    from govreport.contracts import validate
    from govreport.demo.build import make_scorecard_data

    df = make_scorecard_data(3, n=3000)
    df.loc[:9, "LIMIT_BAL"] = 5  # out of range
    df.loc[10:14, "APPLICATION_ID"] = df.loc[20:24, "APPLICATION_ID"].to_numpy()  # duplicates
    df["PD"] = df["PD"].astype(float)
    df.loc[30:33, "PD"] = np.nan  # missing
    contract = ROOT / "data_contracts" / "card_default_scoring.contract.yaml"
    on_pandas = [
        e for e in validate(contract, ROOT, data=df, reference=df).expectations if e["source"] == "suite"
    ]
    on_spark = validate_suite_on_spark(
        ROOT / "data_contracts" / "card_default_scoring.suite.json", spark.createDataFrame(df)
    )
    assert [(e["type"], e["column"], e["success"], e["unexpected_count"]) for e in on_pandas] == [
        (e["type"], e["column"], e["success"], e["unexpected_count"]) for e in on_spark
    ]
    failed = {(e["type"], e["column"]): e["unexpected_count"] for e in on_spark if not e["success"]}
    assert failed[("expect_column_values_to_be_between", "LIMIT_BAL")] == 10
    assert failed[("expect_column_values_to_be_unique", "APPLICATION_ID")] == 10
    assert failed[("expect_column_values_to_not_be_null", "PD")] == 4
