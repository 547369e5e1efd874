"""Portfolio templates get their results like system templates: ``open_context`` → ``ctx.results``, computed
in the runner's worker and taken by the kernel (results.json and what the cells present), checked to be the
job's own — over real evidence records appended to a fresh store, no kernel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govreport import open_store
from govreport.assessments.registry import computation
from govreport.assessments.review import Review
from govreport.assessments.sustainability import SustainabilityReport
from govreport.core.files import sha256_file
from govreport.core.results import build_results
from govreport.core.status import Indicator, threshold_for
from govreport.errors import InputError
from govreport.evidence.store import RunRecord
from govreport.run.context import PRESENTED_FILE, PortfolioContext, TemplateContext, open_context
from govreport.workspace.scaffold import init_workspace
from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace with one generative system and one succeeded 2026Q3 run of it in the store."""
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    (root / "systems" / "chat.yaml").write_text(
        SYSTEM_BASE.format(id="chat", template="genai_review", factors=LOW_FACTORS), encoding="utf-8"
    )
    from govreport.workspace.config import Workspace

    ws = Workspace.load(root)
    folder = ws.reports_dir / "2026Q3" / "chat" / "genai_review" / "v1"
    folder.mkdir(parents=True)
    ind = Indicator(
        "pii_leak_rate", "system_security", 6, 0.02, "個資", "PII", threshold_for("pii_leak_rate")
    )
    doc = build_results(system={"id": "chat"}, period="2026Q3", template="genai_review", indicators=[ind])
    (folder / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    out = {"path": ws.relative(folder / "results.json"), "sha256": sha256_file(folder / "results.json")}
    open_store(ws).append(
        RunRecord(
            system_id="chat",
            period="2026Q3",
            template="genai_review",
            status="succeeded",
            started_at="2026-10-01T02:00:00+00:00",
            outputs={"results": out},
            summary={"status": "amber", "indicators": {"pii_leak_rate": {"status": "amber", "value": 0.02}}},
        )
    )
    return root


@pytest.mark.parametrize(("template", "kind"), [("review", Review), ("sustainability", SustainabilityReport)])
def test_portfolio_results_are_computed_once_and_taken_by_the_kernel(root, tmp_path, template, kind):
    worker = open_context(root, None, "2026Q3", tmp_path / "worker", template=template)
    assert isinstance(worker, PortfolioContext) and not isinstance(worker, TemplateContext)
    results = worker.results(computation(template))  # what the runner's worker does
    assert isinstance(worker.presented, kind)
    assert results == json.loads((tmp_path / "worker" / "results.json").read_text(encoding="utf-8"))
    assert (results["system"]["id"], results["period"], results["template"]) == (
        "portfolio",
        "2026Q3",
        template,
    )
    assert worker.paths["results"] == tmp_path / "worker" / "results.json"
    worker.keep_presented()

    calls: list[str] = []

    def own(c):  # a template's own computation is never swapped for the runner's file
        calls.append("own")
        return computation(template)(c)

    kernel = open_context(root, "ignored", "2026Q3", tmp_path / "kernel", template=template)
    pre = tmp_path / "worker" / "results.json"
    assert kernel.results(computation(template), pre) == results and calls == []
    assert (tmp_path / "kernel" / "results.json").is_file()
    if template == "review":
        assert kernel.presented.to_dict() == worker.presented.to_dict()
    else:
        assert kernel.presented.rows == worker.presented.rows
        assert kernel.presented.quarters == worker.presented.quarters
    assert kernel.paths == worker.paths
    kernel.results(own, pre)
    assert calls == ["own"]


def test_precomputed_portfolio_results_must_be_this_jobs(root, tmp_path):
    worker = open_context(root, None, "2026Q3", tmp_path / "w", template="review")
    worker.results(computation("review"))
    worker.keep_presented()
    other = open_context(root, None, "2026Q2", tmp_path / "k", template="review")
    with pytest.raises(
        InputError, match="precomputed results are for portfolio/2026Q3/review, not portfolio/2026Q2"
    ):
        other.results(computation("review"), tmp_path / "w" / "results.json")
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(tmp_path / "w" / "results.json", lone / "results.json")  # without what the cells present
    same = open_context(root, None, "2026Q3", tmp_path / "k2", template="review")
    with pytest.raises(InputError, match="cannot read what the runner precomputed"):
        same.results(computation("review"), lone / "results.json")
    assert (tmp_path / "w" / PRESENTED_FILE).is_file()


def test_portfolio_default_period_is_the_latest_with_runs(root, tmp_path):
    assert open_context(root, None, None, tmp_path / "r", template="review").period.label == "2026Q3"
    assert open_context(root, None, None, tmp_path / "s", template="sustainability").period.label == "2026Q3"


def test_computations_are_imported_only_when_called():
    """The presenting kernel asks for ``computation("model_risk")`` only to pass it along."""
    import subprocess
    import sys

    code = (
        "import sys; from govreport.assessments.registry import computation; "
        "c = computation('model_risk'); assert c.target.endswith('registry:assess_model_risk'); "
        "print(sorted(m for m in ('pandas', 'sklearn', 'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_system_kernel_takes_history_and_previous_from_the_worker(root, tmp_path, monkeypatch):
    """The worker reads the job's history and previous results from the store; the kernel opens no store."""
    (root / "data" / "chat_2026Q4.jsonl").write_text("", encoding="utf-8")
    worker = open_context(root, "chat", "2026Q4", tmp_path / "w", template="genai_review")
    assert isinstance(worker, TemplateContext)
    history, previous = worker.history(), worker.previous_results()
    assert list(history["period"]) == ["2026Q3"] and previous is not None and previous["period"] == "2026Q3"
    doc = build_results(
        system={"id": "chat"}, period="2026Q4", template="genai_review", indicators=[], notes=["here"]
    )
    (tmp_path / "w" / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    worker.keep_presented()

    import govreport.evidence.queries as queries

    def no_store(*_a, **_k):
        raise AssertionError("the presenting kernel opened the evidence store")

    monkeypatch.setattr(queries, "open_store", no_store)
    kernel = open_context(root, "chat", "2026Q4", tmp_path / "w", template="genai_review")
    assert kernel.results(computation("genai_review"), tmp_path / "w" / "results.json")["notes"] == ["here"]
    assert kernel.history() == history and kernel.previous_results() == previous
    alone = open_context(root, "chat", "2026Q4", tmp_path / "x", template="genai_review")
    with pytest.raises(AssertionError, match="opened the evidence store"):  # without the worker's file
        alone.history()
