"""The kernel that presents precomputed results reads the worker's files only: no workspace, no pydantic, no
YAML, no evidence store (govreport.run.presenting) — on the demo's real 2026Q3 data, the packaged
templates' own first cell run in a fresh interpreter; and everything else still works through the full
context (a template's own computation, ``ctx.ws``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govreport.assessments.registry import computation
from govreport.core.resources import bundled_dir
from govreport.demo.build import build_demo
from govreport.run.context import PRESENTED_FILE, TemplateContext, open_context
from govreport.run.presenting import PresentingContext

SYSTEM, PERIOD = "card-default", "2026Q3"


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The demo's workspace and, per template, the job folder the worker filled (results and presented)."""
    root = build_demo(tmp_path_factory.mktemp("demo") / "ws", [PERIOD])
    out = tmp_path_factory.mktemp("jobs")
    folders = {}
    jobs = (
        (SYSTEM, "model_risk"),
        ("cs-assistant", "genai_review"),
        (None, "review"),
        (None, "sustainability"),
    )
    for sid, template in jobs:
        ctx = open_context(root, sid, PERIOD, out / template, template=template)
        ctx.results(computation(template))
        ctx.keep_presented()
        folders[template] = out / template
    return root, folders


def _first_cell(template: str) -> str:
    nb = json.loads((bundled_dir("templates_nb") / f"{template}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return "".join(code[1]["source"])  # after the parameters cell: the library cell


def _run_first_cell(root: Path, sid: str | None, template: str, folder: Path, then: str) -> dict[str, Any]:
    params = (
        f"workspace = {str(root)!r}\nsystem_id = {sid!r}\nperiod = {PERIOD!r}\n"
        f"output_dir = {str(folder)!r}\nprecomputed = {str(folder / 'results.json')!r}\n"
    )
    code = (
        "import json, sys\n"
        + params
        + _first_cell(template)
        + "\nheavy = sorted(m for m in ('pydantic', 'yaml', 'pandas', 'numpy', 'plotly', 'sqlalchemy')"
        + " if m in sys.modules)"
        + f"\n{then}\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    got: dict[str, Any] = json.loads(out.splitlines()[-1])
    return got


def test_the_packaged_templates_first_cell_presents_without_pydantic(worker) -> None:
    root, folders = worker
    for sid, template in ((SYSTEM, "model_risk"), ("cs-assistant", "genai_review")):
        folder = folders[template]
        got = _run_first_cell(
            root,
            sid,
            template,
            folder,
            "print(json.dumps({'kind': type(ctx).__name__, 'heavy': heavy, 'results': results,"
            " 'previous': previous, 'history': len(history)}))",
        )
        assert got["kind"] == "PresentingContext" and got["heavy"] == [], template
        assert got["results"] == json.loads((folder / "results.json").read_text(encoding="utf-8"))
        assert got["results"]["system"]["id"] == sid and got["previous"] is None and got["history"] == 0


def test_the_portfolio_templates_first_cell_presents_plain_data(worker) -> None:
    root, folders = worker
    got = _run_first_cell(
        root,
        None,
        "review",
        folders["review"],
        "print(json.dumps({'kind': type(ctx).__name__, 'heavy': heavy, 'r': r, 'links': links}))",
    )
    assert got["kind"] == "PresentingContext" and got["heavy"] == []
    want = json.loads((folders["review"] / "review.json").read_text(encoding="utf-8"))
    assert got["r"]["period"] == PERIOD and got["r"]["systems"] == json.loads(json.dumps(want["systems"]))
    full = open_context(root, None, PERIOD, folders["review"], template="review")
    full.results(computation("review"), folders["review"] / "results.json")
    assert got["links"] == full.view["links"] and got["r"] == json.loads(json.dumps(full.view["review"]))
    got = _run_first_cell(
        root,
        None,
        "sustainability",
        folders["sustainability"],
        "from govreport.present import sustainability as sus\n"
        "html = sus.html_cover(rep) + sus.html_methods(rep) + sus.fig_intensity(rep).to_json()\n"
        "print(json.dumps({'kind': type(ctx).__name__, 'heavy': heavy, 'rows': rep.rows,"
        " 'paths': sorted(paths)}))",
    )
    assert got["kind"] == "PresentingContext" and got["heavy"] == []
    results = json.loads((folders["sustainability"] / "results.json").read_text(encoding="utf-8"))
    assert "results" in got["paths"] and results["period"] == PERIOD and got["rows"]


def test_presenting_equals_the_full_context_and_opens_no_store(worker, monkeypatch) -> None:
    root, folders = worker
    folder = folders["model_risk"]
    precomputed = folder / "results.json"
    full = open_context(root, SYSTEM, PERIOD, folder, template="model_risk")
    assert isinstance(full, TemplateContext)
    want = full.results(computation("model_risk"), precomputed)

    import govreport.evidence.queries as queries

    def no_store(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the presenting kernel opened the evidence store")

    monkeypatch.setattr(queries, "open_store", no_store)
    ctx = open_context(root, SYSTEM, PERIOD, folder, template="model_risk", precomputed=precomputed)
    assert isinstance(ctx, PresentingContext)
    assert ctx.results(computation("model_risk"), precomputed) == want
    assert ctx.history() == full.history() and ctx.previous_results() == full.previous_results()
    assert ctx._full is None  # nothing so far loaded the workspace
    assert ctx.system.id == SYSTEM and ctx.ws.root == root.resolve()  # anything else: the full context
    assert ctx.history() == full.history()  # the worker's rows still, not the store


def test_a_templates_own_computation_runs_in_the_kernel(worker, tmp_path) -> None:
    import shutil

    from govreport.assessments.model_risk import Assessment

    root, folders = worker
    folder = tmp_path / "job"
    shutil.copytree(folders["model_risk"], folder)
    ctx = open_context(
        root, SYSTEM, PERIOD, folder, template="model_risk", precomputed=folder / "results.json"
    )
    seen = []

    def mine(c: Any) -> Any:
        seen.append(c)
        return Assessment([], {"mine": {"history": len(c.history())}}, ["mine"])

    got = ctx.results(mine, folder / "results.json")
    assert len(seen) == 1 and isinstance(seen[0], TemplateContext)  # computed here, on the full context
    assert got["mine"] == {"history": 0} and got["notes"] == ["mine"] and got["template"] == "model_risk"
    assert json.loads((folder / "results.json").read_text(encoding="utf-8"))["notes"] == ["mine"]


def test_a_portfolio_kernel_takes_the_workers_report(worker) -> None:
    root, folders = worker
    folder = folders["review"]
    ctx = open_context(root, None, PERIOD, folder, template="review", precomputed=folder / "results.json")
    assert isinstance(ctx, PresentingContext)
    results = ctx.results(computation("review"), folder / "results.json")
    assert results["template"] == "review" and ctx.presented is not None and "results" in ctx.paths
    assert ctx._full is None


def test_without_the_workers_file_the_full_context_opens(worker, tmp_path) -> None:
    root, folders = worker
    folder = tmp_path / "copy"
    folder.mkdir()
    (folder / "results.json").write_bytes((folders["model_risk"] / "results.json").read_bytes())
    assert not (folder / PRESENTED_FILE).exists()
    ctx = open_context(
        root, SYSTEM, PERIOD, folder, template="model_risk", precomputed=folder / "results.json"
    )
    assert isinstance(ctx, TemplateContext)
    assert ctx.results(computation("model_risk"), folder / "results.json")["system"]["id"] == SYSTEM
