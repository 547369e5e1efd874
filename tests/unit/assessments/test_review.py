"""The periodic review (Art. 9, 11–15): findings register, review library, bad input, and the rendered
report in a real browser with the network blocked (issue #6)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys

import pytest

from govreport.assessments.review import FAILED, build_review, statuses_from_store
from govreport.core.status import DIMENSIONS
from govreport.errors import ConfigError
from govreport.evidence.queries import open_store
from govreport.run.runner import PORTFOLIO, run_period, run_portfolio
from govreport.workspace.config import Workspace
from govreport.workspace.findings import age_findings, load_findings
from tests.conftest import ROOT

PERIODS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
ARTEFACTS = ROOT / "test-artefacts"

FINDINGS = """\
findings:
  - id: A-1
    raised: 2026-01-10
    source: internal_audit
    severity: high
    title_zh: 甲
    title_en: A
    owner: 風管
    due: 2026-03-31
    status: open
  - id: A-2
    raised: 2026-02-01
    source: fsc_examination
    severity: medium
    title_zh: 乙
    title_en: B
    owner: 法遵
    due: 2026-08-31
    status: closed
    closed: 2026-06-15
  - id: A-3
    raised: 2026-05-01
    source: self_assessment
    severity: low
    title_zh: 丙
    title_en: C
    owner: 資訊
    due: 2026-06-30
    status: in_progress
  - id: A-4
    raised: 2026-10-02
    source: external
    severity: high
    title_zh: 丁
    title_en: D
    owner: 資訊
    due: 2026-12-31
    status: open
"""


# -- findings register (Art. 15) --------------------------------------------------------------------
def test_findings_ageing_by_hand(tmp_path):
    (tmp_path / "findings.yaml").write_text(FINDINGS, encoding="utf-8")
    fs = load_findings(tmp_path)
    assert fs is not None and len(fs) == 4
    aged = {a.finding.id: a for a in age_findings(fs, dt.date(2026, 6, 30))}
    assert set(aged) == {"A-1", "A-2", "A-3"}  # A-4 was raised after the period
    a1 = aged["A-1"]
    assert a1.open_at_end and a1.overdue and a1.age_days == 171 and a1.days_overdue == 91
    assert a1.status.value == "red"  # high severity, overdue
    a2 = aged["A-2"]
    assert not a2.open_at_end and a2.age_days == 134 and not a2.overdue and a2.status.value == "green"
    a3 = aged["A-3"]  # due on the last day of the period: not yet overdue
    assert a3.open_at_end and not a3.overdue and a3.age_days == 60
    later = {a.finding.id: a for a in age_findings(fs, dt.date(2026, 9, 30))}
    assert later["A-3"].overdue and later["A-3"].days_overdue == 92 and later["A-3"].status.value == "amber"
    assert not later["A-2"].open_at_end  # closed 2026-06-15


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("findings:\n  - id: X\n    raised: 2026-01-01\n    source: audit\n", 4, "source"),
        ("findings:\n  - id: X\n    raised: 2026-13-01\n", 3, "raised"),
        (
            "findings:\n  - "
            "{id: X, raised: 2026-01-01, source: external, severity: high, title_zh: a, title_en: a,\n"
            "     owner: o, due: 2026-02-01, status: closed}\n",
            2,
            "closed",
        ),
        (
            "findings:\n  - "
            "{id: X, raised: 2026-01-01, source: external, severity: high, title_zh: a, title_en: a,\n"
            "     owner: o, due: 2026-02-01, status: open}\n  - id: Y\n    colour: red\n",
            4,
            "findings.1",
        ),
        ("findings: [\n", 2, "malformed YAML"),
    ],
)
def test_malformed_findings_register_names_the_line(tmp_path, text, line, needle):
    (tmp_path / "findings.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_findings(tmp_path)
    msg = str(ei.value)
    assert "\n" not in msg and f"findings.yaml:{line}" in msg and needle in msg, msg


def test_no_register_is_none_and_duplicate_ids_are_refused(tmp_path):
    assert load_findings(tmp_path) is None
    dup = FINDINGS.replace("id: A-2", "id: A-1")
    (tmp_path / "findings.yaml").write_text(dup, encoding="utf-8")
    with pytest.raises(ConfigError, match="A-1"):
        load_findings(tmp_path)


# -- the demo's four reviews -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    return demo_workspace


def _review_json(ws: Workspace, period: str) -> dict:
    return json.loads((ws.reports_dir / period / PORTFOLIO / "review" / "v1" / "review.json").read_text())


@pytest.mark.slow
def test_four_reviews_with_changes_after_the_first(demo):
    reviews = [_review_json(demo, p) for p in PERIODS]
    assert reviews[0]["previous_period"] is None and reviews[0]["changes"] == []
    assert any("nothing to compare" in n for n in reviews[0]["notes"])
    for prev, cur in zip(reviews, reviews[1:], strict=False):
        assert cur["previous_period"] == prev["period"]
        assert {c["change"] for c in cur["changes"]} - {"same"}, "the demo's quarters differ"
    # the planted age penalty: card-default fairness goes from green to red across the year
    assert reviews[0]["matrix"]["card-default"]["fairness"] in ("green", "amber")
    assert reviews[-1]["matrix"]["card-default"]["fairness"] == "red"
    worsened = [c for c in reviews[-1]["changes"] if c["change"] == "worsened"]
    assert worsened


@pytest.mark.slow
def test_status_matrix_matches_the_evidence_store(demo):
    store = open_store(demo)
    for p in PERIODS:
        r = _review_json(demo, p)
        assert r["matrix"] == statuses_from_store(store, p), p
        assert set(r["matrix"]) == {"card-default", "txn-monitoring", "cs-assistant"}
    # the rendered table says the same, cell by cell
    html = (demo.reports_dir / "2026Q3" / PORTFOLIO / "review" / "v1" / "report.html").read_text()
    rows = re.findall(r"<tr data-system=\"([^\"]+)\">(.*?)</tr>", html, flags=re.S)
    assert len(rows) == 3
    for sid, row in rows:
        cells = dict(re.findall(r"data-dimension=\"(\w+)\" data-status=\"(\w+)\"", row))
        assert cells == statuses_from_store(store, "2026Q3")[sid]


@pytest.mark.slow
def test_nothing_is_green_without_evidence(demo):
    r = _review_json(demo, "2026Q3")
    for a in r["articles"]:
        assert a["status"] == "not_assessed" or a["evidence"], a
    assert [a["article"] for a in r["articles"]] == list(range(2, 16))
    # predictive systems have no security assessment in the demo: not assessed, and a decision asks for one
    assert r["matrix"]["card-default"]["system_security"] == "not_assessed"
    assert any(d["key"] == "review.decision.security" for d in r["decisions"])
    art15 = next(a for a in r["articles"] if a["article"] == 15)
    assert art15["status"] == "red"  # the demo's high-severity audit finding is overdue by 2026Q3


@pytest.mark.slow
def test_latest_review_in_a_browser_offline_both_languages_and_pdf(demo):
    from tests.helpers import browser

    page = demo.reports_dir / "2026Q3" / PORTFOLIO / "review" / "v1" / "report.html"
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)
    dom = browser.dump_dom(page)
    containers, drawn = browser.chart_counts(dom)
    assert containers >= 2 and drawn == containers
    for text in (
        "人工智慧系統定期檢視報告",
        "Periodic review of AI systems",
        "第13條",
        "Art. 13",
        "狀態總覽",
        "Status matrix",
    ):
        assert text in dom, text
    assert 'class="gr-lang-en"' not in dom  # Chinese first
    english = browser._run(
        ["--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri() + "#en"]
    ).stdout
    assert re.search(r"<html[^>]*class=\"[^\"]*gr-lang-en", english), "#en switches the report to English"
    ARTEFACTS.mkdir(exist_ok=True)
    browser.screenshot(page, ARTEFACTS / "review-2026Q3-zh.png", height=4000)
    with browser.tempfile.TemporaryDirectory():
        browser._run(
            [
                "--window-size=1200,4000",
                "--virtual-time-budget=20000",
                f"--screenshot={ARTEFACTS / 'review-2026Q3-en.png'}",
                page.resolve().as_uri() + "#en",
            ]
        )
    assert (ARTEFACTS / "review-2026Q3-zh.png").stat().st_size > 50_000
    assert (ARTEFACTS / "review-2026Q3-en.png").stat().st_size > 50_000
    pdf = browser.print_pdf(page, ARTEFACTS / "review-2026Q3.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "人工智慧系統定期檢視報告" in text and "信用卡違約評分卡" in text and "第13條" in text


# -- bad input -----------------------------------------------------------------------------------------
@pytest.fixture
def ws_copy(demo, tmp_path) -> Workspace:
    dst = tmp_path / "ws"
    shutil.copytree(demo.root, dst)
    return Workspace.load(dst)


@pytest.mark.slow
def test_period_without_runs_and_a_failed_system(ws_copy):
    ws = ws_copy
    # 2026Q4: only card-default runs, and its scoring file is broken; the others have no run at all
    (ws.root / "data" / "card-default" / "scoring_2026Q4.parquet").write_bytes(b"not a parquet file")
    s = run_period(ws, "2026Q4", ["card-default"])
    # its model_risk and its data_quality audit (issue 21) both read the broken file
    assert sorted((r.template, r.status) for r in s.results) == [
        ("data_quality", "failed"),
        ("model_risk", "failed"),
    ]
    r = build_review(ws, "2026Q4")
    card = r.system("card-default")
    assert card.state == "failed" and "parquet" in card.reason.lower()
    assert set(r.matrix["card-default"].values()) == {FAILED}
    assert r.missing_systems == ["cs-assistant", "txn-monitoring"]
    assert set(r.matrix["cs-assistant"].values()) == {"not_assessed"}
    assert any(d["key"] == "review.decision.failed" for d in r.decisions)
    assert any(d["key"] == "review.decision.missing" for d in r.decisions)
    assert r.previous_period == "2026Q3"
    # the whole thing through the CLI: rendered, failed system shown with its reason
    out = subprocess.run(
        [sys.executable, "-m", "govreport", "review", "--period", "2026Q4", "-w", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    html = (ws.reports_dir / "2026Q4" / PORTFOLIO / "review" / "v1" / "report.html").read_text()
    assert "gr-failed" in html and "執行失敗" in html and "cs-assistant" in html


def test_malformed_register_stops_the_review_before_it_starts(tmp_path):
    from govreport.workspace.scaffold import init_workspace

    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    (root / "findings.yaml").write_text("findings:\n  - id: X\n    severity: urgent\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "govreport", "review", "--period", "2026Q3", "-w", str(root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 2
    err = out.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert "findings.yaml:2" in err or "findings.yaml:3" in err, err
    assert not list((root / "reports").glob("*/_portfolio/review/v*"))
    assert open_store(Workspace.load(root)).records() == []


def test_review_of_an_empty_workspace_marks_everything_not_assessed(tmp_path):
    from govreport.workspace.scaffold import init_workspace

    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    ws = Workspace.load(root)
    s = run_portfolio(ws, "2026Q3", ("review",))
    assert [x.status for x in s.results] == ["succeeded"], s.results
    r = json.loads((ws.reports_dir / "2026Q3" / PORTFOLIO / "review" / "v1" / "review.json").read_text())
    assert all(v == "not_assessed" for row in r["matrix"].values() for v in row.values())
    assert all(a["status"] in ("not_assessed", "amber", "red") or a["evidence"] for a in r["articles"])
    assert set(DIMENSIONS) <= set(next(iter(r["matrix"].values()), dict.fromkeys(DIMENSIONS)))
