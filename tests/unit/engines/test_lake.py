"""A workspace on the lake (issue 10): datasets that exist only as Spark sources run end to end.

* ``runner._inputs`` records ``spark:`` / ``spark+parquet:`` sources (local Parquet files hashed, a
  missing path named as for a file), and ``{period}`` fills a Spark table name with ``_`` for ``-``;
* the deterministic explainability sample (:func:`govreport.engines.sample_frame`);
* a data contract validated on Spark (GX's Spark engine, dimensions by Spark aggregations) equals the
  pandas validation on the same data;
* end to end through the real runner (Papermill): the demo's card-default system with its data moved to
  ``lake/`` as ``spark+parquet:`` sources gives the pandas run's results.json; a missing file, a missing
  Spark table and a missing column fail that job in one line while the other systems run.

Real Spark ``local[2]``, real Great Expectations, real kernels; the Spark tests are marked slow.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from govreport.contracts import validate
from govreport.core.periods import parse_period
from govreport.data.sources import fill_source_period, on_engine, spark_dataset
from govreport.errors import DataError, GovreportError
from govreport.run.runner import _inputs
from govreport.workspace.config import CONFIG_FILE, Workspace
from tests.conftest import ROOT
from tests.unit.engines.test_engines import spark  # noqa: F401 - the shared local[2] session fixture

CONTRACT = ROOT / "data_contracts" / "card_default_scoring.contract.yaml"
SUITE = ROOT / "data_contracts" / "card_default_scoring.suite.json"
#: Keys of a contract result that name where the data is and how long it took, not what it holds.
WHERE = {"dataset", "seconds"}


# -- sources and the runner's inputs (no Spark) --------------------------------------------------------------
def test_period_in_spark_sources(tmp_path: Path) -> None:
    assert fill_source_period("spark:risk.scored_{period}", "2026-07") == "spark:risk.scored_2026_07"
    assert (
        fill_source_period("spark+parquet:lake/scored_{period}.parquet", "2026-07")
        == "spark+parquet:lake/scored_2026-07.parquet"
    )
    assert on_engine("spark:risk.scored_{period}", "pandas", period="2026Q3").table == "risk.scored_2026Q3"
    src = spark_dataset("spark+parquet:lake/s_{period}.parquet", "pandas", root=tmp_path, period="2026Q3")
    assert src is not None and (src.kind, src.path) == ("spark", tmp_path / "lake" / "s_2026Q3.parquet")
    assert spark_dataset("data/s.parquet", "pandas", root=tmp_path, period=None) is None
    assert spark_dataset("data/s.parquet", "spark", root=tmp_path, period=None).kind == "spark"  # type: ignore[union-attr]
    assert spark_dataset("data/chats.jsonl", "spark", root=tmp_path, period=None) is None  # text stays pandas


def test_runner_inputs_record_lake_sources(tmp_path: Path) -> None:
    from govreport.data.read import sha256_file
    from govreport.workspace.inventory import Inventory
    from govreport.workspace.scaffold import init_workspace

    root = init_workspace(tmp_path / "ws", name_zh="測試", name_en="Test")
    df = pd.DataFrame({"x": [1, 2, 3]})
    (root / "lake" / "folder").mkdir(parents=True)
    df.to_parquet(root / "lake" / "s_2026Q3.parquet", index=False)
    df.to_parquet(root / "lake" / "folder" / "part-0.parquet", index=False)
    (root / "lake" / "folder" / "_SUCCESS").touch()
    from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE

    record = SYSTEM_BASE.replace("{factors}", LOW_FACTORS.replace("{", "{{").replace("}", "}}")).format(
        id="lake-sys", template="probe"
    ) + (
        "datasets:\n"
        '  - {name: scoring, role: scoring, path: "spark+parquet:lake/s_{period}.parquet"}\n'
        '  - {name: reference, role: reference, path: "spark+parquet:lake/folder"}\n'
        '  - {name: other, role: other, path: "spark:risk.t_{period}"}\n'
    )
    (root / "systems" / "lake-sys.yaml").write_text(record, encoding="utf-8")
    ws = Workspace.load(root)
    system = Inventory.load(ws).get("lake-sys")
    inputs, missing = _inputs(ws, system, parse_period("2026Q3"))
    assert missing == []
    by_name = {i["name"]: i for i in inputs}
    assert by_name["scoring"]["path"] == "spark+parquet:lake/s_2026Q3.parquet"
    assert by_name["scoring"]["sha256"] == sha256_file(root / "lake" / "s_2026Q3.parquet")  # as for a file
    assert by_name["reference"]["sha256"] and by_name["reference"]["bytes"] > 0  # a folder: its parts hashed
    assert by_name["other"] == {
        "name": "other",
        "role": "other",
        "path": "spark:risk.t_2026Q3",
        "sha256": None,
    }
    _, missing = _inputs(ws, system, parse_period("2026Q2"))
    assert missing == ["dataset 'scoring' not found at lake/s_2026Q2.parquet"]
    # a template opened by hand without a period takes the latest lake file's
    df.to_parquet(root / "lake" / "s_2026Q1.parquet", index=False)
    from govreport.run.context import open_context

    assert open_context(root, "lake-sys", None, tmp_path / "out", template="probe").period.label == "2026Q3"


# -- the explainability sample -------------------------------------------------------------------------------
@pytest.mark.slow
def test_explain_sample_is_deterministic_and_whole_when_small(spark: Any, tmp_path: Path) -> None:  # noqa: F811
    from govreport.demo.build import make_scorecard_data
    from govreport.engines import sample_frame

    df = make_scorecard_data(0, n=3000)
    df.to_parquet(tmp_path / "one.parquet", index=False)
    whole = sample_frame(f"spark+parquet:{tmp_path / 'one.parquet'}", 3000, spark=spark)
    pd.testing.assert_frame_equal(
        whole, pd.read_parquet(tmp_path / "one.parquet")
    )  # every row, in file order
    assert whole.attrs["sample"]["rows"] == whole.attrs["sample"]["of"] == 3000
    a = sample_frame(f"spark+parquet:{tmp_path / 'one.parquet'}", 500, spark=spark)
    b = sample_frame(f"spark+parquet:{tmp_path / 'one.parquet'}", 500, spark=spark)
    spark.read.parquet(str(tmp_path / "one.parquet")).repartition(3).write.parquet(str(tmp_path / "three"))
    c = sample_frame(f"spark+parquet:{tmp_path / 'three'}", 500, spark=spark)  # other files, other partitions
    assert (a.attrs["sample"]["rows"], a.attrs["sample"]["of"]) == (500, 3000)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)
    assert a["APPLICATION_ID"].is_unique and set(a["APPLICATION_ID"]) <= set(df["APPLICATION_ID"])
    assert not a["APPLICATION_ID"].equals(df["APPLICATION_ID"].head(500))  # not simply the first rows


# -- data contracts on Spark ---------------------------------------------------------------------------------
def _planted(n: int = 3000) -> pd.DataFrame:
    """The demo's scored applications with out-of-range values, duplicate keys, missing scores and a
    scoring time stamp (ISO text with an offset)."""
    from govreport.demo.build import make_scorecard_data

    df = make_scorecard_data(3, n=n)
    df.loc[:9, "LIMIT_BAL"] = 5
    df.loc[10:14, "APPLICATION_ID"] = df.loc[20:24, "APPLICATION_ID"].to_numpy()
    df["PD"] = df["PD"].astype(float)
    df.loc[30:33, "PD"] = np.nan
    df["SCORED_AT"] = pd.date_range("2026-07-01", periods=n, freq="37min").strftime("%Y-%m-%dT%H:%M:%S+08:00")
    return df


def _contract(tmp_path: Path, **changes: Any) -> Path:
    d = tmp_path / "data_contracts"
    d.mkdir(exist_ok=True)
    shutil.copy(SUITE, d / SUITE.name)
    doc = yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))
    doc.update(changes)
    path = d / CONTRACT.name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _without_where(result: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in result.items() if k not in WHERE}
    rep = dict(out["dimensions"]["representativeness"])
    ref = dict(rep.pop("reference", {}) or {})
    rep["reference"] = {k: ref.get(k) for k in ("sha256", "rows")}
    out["dimensions"] = {**out["dimensions"], "representativeness": rep}
    return out


@pytest.mark.slow
def test_contract_on_spark_equals_pandas(spark: Any, tmp_path: Path) -> None:  # noqa: F811
    cur, ref = _planted(), _planted(2000).drop(columns="SCORED_AT")
    cur.to_parquet(tmp_path / "cur.parquet", index=False)
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    for changes in (
        {},
        {"keys": ["APPLICATION_ID", "SEX"], "freshness": {"column": "SCORED_AT", "max_age_days": 30}},
    ):
        contract = _contract(tmp_path, **changes)
        on_pandas = validate(
            contract,
            tmp_path,
            data=tmp_path / "cur.parquet",
            reference=tmp_path / "ref.parquet",
            period="2026Q3",
        ).to_dict()
        on_spark = validate(
            contract,
            tmp_path,
            data=f"spark+parquet:{tmp_path / 'cur.parquet'}",
            reference=f"spark+parquet:{tmp_path / 'ref.parquet'}",
            period="2026Q3",
            spark=spark,
        ).to_dict()
        assert _without_where(on_spark) == _without_where(on_pandas), changes
        assert on_spark["dataset"]["sha256"] == on_pandas["dataset"]["sha256"]  # the file's own SHA-256
        assert on_spark["dataset"]["engine"] == "great_expectations spark (local[2])"
    dims = on_spark["dimensions"]
    assert (
        dims["uniqueness"]["status"] == "red" and dims["freshness"]["newest"] == "2026-09-15T17:23:00"
    )  # 01:23 at +08:00
    assert dims["representativeness"]["value"] is not None and dims["representativeness"]["columns"]
    dup = next(e for e in on_spark["expectations"] if e["type"] == "expect_compound_columns_to_be_unique")
    assert dup["unexpected_count"] > 0 and all(
        "APP" in str(v) and "*" in str(v) for v in dup["sample_unexpected"]
    )

    # a Spark table: the contract's own dataset path, no file time (a note), the same expectations
    spark.read.parquet(str(tmp_path / "cur.parquet")).write.saveAsTable("lake_scored_2026Q3")
    try:
        contract = _contract(
            tmp_path,
            dataset={"path": "spark:lake_scored_{period}"},
            representativeness={
                "reference": {"path": str(tmp_path / "ref.parquet")},
                "columns": ["AGE", "SEX", "MARRIAGE", "LIMIT_BAL", "PAY_0"],
            },
        )
        table = validate(contract, tmp_path, period="2026Q3", spark=spark).to_dict()
    finally:
        spark.sql("DROP TABLE IF EXISTS lake_scored_2026Q3")
    base = validate(
        _contract(tmp_path),
        tmp_path,
        data=tmp_path / "cur.parquet",
        period="2026Q3",
        reference=tmp_path / "ref.parquet",
    ).to_dict()
    assert table["expectations"] == base["expectations"]
    assert (
        table["dimensions"]["representativeness"]["columns"]
        == base["dimensions"]["representativeness"]["columns"]
    )
    assert table["dataset"]["sha256"] is None and table["dataset"]["source"] == "spark:lake_scored_2026Q3"
    assert table["dimensions"]["freshness"]["note"] == "no file time for a Spark table: set freshness.column"


@pytest.mark.slow
def test_contract_bad_input_on_spark_same_message(spark: Any, tmp_path: Path) -> None:  # noqa: F811
    contract = _contract(tmp_path)
    df = _planted(500).drop(columns=["PD"])
    df.to_parquet(tmp_path / "nopd.parquet", index=False)
    df.iloc[:0].to_parquet(tmp_path / "empty.parquet", index=False)

    def err(data: Any) -> tuple[type, str, str | None, str | None]:
        with pytest.raises(GovreportError) as e:
            validate(contract, tmp_path, data=data, period="2026Q3", spark=spark)
        assert "\n" not in str(e.value)
        return type(e.value), e.value.message, e.value.field, e.value.fix

    for name in ("nopd", "empty"):
        assert err(f"spark+parquet:{tmp_path / name}.parquet") == err(tmp_path / f"{name}.parquet"), name
    assert err(f"spark+parquet:{tmp_path / 'nopd.parquet'}")[1].startswith("the data lacks column(s) PD")
    kind, message, _, _ = err("spark:no_such_table")
    assert (kind, message) == (DataError, "Spark table 'no_such_table' does not exist")


# -- end to end through the runner ---------------------------------------------------------------------------
def _lake_workspace(demo_root: Path, dest: Path, **engine: Any) -> Path:
    """The demo with card-default's data only in lake/ (spark+parquet:), data/card-default/ removed."""
    shutil.copytree(demo_root, dest, ignore=shutil.ignore_patterns("site"))  # copy2: file times kept
    (dest / "lake").mkdir()
    shutil.move(dest / "data" / "card-default", dest / "lake" / "card-default")
    for f in (dest / "lake" / "card-default").glob("scoring_*.parquet"):
        f.rename(f.with_name(f.name.replace("scoring_", "scored_")))
    for rel in (
        "systems/card-default.yaml",
        "data_contracts/card_default_scoring.contract.yaml",
        "data_contracts/card_default_training.contract.yaml",
    ):
        p = dest / rel
        if not p.is_file():  # the bundled training contract, when the workspace does not keep its own copy
            continue
        text = p.read_text(encoding="utf-8")
        for name in ("reference", "training"):  # the training set (issue 21) lives in the lake too
            text = text.replace(
                f"data/card-default/{name}.parquet", f"spark+parquet:lake/card-default/{name}.parquet"
            )
        text = text.replace(
            "data/card-default/scoring_{period}.parquet",
            "spark+parquet:lake/card-default/scored_{period}.parquet",
        )
        assert "spark+parquet:lake" in text
        p.write_text(text, encoding="utf-8")
    settings = {
        "kind": "spark",
        "spark": {"master": "local[2]", "conf": {"spark.sql.shuffle.partitions": 4}},
        **engine,
    }
    cfg = dest / CONFIG_FILE
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + "engine: " + json.dumps(settings) + "\n", encoding="utf-8"
    )
    return dest


def _run(root: Path, period: str, *systems: str) -> subprocess.CompletedProcess[str]:
    args = [a for s in systems for a in ("--system", s)]
    return subprocess.run(
        [sys.executable, "-m", "govreport", "run", "--period", period, *args, "--workspace", str(root)],
        capture_output=True,
        text=True,
        timeout=900,
    )


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)  # float sums in Spark's order
    return a == b


@pytest.mark.slow
def test_a_workspace_on_the_lake_runs_end_to_end(demo_workspace: Workspace, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="the Spark extra: pip install 'govreport[spark]'")  # CI installs it
    root = _lake_workspace(demo_workspace.root, tmp_path / "lake")
    assert not (root / "data" / "card-default").exists()
    r = _run(root, "2026Q3", "card-default")
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    rel = Path("reports", "2026Q3", "card-default", "model_risk")
    pandas_run = json.loads((demo_workspace.root / rel / "v1" / "results.json").read_text(encoding="utf-8"))
    lake_dir = root / rel / "v2"
    lake_run = json.loads((lake_dir / "results.json").read_text(encoding="utf-8"))

    # every indicator: id, value, status, dimension (Brier and ECE to float summation order)
    assert [i["id"] for i in lake_run["indicators"]] == [i["id"] for i in pandas_run["indicators"]]
    for p, s in zip(pandas_run["indicators"], lake_run["indicators"], strict=True):
        assert (s["status"], s["dimension"]) == (p["status"], p["dimension"]), p["id"]
        assert _close(s["value"], p["value"]), (p["id"], s["value"], p["value"])
    assert lake_run["status"] == pandas_run["status"]
    for section in ("fairness", "proxy", "drift"):
        assert lake_run[section] == pandas_run[section], section
    sq, pq = lake_run["model_quality"], pandas_run["model_quality"]
    assert (sq["n"], sq["auc"], sq["gini"], sq["ks"]) == (pq["n"], pq["auc"], pq["gini"], pq["ks"])
    assert _close(sq["brier"], pq["brier"]) and _close(sq["ece"], pq["ece"])

    # explainability: on a sample pulled from Spark — here every row, so the pandas figures
    explain = dict(lake_run["explainability"])
    assert explain.pop("sample") == {"rows": 20000, "of": 20000, "max_rows": 100000}
    assert explain == pandas_run["explainability"]
    note = next(n for n in lake_run["notes"] if n.startswith("explainability"))
    assert "a sample of 20,000 of 20,000 scored rows pulled from Spark" in note
    assert note in (lake_dir / "report.html").read_text(encoding="utf-8")

    # the data contract on Spark: the same expectations and dimensions; the evidence the same file SHA-256
    dq_lake = lake_run["data_quality"]["card_default_scoring"]
    dq_pandas = pandas_run["data_quality"]["card_default_scoring"]
    assert dq_lake["dataset"]["engine"] == "great_expectations spark (local[2])"
    assert dq_lake["dataset"]["sha256"] == dq_pandas["dataset"]["sha256"]
    lake_cmp, pandas_cmp = _without_where(dq_lake), _without_where(dq_pandas)
    lake_cmp.pop("contract_file"), pandas_cmp.pop("contract_file")  # the contract names the lake path
    assert lake_cmp == pandas_cmp

    from govreport.evidence.queries import open_store

    rec = list(open_store(Workspace.load(root)).records(system_id="card-default", period="2026Q3"))[-1]
    inputs = {i["name"]: i for i in rec.inputs}
    assert inputs["scoring"]["path"] == "spark+parquet:lake/card-default/scored_2026Q3.parquet"
    assert inputs["scoring"]["sha256"] == dq_pandas["dataset"]["sha256"]
    # Spark's Java process, started inside the job, never wrote into the job's recorded worker.log
    assert "log" in rec.outputs and open_store(Workspace.load(root)).verify() == []
    assert not list((root / ".govreport" / "logs").glob("*.log")) or all(
        "Traceback" not in f.read_text(errors="replace") for f in (root / ".govreport" / "logs").glob("*.log")
    )


@pytest.mark.slow
def test_lake_bad_inputs_fail_that_job_in_one_line(demo_workspace: Workspace, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="the Spark extra: pip install 'govreport[spark]'")
    root = _lake_workspace(demo_workspace.root, tmp_path / "lake")
    pandas_root = tmp_path / "pandas"
    shutil.copytree(demo_workspace.root, pandas_root, ignore=shutil.ignore_patterns("site"))
    # 2026Q2: card-default's file is missing, txn-monitoring names a Spark table that does not exist
    (root / "lake" / "card-default" / "scored_2026Q2.parquet").unlink()
    (pandas_root / "data" / "card-default" / "scoring_2026Q2.parquet").unlink()
    txn = root / "systems" / "txn-monitoring.yaml"
    txn.write_text(
        txn.read_text(encoding="utf-8").replace(
            "data/txn-monitoring/scoring_{period}.parquet", "spark:risk.txn_scored_{period}"
        ),
        encoding="utf-8",
    )
    # 2026Q1: the scored data lacks PAY_0, a model feature, on the lake and in the pandas copy alike
    for f in (
        root / "lake" / "card-default" / "scored_2026Q1.parquet",
        pandas_root / "data" / "card-default" / "scoring_2026Q1.parquet",
    ):
        pd.read_parquet(f).drop(columns="PAY_0").to_parquet(f, index=False)

    from govreport.evidence.queries import open_store

    def error(ws_root: Path, system: str, period: str) -> str:
        recs = [  # model_risk's record (the system's data_quality audit reads the same data)
            r
            for r in open_store(Workspace.load(ws_root)).records(system_id=system, period=period)
            if r.template == "model_risk"
        ]
        assert recs[-1].status == "failed"
        assert "\n" not in recs[-1].error
        return recs[-1].error

    # a missing file stops a manual run before anything starts, the expected path named on either engine
    # (a scheduled run records it as that system's failure: tests/unit/schedule)
    for ws_root, path in (
        (root, "lake/card-default/scored_2026Q2.parquet"),
        (pandas_root, "data/card-default/scoring_2026Q2.parquet"),
    ):
        before = len(open_store(Workspace.load(ws_root)).records())
        pre = _run(ws_root, "2026Q2", "card-default")
        assert pre.returncode == 2, pre.stderr
        assert f"missing: card-default: dataset 'scoring' not found at {path}" in pre.stderr
        assert len(open_store(Workspace.load(ws_root)).records()) == before
    # a Spark table that does not exist fails that job, in one line, and the others run
    lake = _run(root, "2026Q2", "txn-monitoring", "cs-assistant")
    assert lake.returncode == 1
    assert (
        "2026Q2: 1 succeeded, 2 failed" in lake.stdout
    )  # txn-monitoring's model_risk and data_quality and "cs-assistant/genai_review: " in lake.stdout
    assert error(root, "txn-monitoring", "2026Q2").endswith(
        f"DataError: {root / 'systems' / 'txn-monitoring.yaml'}: field 'datasets.path': Spark table "
        "'risk.txn_scored_2026Q2' does not exist — check the table name (spark:DATABASE.TABLE) and the "
        "session's catalogue"
    )

    lake, pandas = _run(root, "2026Q1", "card-default"), _run(pandas_root, "2026Q1", "card-default")
    assert lake.returncode == pandas.returncode == 1
    lake_error, pandas_error = (
        error(root, "card-default", "2026Q1"),
        error(pandas_root, "card-default", "2026Q1"),
    )
    assert "MetricInputError: field 'PAY_0': the scored data lacks the column(s) PAY_0" in pandas_error
    assert lake_error == pandas_error


@pytest.mark.slow
def test_explainability_on_a_sample_of_a_larger_lake_table(
    demo_workspace: Workspace,
    tmp_path: Path,
    spark: Any,  # noqa: F811 - the fixture imported above
) -> None:
    """More rows than engine.explain_sample_rows: explainability runs on that many, and says so."""
    from govreport.assessments.model_risk import assess_predictive
    from govreport.run.context import open_context

    root = _lake_workspace(demo_workspace.root, tmp_path / "lake", explain_sample_rows=5000)
    ctx = open_context(root, "card-default", "2026Q3", tmp_path / "out", template="model_risk")
    first = ctx.load("scoring")
    assert (len(first), first.attrs["sample"]["of"]) == (5000, 20000)
    pd.testing.assert_frame_equal(first, ctx.load("scoring"))  # the same sample each time
    a = assess_predictive(ctx)
    assert a.sections["explainability"]["sample"] == {"rows": 5000, "of": 20000, "max_rows": 5000}
    note = next(n for n in a.notes if n.startswith("explainability"))
    assert "a sample of 5,000 of 20,000 scored rows pulled from Spark (a deterministic sample" in note
    assert [i.id for i in a.indicators if i.dimension == "explainability"]
    pandas_run = json.loads(
        (
            demo_workspace.root / "reports" / "2026Q3" / "card-default" / "model_risk" / "v1" / "results.json"
        ).read_text(encoding="utf-8")
    )
    fair = {i["id"]: i["value"] for i in pandas_run["indicators"] if i["dimension"] == "fairness"}
    assert fair and {i.id: i.value for i in a.indicators if i.dimension == "fairness"} == fair  # every row


def test_lint_reads_a_lake_contracts_parquet_and_names_a_spark_table(tmp_path: Path) -> None:
    """``contracts lint`` checks a ``spark+parquet:`` dataset's columns from its local Parquet (a file or a
    folder of part files) and says that a ``spark:`` table is checked only when validated on Spark."""
    from govreport.contracts import lint

    (tmp_path / "lake" / "parts").mkdir(parents=True)
    df = _planted(500).drop(columns=["PAY_0"])  # the suite expects PAY_0: lint must say it is gone
    df.to_parquet(tmp_path / "lake" / "scored_2026Q3.parquet", index=False)
    df.to_parquet(tmp_path / "lake" / "parts" / "part-00000.parquet", index=False)
    for path in ("spark+parquet:lake/scored_{period}.parquet", "spark+parquet:lake/parts"):
        _contract(tmp_path, dataset={"path": path}, representativeness=None)
        issues = lint(tmp_path / "data_contracts", tmp_path)
        assert any("PAY_0" in i.message and i.severity == "error" for i in issues), (path, issues)
        assert not any("not found" in i.message for i in issues), issues
    _contract(tmp_path, dataset={"path": "spark:risk.scored_{period}"}, representativeness=None)
    issues = lint(tmp_path / "data_contracts", tmp_path)
    assert any("is a Spark table; columns not checked here" in i.message for i in issues), issues


@pytest.mark.slow
def test_cli_validates_a_lake_source_on_the_workspaces_spark_settings(tmp_path: Path) -> None:
    """``govreport contracts validate --data spark+parquet:…`` runs on Spark with govreport.yaml's
    ``engine.spark`` (here master local[1]), not the defaults; a folder given as a file is one line."""
    import subprocess
    import sys

    from govreport.workspace.scaffold import init_workspace

    pytest.importorskip("pyspark", reason="the Spark extra: pip install 'govreport[spark]'")
    root = init_workspace(tmp_path / "ws", name_zh="測試", name_en="Test")
    cfg = root / CONFIG_FILE
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + 'engine: {kind: spark, spark: {master: "local[1]"}}\n',
        encoding="utf-8",
    )
    _contract(root, representativeness=None)
    (root / "lake").mkdir()
    _planted(800).to_parquet(root / "lake" / "cur.parquet", index=False)
    cmd = [
        sys.executable,
        "-m",
        "govreport",
        "contracts",
        "validate",
        "card_default_scoring",
        "-w",
        str(root),
    ]
    r = subprocess.run(
        [*cmd, "--data", "spark+parquet:lake/cur.parquet", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1, r.stderr  # the planted errors fail expectations
    result = json.loads(r.stdout)
    assert result["dataset"]["engine"] == "great_expectations spark (local[1])"
    assert result["rows"] == 800 and not result["success"]
    r = subprocess.run([*cmd, "--data", "lake"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr, (
        r.stderr
    )
