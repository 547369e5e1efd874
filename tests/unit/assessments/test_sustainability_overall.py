"""The sustainability report's overall status (issue 17): the worst of its assessed rows — a system's red
inclusion row makes the whole report red, in results.json, in the evidence record's summary and on the site
index — and "not assessed" when no row was assessed, never green without evidence."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from govreport.assessments.sustainability import build_report
from govreport.core.files import sha256_file
from govreport.evidence.queries import open_store
from govreport.evidence.store import RunRecord
from govreport.publish.site import build_site
from govreport.run.execute import _summary
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.unit.assessments.test_sustainability import SCORECARD, _fairness, add_run, measured


def _record_and_publish(w: Workspace, period: str, out) -> str:
    """Export the period's sustainability report, record it as the runner does, publish the site and return
    the sustainability entry's status on the site index."""
    paths = build_report(w.root, period).export(out)
    html = out / "report.html"
    html.write_text("<html><body>sustainability</body></html>", encoding="utf-8")
    rec = RunRecord(
        system_id="_portfolio",
        period=period,
        template="sustainability",
        status="succeeded",
        started_at="2026-10-07T02:00:00+00:00",
        summary=_summary(paths["results"]),
        outputs={
            name: {"path": w.relative(p), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for name, p in (("html", html), ("results", paths["results"]))
        },
    )
    open_store(w).append(rec)
    build_site(w, w.root / "site")
    soup = BeautifulSoup((w.root / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    row = next(
        tr
        for tr in soup.select("tr")
        if tr.get("data-template") == "sustainability"
        or "sustainability" in str(tr.get("data-kind", ""))
        or tr.find("a", href=lambda h: h and "sustainability" in h)
    )
    badge = row.select_one(".gr-badge")
    assert badge is not None, row
    return next(c for c in badge["class"] if c.startswith("gr-") and c != "gr-badge")[3:]


def _workspace(tmp_path) -> Workspace:
    w = Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))
    (w.systems_dir / "scorecard.yaml").write_text(SCORECARD, encoding="utf-8")
    return w


def test_one_red_row_makes_the_report_and_the_site_index_red(tmp_path):
    ws = _workspace(tmp_path)
    add_run(
        ws,
        "scorecard",
        "2026Q3",
        "model_risk",
        energy=measured(0.002),
        results={"model_quality": {"n": 20000}, "fairness": _fairness(0.5, 0.8, 0.8)},
    )
    rep = build_report(ws.root, "2026Q3")
    now = [r for r in rep.rows if r["period"] == "2026Q3"]
    red = [(r["scope"], r["indicator"]) for r in now if r["status"] == "red"]
    assert red == [("scorecard", "young_approval_rate")]  # a system's row, not the portfolio's
    assert {r["status"] for r in now if r["scope"] == "portfolio"} <= {"green", "not_assessed"}
    status, dims = rep.overall()
    assert status == "red" and dims["sustainability"] == "red"
    results = json.loads(rep.export(tmp_path / "x")["results"].read_text(encoding="utf-8"))
    assert results["status"] == "red" and results["dimensions"]["sustainability"] == "red"
    assert _record_and_publish(ws, "2026Q3", tmp_path / "out") == "red"


def test_nothing_assessed_is_not_assessed_in_the_report_and_on_the_site(tmp_path):
    w = Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))
    # an empty workspace has no evidence and no declared energy: record one run so the period exists
    open_store(w).append(
        RunRecord(
            system_id="x", period="2026Q3", template="model_risk", status="failed", started_at="2026-10-01"
        )
    )
    rep = build_report(w.root, "2026Q3")
    assessed = [r for r in rep.rows if r["period"] == "2026Q3" and r["status"] != "not_assessed"]
    assert assessed == []
    assert rep.overall()[0] == "not_assessed"
    assert _record_and_publish(w, "2026Q3", tmp_path / "out") == "not_assessed"
