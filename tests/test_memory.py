"""Memory of a system's run (issue 8): each dataset file is read once, and the results do not change.

The model-risk template loads the scored data and the reference, computes the indicators, then validates the
data contract; the validation takes the frames already in memory instead of reading both files again. These
tests count the real ``pandas.read_parquet`` calls (the real function runs) of the library calls the template
makes, and compare the results with the validation reading the files itself.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from govreport.assess import assess_predictive
from govreport.contracts import load_contract, validate
from govreport.demo import build_demo
from govreport.notebook import open_context

PERIOD = "2026Q3"
SYSTEM = "card-default"


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace's files and data for one quarter (nothing run)."""
    return build_demo(tmp_path_factory.mktemp("mem") / "ws", [PERIOD])


@pytest.fixture
def parquet_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Resolved path → number of ``pandas.read_parquet`` calls (the real reader runs every time)."""
    calls: Counter[str] = Counter()
    real = pd.read_parquet

    def counting(path: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        calls[str(Path(path).resolve())] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", counting)
    return calls


def _stable(section: dict[str, Any]) -> str:
    """A data_quality section as JSON without its timing."""
    return json.dumps({k: {kk: vv for kk, vv in v.items() if kk != "seconds"} for k, v in section.items()},
                      sort_keys=True, ensure_ascii=False)


def test_model_risk_reads_each_dataset_once_with_the_same_results(demo_root: Path, parquet_reads: Counter[str],
                                                                   tmp_path: Path) -> None:
    data = demo_root / "data" / SYSTEM
    scoring, reference = str((data / f"scoring_{PERIOD}.parquet").resolve()), str((data / "reference.parquet").resolve())

    ctx = open_context(demo_root, SYSTEM, PERIOD, tmp_path / "a", template="model_risk")
    assessment = assess_predictive(ctx)            # what the template's library cell runs
    assert dict(parquet_reads) == {scoring: 1, reference: 1}

    # the same validation reading the files itself (as the data_quality template does: nothing loaded)
    parquet_reads.clear()
    ctx2 = open_context(demo_root, SYSTEM, PERIOD, tmp_path / "b", template="data_quality")
    indicators, section = ctx2.data_quality()
    assert dict(parquet_reads) == {scoring: 1, reference: 1}

    assert _stable(assessment.sections["data_quality"]) == _stable(section)
    dq = [i for i in assessment.indicators if i.id.startswith("data_quality.")]
    assert [(i.id, i.value, i.status) for i in dq] == [(i.id, i.value, i.status) for i in indicators]
    got = section["card_default_scoring"]
    assert got["dataset"]["fingerprint"] == "file-sha256"
    from govreport.evidence import sha256_file

    assert got["dataset"]["sha256"] == sha256_file(Path(scoring))
    assert got["dimensions"]["representativeness"]["reference"]["sha256"] == sha256_file(Path(reference))
    assert got["dimensions"]["representativeness"]["value"] is not None


def test_frames_held_by_nobody_are_not_kept(demo_root: Path, parquet_reads: Counter[str], tmp_path: Path) -> None:
    """The context keeps no frame alive: one the caller dropped is read again by the validation."""
    ctx = open_context(demo_root, SYSTEM, PERIOD, tmp_path, template="model_risk")
    ctx.load("scoring")                            # result dropped at once
    assert len(ctx._frames) == 0
    held = ctx.load("reference")
    assert len(ctx._frames) == 1
    ctx.data_quality()
    scoring = str((demo_root / "data" / SYSTEM / f"scoring_{PERIOD}.parquet").resolve())
    assert parquet_reads[scoring] == 2 and sum(parquet_reads.values()) == 3
    del held


def test_loaded_frames_are_validated_like_the_file(demo_root: Path, parquet_reads: Counter[str]) -> None:
    """`validate(loaded=...)` gives the result of reading the file, also with a planted problem."""
    cf = load_contract(demo_root / "data_contracts" / "card_default_scoring.contract.yaml")
    path = demo_root / "data" / SYSTEM / f"scoring_{PERIOD}.parquet"
    df = pd.read_parquet(path)
    df.loc[df.index[:7], "APPLICATION_ID"] = df["APPLICATION_ID"].iloc[0]   # duplicated keys
    changed = path.with_name("changed.parquet")
    df.to_parquet(changed, index=False)
    parquet_reads.clear()
    from_file = validate(cf, demo_root, data=changed, period=PERIOD).to_dict()
    reads_from_file = sum(parquet_reads.values())
    parquet_reads.clear()
    from_memory = validate(cf, demo_root, data=changed, period=PERIOD, loaded={changed.resolve(): df}).to_dict()
    assert reads_from_file == 2 and dict(parquet_reads) == {
        str((demo_root / "data" / SYSTEM / "reference.parquet").resolve()): 1}
    from_file.pop("seconds"), from_memory.pop("seconds")
    assert from_memory == from_file
    assert not from_memory["success"]
    assert any(e["type"] == "expect_column_values_to_be_unique" and not e["success"]
               for e in from_memory["expectations"])
    # a frame under another path is not taken for this file
    parquet_reads.clear()
    validate(cf, demo_root, data=changed, period=PERIOD, loaded={path.resolve(): df})
    assert parquet_reads[str(changed.resolve())] == 1


def test_great_expectations_does_not_hash_the_frame(demo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GX's whole-frame MD5 (batch markers govreport never reads) is skipped; its threshold is restored."""
    from great_expectations.execution_engine import pandas_execution_engine as engine

    hashed: list[int] = []
    real = engine.hash_pandas_dataframe

    def counting(df: pd.DataFrame) -> str:
        hashed.append(len(df))
        return real(df)

    monkeypatch.setattr(engine, "hash_pandas_dataframe", counting)
    before = engine.HASH_THRESHOLD
    cf = load_contract(demo_root / "data_contracts" / "card_default_scoring.contract.yaml")
    result = validate(cf, demo_root, period=PERIOD)
    assert hashed == []
    assert before == engine.HASH_THRESHOLD
    assert result.rows == 20_000 and len(result.expectations) > 5
    # the same engine outside govreport's call still hashes (the threshold really is what skips it)
    import great_expectations as gx

    ctx = gx.get_context(mode="ephemeral")
    ctx.data_sources.add_pandas("p").add_dataframe_asset("a").add_batch_definition_whole_dataframe("all").get_batch(
        batch_parameters={"dataframe": pd.DataFrame({"x": [1, 2]})})
    assert hashed == [2]

