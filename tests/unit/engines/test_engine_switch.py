"""One setting moves a workspace's model-risk indicators to Spark (issue 10): ``engine: {kind: spark}`` in
govreport.yaml gives the same results.json indicators as the pandas run, and a bad setting one line."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.errors import ConfigError
from govreport.workspace.config import CONFIG_FILE, Workspace

_BASE = "name_zh: 測試銀行\nname_en: Test Bank\n"


def _load_error(tmp_path: Path, text: str) -> str:
    (tmp_path / CONFIG_FILE).write_text(_BASE + text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Workspace.load(tmp_path)
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def test_an_invalid_engine_kind_is_one_line_naming_file_line_and_field(tmp_path):
    msg = _load_error(tmp_path, "engine:\n  kind: sparkk\n")
    assert f"{tmp_path / CONFIG_FILE}:4" in msg
    assert "engine.kind" in msg and "'pandas' or 'spark'" in msg


def test_an_unknown_spark_setting_names_its_own_line(tmp_path):
    msg = _load_error(tmp_path, "engine:\n  kind: spark\n  spark:\n    master: local[2]\n    mastr: yarn\n")
    assert f"{tmp_path / CONFIG_FILE}:7" in msg and "engine.spark.mastr" in msg and "unknown field" in msg


def test_engine_settings_default_to_pandas_and_parse_spark_lazily(tmp_path):
    (tmp_path / CONFIG_FILE).write_text(_BASE, encoding="utf-8")
    code = (
        "import sys; from govreport.workspace import Workspace; "
        f"ws = Workspace.load({str(tmp_path)!r}); "
        "print(ws.config.engine.kind, 'govreport.data.sources' in sys.modules, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["pandas", "False", "False"]
    (tmp_path / CONFIG_FILE).write_text(
        _BASE
        + "engine:\n  kind: spark\n  spark: {master: 'local[2]', conf: {spark.sql.shuffle.partitions: 4}}\n",
        encoding="utf-8",
    )
    engine = Workspace.load(tmp_path).config.engine
    assert engine.kind == "spark" and engine.score_bins is None
    settings = engine.spark_settings()
    assert (settings.master, settings.app_name, settings.conf) == (
        "local[2]",
        "govreport",
        {"spark.sql.shuffle.partitions": 4},
    )


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and not (a.is_integer() and b.is_integer()):
        return a == b or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)
    return a == b


@pytest.mark.slow
def test_the_demo_switched_to_spark_by_one_setting_gives_the_same_indicators(demo_workspace, tmp_path):
    pytest.importorskip("pyspark", reason="the Spark extra: pip install 'govreport[spark]'")  # CI installs it
    rel = Path("reports", "2026Q3", "card-default", "model_risk")
    pandas_run = json.loads((demo_workspace.root / rel / "v1" / "results.json").read_text(encoding="utf-8"))
    root = tmp_path / "ws"
    shutil.copytree(demo_workspace.root, root, ignore=shutil.ignore_patterns("site"))
    cfg = root / CONFIG_FILE
    cfg.write_text(
        cfg.read_text(encoding="utf-8") + 'engine: {kind: spark, spark: {master: "local[2]", '
        "conf: {spark.sql.shuffle.partitions: 4}}}\n",
        encoding="utf-8",
    )
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "govreport",
            "run",
            "--period",
            "2026Q3",
            "--system",
            "card-default",
            "--workspace",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, (r.stdout + r.stderr)[-3000:]
    spark_dir = root / rel / "v2"
    spark_run = json.loads((spark_dir / "results.json").read_text(encoding="utf-8"))
    assert (demo_workspace.root / rel / "v1" / "report.html").is_file() and (
        spark_dir / "report.html"
    ).is_file()

    assert (
        spark_run["notes"][0]
        == "indicators computed on Spark (master local[2]); AUC exact (per distinct score)"
    )
    assert any(
        "explainability" in n and "govreport process on a sample of 20,000 of 20,000 scored rows" in n
        for n in spark_run["notes"]
    )
    assert not any("explainability" in n for n in pandas_run["notes"])

    def by_id(run: dict) -> dict[str, dict]:
        return {i["id"]: i for i in run["indicators"]}

    pandas_ind, spark_ind = by_id(pandas_run), by_id(spark_run)
    assert [i["id"] for i in spark_run["indicators"]] == [i["id"] for i in pandas_run["indicators"]]
    assert len(spark_ind) > 30 and any(k.startswith("explainability") or "importance" in k for k in spark_ind)
    for key, p in pandas_ind.items():
        s = spark_ind[key]
        assert (s["status"], s["dimension"]) == (p["status"], p["dimension"]), key
        assert _equal(s["value"], p["value"]), (key, s["value"], p["value"])
    assert spark_run["status"] == pandas_run["status"]
    sq, pq = spark_run["model_quality"], pandas_run["model_quality"]
    assert (sq["n"], sq["auc"], sq["gini"], sq["ks"]) == (pq["n"], pq["auc"], pq["gini"], pq["ks"])
    assert math.isclose(sq["brier"], pq["brier"], rel_tol=1e-9) and math.isclose(
        sq["ece"], pq["ece"], rel_tol=1e-9
    )
    explain = dict(spark_run["explainability"])  # on the sample ctx.load pulled from Spark: every row here
    assert explain.pop("sample") == {"rows": 20000, "of": 20000, "max_rows": 100000}
    assert explain == pandas_run["explainability"]
    dq = spark_run["data_quality"]["card_default_scoring"]  # the contract validated on Spark as well
    assert dq["dataset"]["engine"] == "great_expectations spark (local[2])"
    assert dq["expectations"] == pandas_run["data_quality"]["card_default_scoring"]["expectations"]
    for section in ("fairness", "proxy", "drift"):  # computed on Spark: equal to the last bit on this data
        assert spark_run[section] == pandas_run[section], section
    assert "indicators computed on Spark (master local[2])" in (spark_dir / "report.html").read_text(
        encoding="utf-8"
    )
