"""The static report site (`govreport publish`, issue #6 item 5): built from the evidence store only, with
verified copies of the reports, opened in real headless Chromium with the network blocked, tampering
refused with the previous site intact, PDFs checked with pdftotext, and the bad inputs through the CLI."""

from __future__ import annotations

import hashlib
import html as _html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from govreport.evidence.queries import open_store
from govreport.evidence.store import RunRecord, sha256_file
from govreport.publish.site import MANIFEST, build_site
from govreport.run.runner import PORTFOLIO
from govreport.workspace.config import Workspace
from tests.conftest import ROOT

PERIODS_NEWEST_FIRST = ["2026Q3", "2026Q2", "2026Q1", "2025Q4"]
ARTEFACTS = ROOT / "test-artefacts"
VALID_ID = "A123456789"  # a Taiwan national ID that passes the checksum: must never reach a page


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govreport", *args], capture_output=True, text=True, timeout=900, env=env
    )


def _one_line_error(r: subprocess.CompletedProcess[str], code: int, *, progress: bool = False) -> str:
    """The error line (exit ``code``, no traceback); nothing else on stderr unless ``progress`` came first."""
    lines = r.stderr.strip().splitlines()
    assert r.returncode == code, (r.returncode, r.stderr[-2000:])
    assert "Traceback" not in r.stderr and lines, r.stderr
    assert progress or len(lines) == 1, r.stderr
    assert lines[-1].startswith("error: ") and not r.stdout.strip(), r.stderr
    return lines[-1]


def _hrefs(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [
        t.get("href") or t.get("src")
        for t in soup.find_all(["a", "link", "script", "img"])
        if t.get("href") or t.get("src")
    ]


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# -- a small real workspace: real SQLite store, real files, no notebooks -------------------------------------
def _record(
    ws: Workspace, sid: str, period: str, template: str, status: str, body: str = "", error: str = ""
) -> RunRecord:
    """Append a record the way the runner does: outputs moved into their versioned folder inside the lock."""
    store = open_store(ws)

    def move(rec: RunRecord) -> None:
        if status != "succeeded":
            return
        folder = ws.reports_dir / period / sid / template / f"v{rec.version}"
        folder.mkdir(parents=True, exist_ok=True)
        page = folder / "report.html"
        page.write_text(f"<!DOCTYPE html><html><body><h1>{body}</h1></body></html>", encoding="utf-8")
        res = folder / "results.json"
        res.write_text(json.dumps({"status": "amber"}), encoding="utf-8")
        rec.outputs = {
            n: {"path": ws.relative(p), "sha256": sha256_file(p), "bytes": p.stat().st_size}
            for n, p in (("html", page), ("results", res))
        }

    rec = RunRecord(
        system_id=sid,
        period=period,
        template=template,
        status=status,
        started_at="2026-10-01T00:00:00+00:00",
        error=error,
        summary={"status": "amber"} if status == "succeeded" else {},
    )
    out = store.append(rec, before_commit=move)
    store.close()
    return out


@pytest.fixture
def small_ws(tmp_path: Path) -> Workspace:
    from govreport.workspace.scaffold import init_workspace

    return Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))


def test_failed_run_is_shown_with_its_masked_reason_beside_the_earlier_success(small_ws):
    ws = small_ws
    _record(ws, "scorer", "2026Q2", "model_risk", "succeeded", "scorer v1 of 2026Q2")
    _record(ws, "scorer", "2026Q3", "model_risk", "succeeded", "scorer v1 of 2026Q3")
    _record(
        ws, "scorer", "2026Q3", "model_risk", "failed", error=f"column AGE missing for customer {VALID_ID}"
    )
    _record(ws, "chatbot", "2026Q3", "genai_review", "failed", error="kernel died")
    res = build_site(ws)
    assert res.out == ws.root / "site" and res.periods == ["2026Q3", "2026Q2"]
    index = (res.out / "index.html").read_text(encoding="utf-8")
    assert VALID_ID not in index and "A12*****89" in index  # the reason is shown, personal data masked
    soup = BeautifulSoup(index, "html.parser")
    q3 = soup.select_one("section[data-period='2026Q3']")
    scorer = q3.select_one("tr[data-system=scorer]")
    assert scorer["data-status"] == "failed" and "gr-failed" in str(scorer)
    assert "column AGE missing" in scorer.get_text()
    link = scorer.select_one("a[href$='report.html']")["href"]  # the earlier success of the same period
    assert link == "reports/2026Q3/scorer/model_risk/v1/report.html"
    assert "v1" in scorer.get_text() and "先前成功之版本" in str(scorer)
    chatbot = q3.select_one("tr[data-system=chatbot]")
    assert chatbot["data-status"] == "failed" and "kernel died" in chatbot.get_text()
    assert not chatbot.select("a[href$='report.html']")  # nothing to open, and it says so
    assert "無可開啟之報告" in str(chatbot)
    assert q3.select_one("[data-review=none]") is not None  # no review yet: said, with the command
    assert "govreport review --period 2026Q3" in q3.get_text()
    # the system page holds the whole history, newest first, every version
    hist = BeautifulSoup((res.out / "systems" / "scorer.html").read_text(encoding="utf-8"), "html.parser")
    rows = [(r["data-period"], r["data-status"]) for r in hist.select("tr[data-period]")]
    assert rows == [("2026Q3", "failed"), ("2026Q3", "succeeded"), ("2026Q2", "succeeded")]
    assert "已不在盤點清冊" in str(hist)  # not in the (empty) inventory: kept, and marked
    # the copies are the recorded files, and the manifest says so
    manifest = json.loads((res.out / MANIFEST).read_text(encoding="utf-8"))
    for f in manifest["files"]:
        assert hashlib.sha256((res.out / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert {f["output"] for f in manifest["files"]} == {"html", "results"}


def test_a_missing_report_refuses_the_build_and_keeps_the_old_site(small_ws):
    ws = small_ws
    rec = _record(ws, "scorer", "2026Q3", "model_risk", "succeeded", "first")
    first = build_site(ws)
    before = (first.out / "index.html").read_bytes()
    ws.resolve(rec.outputs["html"]["path"]).unlink()
    from govreport.errors import TamperedEvidence

    with pytest.raises(TamperedEvidence) as ei:
        build_site(ws)
    msg = str(ei.value)
    assert "\n" not in msg and "RUN_ID 1" in msg and "missing" in msg and "report.html" in msg
    assert (first.out / "index.html").read_bytes() == before
    assert sorted(p.name for p in first.out.parent.iterdir() if p.name.startswith(".site")) == []


def test_republish_swaps_the_site_and_never_loads_the_run_machinery(small_ws):
    ws = small_ws
    _record(ws, "scorer", "2026Q2", "model_risk", "succeeded", "q2")
    first = build_site(ws)
    assert first.periods == ["2026Q2"]
    stale = ws.root / ".site.building-999999999-x1"  # left by a killed build: its process is gone
    stale.mkdir()
    _record(ws, "scorer", "2026Q3", "model_risk", "succeeded", "q3")
    code = (
        "import sys, json; from govreport.publish.site import build_site; from govreport.workspace import "
        f"Workspace; r = build_site(Workspace.load({str(ws.root)!r})); "
        "print(json.dumps([r.periods, sorted(m for m in ('papermill', 'nbconvert', 'great_expectations') "
        "if m in sys.modules)]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    periods, heavy = json.loads(out.stdout)
    assert periods == ["2026Q3", "2026Q2"] and heavy == []
    assert "2026Q3" in (ws.root / "site" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in ws.root.iterdir() if p.name.startswith(".site")) == []


def test_out_folder_that_is_not_a_site_is_refused(small_ws, tmp_path):
    _record(small_ws, "scorer", "2026Q3", "model_risk", "succeeded", "x")
    other = tmp_path / "documents"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    r = _cli("publish", "-w", str(small_ws.root), "--out", str(other))
    err = _one_line_error(r, 2)
    assert "not a site built by `govreport publish`" in err
    assert (other / "keep.txt").read_text() == "mine"
    err = _one_line_error(_cli("publish", "-w", str(small_ws.root), "--out", str(small_ws.root)), 2)
    assert "--out" in err


def test_publish_on_an_empty_workspace_is_one_clear_line(small_ws):
    r = _cli("publish", "-w", str(small_ws.root))
    err = _one_line_error(r, 2)
    assert "has no runs" in err and "govreport run --period" in err
    assert not (small_ws.root / "site").exists()


def test_pdf_without_chromium_names_the_fix(small_ws, tmp_path):
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    env = {**os.environ, "PATH": str(empty_path)}
    err = _one_line_error(_cli("publish", "-w", str(small_ws.root), "--pdf", env=env), 2)
    assert "chromium" in err and "apt-get install chromium" in err


def test_help_describes_the_command():
    r = _cli("publish", "--help")
    assert r.returncode == 0
    for text in ("--out", "--pdf", "evidence store", "docs/site.md"):
        assert text in r.stdout, text


# -- the demo's four quarters --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_site(demo_workspace: Workspace, tmp_path_factory) -> tuple[Workspace, Path]:
    """A copy of the demo workspace with its site built once through the CLI."""
    dst = tmp_path_factory.mktemp("site") / "ws"
    shutil.copytree(demo_workspace.root, dst)
    ws = Workspace.load(dst)
    r = _cli("publish", "-w", str(dst))
    assert r.returncode == 0, r.stderr[-2000:]
    index = Path(r.stdout.strip())
    assert index == dst / "site" / "index.html" and "site written" in r.stderr
    return ws, index.parent


@pytest.mark.slow
def test_index_lists_the_four_quarters_with_the_review_first(demo_site):
    ws, site = demo_site
    from govreport.workspace.inventory import Inventory

    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    sections = soup.select("section.gr-period")
    assert [s["data-period"] for s in sections] == PERIODS_NEWEST_FIRST
    store = open_store(ws)
    tier_order = [s.id for s in Inventory.load(ws).ordered()]
    for sec in sections:
        p = sec["data-period"]
        blocks = [c for c in sec.find_all(recursive=False) if c.name != "h2"]
        assert blocks[0].get("data-review") == p, "the review comes first in each period"
        review = store.latest(system_id=PORTFOLIO, period=p, template="review")
        link = blocks[0].select_one("a[data-kind=review]")["href"]
        assert link == f"reports/{p}/_portfolio/review/v{review.version}/report.html"
        badge = blocks[0].select_one(".gr-big .gr-badge")
        assert f"gr-{review.summary['status']}" in badge["class"]  # the status the review recorded
        shown = {td["data-dimension"]: td["data-status"] for td in blocks[0].select("td[data-dimension]")}
        assert shown == review.summary["dimensions"] and len(shown) == 7
        assert review.outputs["html"]["sha256"][:12] in str(blocks[0])
        rows = sec.select("tr[data-system]")
        order = list(dict.fromkeys(r["data-system"] for r in rows))
        assert order == [s for s in tier_order if s in order] and len(order) == 3  # highest tier first
        for r in rows:
            rec = store.latest(system_id=r["data-system"], period=p, template=r["data-template"])
            assert r["data-status"] == rec.status
            href = r.select_one("a[href$='report.html']")["href"]
            copied = site / href
            assert sha256_file(copied) == rec.outputs["html"]["sha256"]
            assert rec.outputs["html"]["sha256"][:12] in r.get_text()
    for s in Inventory.load(ws).ordered():  # names in both languages, and a history page each
        assert s.name_zh in str(soup) and s.name_en in str(soup)
        hist = BeautifulSoup((site / "systems" / f"{s.id}.html").read_text(encoding="utf-8"), "html.parser")
        periods = [r["data-period"] for r in hist.select("tr[data-period]")]  # a row per run, newest first
        assert list(dict.fromkeys(periods)) == PERIODS_NEWEST_FIRST and periods == sorted(
            periods, reverse=True
        )


@pytest.mark.slow
def test_every_link_resolves_inside_the_site_and_nothing_is_external(demo_site):
    ws, site = demo_site
    pages = _pages(site)
    # index, three system pages, 4 quarters × 7 reports (3 systems, 2 data_quality audits, 2 portfolio) and
    # each quarter's validation pages in both languages: 9 contract validations (model_risk and data_quality
    # of two predictive systems with a scoring and a training contract each, genai_review's conversations)
    assert len(pages) == 1 + 3 + 4 * 7 + 4 * 9 * 2
    for page in pages:
        own = page.parent == site or page.parent.name == "systems"
        text = page.read_text(encoding="utf-8")
        if own:
            assert not re.search(r"https?://", text), page
        for href in _hrefs(page):
            url = _html.unescape(href).split("#")[0]
            if not url:
                continue
            assert not re.match(r"^[a-z][a-z0-9+.-]*:|^/", url, re.I), (page, href)
            target = (page.parent / url).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (page, href)
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    store = {r.seq: r for r in open_store(ws).records()}
    for f in manifest["files"]:
        assert (
            sha256_file(site / f["path"]) == f["sha256"] == store[f["run_id"]].outputs[f["output"]]["sha256"]
        )
    assert not {"notebook", "log"} & {f["output"] for f in manifest["files"]}


@pytest.mark.slow
def test_site_in_a_browser_offline_both_languages(demo_site):
    from tests.helpers import browser

    _, site = demo_site
    index = site / "index.html"
    dom = browser.dump_dom(index)
    for text in (
        "AI 治理報告總覽",
        "AI governance reports",
        "定期檢視報告",
        "Periodic review",
        "2026Q3",
        "2025Q4",
        "信用卡違約評分卡",
    ):
        assert text in dom, text
    assert not re.search(r"<html[^>]*class=\"[^\"]*gr-lang-en", dom)  # Chinese first
    english = browser._run(
        ["--virtual-time-budget=5000", "--dump-dom", index.resolve().as_uri() + "#en"]
    ).stdout
    assert re.search(r"<html[^>]*class=\"[^\"]*gr-lang-en", english), "#en switches the site to English"
    review = site / "reports" / "2026Q3" / PORTFOLIO / "review" / "v1" / "report.html"
    rdom = browser.dump_dom(review)
    containers, drawn = browser.chart_counts(rdom)
    assert containers >= 2 and drawn == containers, (containers, drawn)
    assert "人工智慧系統定期檢視報告" in rdom and "Periodic review of AI systems" in rdom
    ARTEFACTS.mkdir(exist_ok=True)
    shots = {
        "site-index-zh.png": index.resolve().as_uri(),
        "site-index-en.png": index.resolve().as_uri() + "#en",
        "site-review-2026Q3.png": review.resolve().as_uri(),
        "site-system-card-default.png": (site / "systems" / "card-default.html").resolve().as_uri(),
    }
    for name, url in shots.items():
        browser._run(
            [
                "--window-size=1200,3000",
                "--virtual-time-budget=20000",
                f"--screenshot={ARTEFACTS / name}",
                url,
            ]
        )
        assert (ARTEFACTS / name).stat().st_size > 30_000, name


@pytest.mark.slow
def test_tampered_report_is_refused_and_the_previous_site_stays(demo_site, tmp_path):
    ws0, site0 = demo_site
    dst = tmp_path / "ws"
    shutil.copytree(ws0.root, dst)
    site = dst / "site"
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    victim = dst / "reports" / "2026Q2" / "card-default" / "model_risk" / "v1" / "report.html"
    data = bytearray(victim.read_bytes())
    i = data.index(b"<h1") + 1
    data[i] ^= 0x01  # one byte
    victim.write_bytes(bytes(data))
    r = _cli("publish", "-w", str(dst))
    err = _one_line_error(r, 1, progress=True)
    assert "reports/2026Q2/card-default/model_risk/v1/report.html" in err and "SHA-256" in err
    assert "RUN_ID" in err and "nothing was published" in err
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before, "the previous site is untouched"
    assert [p.name for p in dst.iterdir() if p.name.startswith(".site")] == []  # no half-built folder left


@pytest.mark.slow
@pytest.mark.timeout(3600)  # every report of four quarters printed in two languages (56 PDFs)
def test_pdf_of_each_review_has_the_chinese_text(demo_site, tmp_path):
    ws0, _ = demo_site
    if not shutil.which("chromium") or not shutil.which("pdftotext"):
        from tests.conftest import skip_or_fail

        skip_or_fail("chromium and poppler-utils are needed (scripts/test.sh installs them as root)")
    shutil.copytree(ws0.root, tmp_path / "ws")
    ws = Workspace.load(tmp_path / "ws")
    signed = _cli(
        "signoff",
        "-w",
        str(ws.root),
        "--period",
        "2026Q3",
        "--role",
        "risk",
        "--name",
        "林風控 風險管理處",
        "--opinion",
        "同意提報委員會",
    )
    assert signed.returncode == 0, signed.stderr
    out = tmp_path / "published"
    res = build_site(ws, out, pdf=True)
    # 4 reviews × (Chinese, English), then every other report in both languages too (issue 17)
    assert len(res.pdfs) == 8 + 4 * 6 * 2 and all(p.is_file() for p in res.pdfs)
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    q3 = soup.select_one("div[data-review='2026Q3']")
    hrefs = [a["href"] for a in q3.select("a[href$='.pdf']")]
    assert hrefs == ["pdf/review-2026Q3.pdf", "pdf/review-2026Q3-en.pdf"]
    zh = subprocess.run(
        ["pdftotext", "-layout", str(out / hrefs[0]), "-"], capture_output=True, text=True
    ).stdout
    for text in ("人工智慧系統定期檢視報告", ws.config.name_zh, "信用卡違約評分卡", "第13條", "狀態總覽"):
        assert text in zh, text
    en = subprocess.run(["pdftotext", str(out / hrefs[1]), "-"], capture_output=True, text=True).stdout
    assert "Periodic review of AI systems" in en and "人工智慧系統定期檢視報告" not in en
    # the recorded sign-off and the key the chain is signed with are on paper too
    assert "林風控" in zh and "同意提報委員會" in zh and "已登錄之簽核" in zh
    assert ws.signing().fingerprint[:16] in zh.replace("\n", "")
    assert "林風控" in q3.get_text() and q3.select_one("tr[data-stale='false']") is not None
    info = subprocess.run(["pdfinfo", str(out / hrefs[0])], capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(out / hrefs[0], ARTEFACTS / "site-review-2026Q3.pdf")
    # a system report printed in each language: the row offers each reader the PDF in theirs
    row = q3.find_parent("section").select_one("a[data-kind='pdf'][data-lang='zh']").find_parent("td")
    zh_pdf, en_pdf = (row.select_one(f"a[data-lang='{x}']")["href"] for x in ("zh", "en"))
    assert en_pdf == zh_pdf.removesuffix(".pdf") + "-en.pdf"
    zh = subprocess.run(["pdftotext", str(out / zh_pdf), "-"], capture_output=True, text=True).stdout
    en = subprocess.run(["pdftotext", str(out / en_pdf), "-"], capture_output=True, text=True).stdout
    assert "整體狀態" in zh and "Overall status" not in zh, zh_pdf
    assert "Overall status" in en and "整體狀態" not in en, en_pdf


def test_publish_out_only_replaces_a_site_it_built(small_ws, tmp_path, capsys):
    """Issue 19, item 5: a folder holding a bare site.json, a forged marker, or a site with someone's files
    added is refused with exit 2 and nothing in it is deleted; an empty folder or an untouched site is
    fine."""
    from govreport.publish.site import MARKER
    from tests.helpers.cli import run_cli

    _record(small_ws, "scorer", "2026Q3", "model_risk", "succeeded", "x")
    ws_arg = ("-w", str(small_ws.root))
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / MANIFEST).write_text("{}")
    (bare / "budget.xlsx").write_text("mine")
    forged = tmp_path / "forged"
    forged.mkdir()
    (forged / MARKER).write_text(json.dumps({"site_id": "x", "files": ["notes.txt"]}))
    (forged / "notes.txt").write_text("mine")
    for folder, words in ((bare, f"no valid {MARKER}"), (forged, f"no valid {MARKER}")):
        before = sorted(p.name for p in folder.iterdir())
        code, out, err = run_cli(capsys, "publish", *ws_arg, "--out", str(folder))
        assert code == 2 and not out.strip() and len(err.strip().splitlines()) == 1, err
        assert words in err and "field '--out'" in err
        assert sorted(p.name for p in folder.iterdir()) == before
    assert (bare / "budget.xlsx").read_text() == "mine" and (forged / "notes.txt").read_text() == "mine"

    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run_cli(capsys, "publish", *ws_arg, "--out", str(empty))
    assert code == 0, err
    marker = json.loads((empty / MARKER).read_text())
    assert len(marker["site_id"]) == 32 and "index.html" in marker["files"] and MANIFEST in marker["files"]
    code, _, err = run_cli(capsys, "publish", *ws_arg, "--out", str(empty))  # its own site: replaced
    assert code == 0, err
    assert json.loads((empty / MARKER).read_text())["site_id"] != marker["site_id"]
    (empty / "systems" / "my-notes.txt").write_text("mine")  # someone keeps a file inside the site
    code, _, err = run_cli(capsys, "publish", *ws_arg, "--out", str(empty))
    assert code == 2 and "1 file(s) the site did not write, e.g. systems/my-notes.txt" in err
    assert (empty / "systems" / "my-notes.txt").read_text() == "mine" and (empty / "index.html").is_file()
