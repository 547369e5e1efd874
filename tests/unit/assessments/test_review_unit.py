"""build_review over synthetic evidence records (no kernels, no demo): a workspace with three systems, results
files written by ``core.results`` and records appended to a fresh store the way the runner does — the matrix,
a failed run, a system never run, and a results file changed after its run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport import RunStatus, build_review, open_store
from govreport.core.files import sha256_file
from govreport.core.results import build_results
from govreport.core.status import Indicator, threshold_for
from govreport.evidence.store import RunRecord
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE

HIGH = "{customer_facing: 3, personal_data: 3, autonomy: 3, complexity: 3, impact: 3, remedies: 3}"


def _system(ws: Workspace, sid: str, factors: str = LOW_FACTORS) -> None:
    (ws.systems_dir / f"{sid}.yaml").write_text(
        SYSTEM_BASE.format(id=sid, template="genai_review", factors=factors), encoding="utf-8"
    )


def _run(
    ws: Workspace,
    sid: str,
    period: str,
    indicators: list[Indicator] | None,
    *,
    status: RunStatus = RunStatus.SUCCEEDED,
) -> RunRecord:
    """Append a run record as the runner does; with indicators, its results.json too."""
    outputs = {}
    if indicators is not None:
        folder = ws.reports_dir / period / sid / "genai_review" / "v1"
        folder.mkdir(parents=True, exist_ok=True)
        doc = build_results(system={"id": sid}, period=period, template="genai_review", indicators=indicators)
        (folder / "results.json").write_text(json.dumps(doc), encoding="utf-8")
        outputs["results"] = {
            "path": ws.relative(folder / "results.json"),
            "sha256": sha256_file(folder / "results.json"),
        }
    rec = RunRecord(
        system_id=sid,
        period=period,
        template="genai_review",
        status=status,
        started_at="2026-10-01T02:00:00+00:00",
        outputs=outputs,
        error="" if status == RunStatus.SUCCEEDED else "cell 3: ValueError: planted",
    )
    return open_store(ws).append(rec)


def _ind(iid: str, dimension: str, value: float) -> Indicator:
    return Indicator(iid, dimension, 7, value, iid, iid, threshold_for(iid))


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))
    _system(ws, "chat-a", HIGH)
    _system(ws, "chat-b")
    _system(ws, "chat-c")
    _run(
        ws,
        "chat-a",
        "2026Q3",
        [_ind("psi", "model_quality", 0.31), _ind("demographic_parity_difference", "fairness", 0.05)],
    )
    _run(ws, "chat-b", "2026Q3", None, status=RunStatus.FAILED)
    return ws


def test_the_matrix_follows_the_recorded_results(ws: Workspace) -> None:
    review = build_review(ws, "2026Q3")
    rows = {s.id: s for s in review.systems}
    assert set(rows) == {"chat-a", "chat-b", "chat-c"}
    assert review.matrix["chat-a"]["model_quality"] == "red"  # PSI 0.31 is past the red line 0.25
    assert review.matrix["chat-a"]["fairness"] == "green"
    assert rows["chat-a"].state == "assessed" and rows["chat-a"].tier == "high"
    assert rows["chat-b"].state == "failed" and rows["chat-b"].failed_runs[0].error.startswith("cell 3")
    assert rows["chat-c"].state == "not_assessed"
    assert review.overall in ("red", "failed")
    assert review.evidence_ok


def test_a_results_file_changed_after_its_run_is_not_used(ws: Workspace) -> None:
    path = next(ws.reports_dir.glob("2026Q3/chat-a/genai_review/v1/results.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["indicators"][0]["status"] = "green"  # someone "fixes" the red PSI by hand
    path.write_text(json.dumps(doc), encoding="utf-8")
    review = build_review(ws.root, "2026Q3")  # a folder works as well as a Workspace
    assert review.matrix["chat-a"]["model_quality"] != "green"
    assert any("no longer matches its recorded SHA-256" in n for n in review.notes)


def test_a_later_succeeded_run_replaces_the_failed_one(ws: Workspace) -> None:
    _run(ws, "chat-b", "2026Q3", [_ind("psi", "model_quality", 0.02)])
    rows = {s.id: s for s in build_review(ws, "2026Q3").systems}
    assert rows["chat-b"].state == "assessed"
    assert build_review(ws, "2026Q3").matrix["chat-b"]["model_quality"] == "green"


def test_every_cell_that_is_not_green_is_explained_where_it_is_shown(ws: Workspace) -> None:
    """Issue 17: each non-green cell links to a row naming the indicator behind it (value, threshold in the
    indicator's unit and the page's language, article); run status and result status never share a badge;
    no Python repr of a threshold anywhere (review.json included)."""
    from bs4 import BeautifulSoup

    from govreport.assessments.review import export
    from govreport.present import review as rh

    _run(
        ws,
        "chat-c",
        "2026Q3",
        [Indicator("drift.psi.max_feature", "data_quality", 7, 0.4, "x", "x", threshold_for("psi"))],
    )
    review = build_review(ws, "2026Q3")
    r = review.to_dict()
    a = review.system("chat-a")
    assert a.basis["model_quality"] == {"status": "red", "reason": "", "indicators": ["psi"]}
    # feature drift alone never makes data quality green or red: not assessed, no data contract
    c = review.system("chat-c")
    assert review.matrix["chat-c"]["data_quality"] == "not_assessed"
    assert c.basis["data_quality"]["reason"] == "no_contract"
    assert c.basis["data_quality"]["indicators"] == ["drift.psi.max_feature"]
    soup = BeautifulSoup(rh.matrix(r) + rh.appendix(r), "html.parser")
    for cell in soup.select("#gr-matrix td[data-status]"):
        link = cell.select_one("a.gr-why-link")
        if cell["data-status"] == "green":
            assert link is None
            continue
        row = soup.select_one(link["href"])
        assert row is not None and row["data-dimension"] == cell["data-dimension"], link["href"]
    red = soup.select_one("#why-chat-a-model_quality")
    text_zh = " ".join(x.get_text() for x in red.select('[lang="zh-TW"]'))
    text_en = " ".join(x.get_text() for x in red.select('[lang="en"]'))
    assert (
        "0.31" in red.get_text()
        and "綠燈 < 0.1；紅燈 > 0.25" in text_zh
        and "green < 0.1; red > 0.25" in text_en
    )
    assert "第7條" in text_zh
    dq = " ".join(
        x.get_text() for x in soup.select('#why-chat-c-data_quality, [data-cell="why-chat-c-data_quality"]')
    )
    assert "無資料契約" in dq and "0.4" in dq
    # the appendix: a run's outcome is text, the result's status is the badge
    runs = soup.select("#gr-runs tr")[1:]
    assert runs and all(tr.select_one(".gr-run") for tr in runs)
    failed = [tr for tr in runs if tr.select_one(".gr-run-failed")]
    assert failed and not failed[0].select(".gr-badge")
    assert all(".gr-badge" not in str(tr.select_one(".gr-run")) for tr in runs)
    out = export(review, ws.root / "out")
    assert "Threshold(" not in out["review"].read_text(encoding="utf-8")
    assert "Threshold(" not in rh.appendix(r)


def test_the_portfolio_roll_up_is_never_green_without_every_systems_evidence(ws: Workspace) -> None:
    """A dimension green for one system and not assessed for another is "not assessed" in the review's
    results.json (what the site index shows), never green."""
    from govreport.assessments.review import export

    _run(ws, "chat-b", "2026Q3", [_ind("psi", "model_quality", 0.02)])  # replaces its failed run
    review = build_review(ws, "2026Q3")
    assert review.matrix["chat-a"]["fairness"] == "green"
    assert review.matrix["chat-c"]["fairness"] == "not_assessed"
    results = json.loads(export(review, ws.root / "out")["results"].read_text(encoding="utf-8"))
    assert results["dimensions"]["fairness"] == "not_assessed"
    assert results["dimensions"]["model_quality"] == "red"
