"""TemplateContext.results: the runner's precomputed results.json is taken only when it is the one asked
for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport.assessments.registry import COMPUTATIONS, assess_data_quality, computation
from govreport.core.status import Indicator, threshold_for
from govreport.errors import InputError
from govreport.run.context import open_context
from govreport.workspace.scaffold import init_workspace
from tests.helpers.nb import SYSTEM


@pytest.fixture
def ctx(tmp_path: Path):
    root = init_workspace(tmp_path / "ws", name_zh="測試", name_en="Test")
    for sid in ("one", "two"):
        (root / "systems" / f"{sid}.yaml").write_text(
            SYSTEM.format(id=sid, template="data_quality"), encoding="utf-8"
        )
        (root / "data" / f"{sid}_2026Q3.csv").write_text("x\n0.05\n", encoding="utf-8")
    return open_context(root, "one", "2026Q3", tmp_path / "out", template="data_quality")


class _Assessment:
    def __init__(self, value: float) -> None:
        self.indicators = [Indicator("psi", "model_quality", 7, value, "PSI", "PSI", threshold_for("psi"))]
        self.sections: dict = {}
        self.notes: list[str] = []


def test_precomputed_results_are_read_only_for_the_packaged_computation(ctx, tmp_path):
    calls: list[str] = []

    def packaged_like(c):  # stands for a template's own computation
        calls.append("own")
        return _Assessment(0.2)

    first = ctx.results(packaged_like)  # computed here, saved
    assert calls == ["own"] and (ctx.output_dir / "results.json").is_file()
    pre = tmp_path / "pre.json"
    pre.write_text(json.dumps(first), encoding="utf-8")

    # a template passing its own computation computes, even when the runner passed `precomputed`
    assert ctx.results(packaged_like, pre)["indicators"][0]["value"] == 0.2 and calls == ["own", "own"]

    # the packaged computation takes the runner's file, after checking it is this job's
    got = ctx.results(computation("data_quality"), pre)
    assert got == first and calls == ["own", "own"]
    other = dict(first, system={**first["system"], "id": "two"})
    pre.write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(InputError, match="precomputed results are for two/2026Q3/data_quality"):
        ctx.results(computation("data_quality"), pre)
    pre.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the precomputed results"):
        ctx.results(computation("data_quality"), pre)


def test_every_system_template_has_its_computation():
    assert set(COMPUTATIONS) == {"model_risk", "data_quality", "genai_review"}
    assert computation("data_quality.ipynb") is assess_data_quality and computation("review") is None
