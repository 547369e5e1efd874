"""Issue 17 on the demo's 2026Q3 pack, read in headless Chromium with the network blocked: one language at a
time (the printed Chinese view has at most 40 lower-case English words of four letters or more per report,
the English view no Chinese apart from names), every non-green matrix cell explained, no Python repr of a
threshold, no raw system id in the review's prose; screenshots of the review and a system report at 1400 px
and 420 px in both languages kept under test-artefacts/board-ready/ (CI keeps test-artefacts/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from govreport.workspace.config import Workspace
from tests.helpers.browser import _run, dump_dom
from tests.helpers.langcount import chinese_chars, english_words, marked_words, printed_text

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artefacts" / "board-ready"
MAX_ENGLISH_WORDS = 40
#: Chinese characters an English view may still print: people's and units' names from the inventory
MAX_CHINESE_CHARS = 150


def latest(ws: Workspace, period: str) -> dict[str, Path]:
    """The latest report of each (system, template) of ``period``."""
    out: dict[str, Path] = {}
    for rep in ws.reports_dir.glob(f"{period}/*/*/v*/report.html"):
        key = f"{rep.parents[2].name}/{rep.parents[1].name}"
        if key not in out or int(rep.parent.name[1:]) > int(out[key].parent.name[1:]):
            out[key] = rep
    return out


def names(ws: Workspace) -> tuple[set[str], str]:
    """(English words, Chinese characters) of the bank's and systems' names: proper names are allowed."""
    words = set(ws.config.name_en.split())
    chars = ws.config.name_zh
    for f in ws.systems_dir.glob("*.yaml"):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        words |= set(str(d.get("name_en", "")).split())
        # names of owners, committees and channels from the inventory record
        chars += str(d.get("name_zh", "")) + json.dumps(d, ensure_ascii=False, default=str)
    return words, chars


def language_counts(ws: Workspace, page: Path) -> tuple[int, int, list[str]]:
    html = page.read_text(encoding="utf-8")
    words, chars = names(ws)
    zh = english_words(printed_text(page, "zh-TW"), words | marked_words(html, "zh-TW"))
    en = chinese_chars(printed_text(page, "en"), chars + "".join(marked_words(html, "en")))
    return sum(zh.values()), sum(en.values()), [w for w, _ in zh.most_common(10)]


def screenshots(page: Path, stem: str) -> list[Path]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    made = []
    for width in (1400, 420):
        for lang, frag in (("zh", ""), ("en", "#en")):
            png = ARTEFACTS / f"{stem}-{width}-{lang}.png"
            _run(
                [
                    f"--window-size={width},2400",
                    "--virtual-time-budget=20000",
                    f"--screenshot={png}",
                    page.resolve().as_uri() + frag,
                ]
            )
            made.append(png)
    return made


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    return demo_workspace


@pytest.mark.slow
def test_one_language_at_a_time_in_every_2026q3_report(demo):
    reports = latest(demo, "2026Q3")
    assert len(reports) == 7, sorted(reports)  # 3 systems, 2 data_quality audits, 2 portfolio reports
    counts = {key: language_counts(demo, page) for key, page in reports.items()}
    (ROOT / "test-artefacts").mkdir(exist_ok=True)
    (ROOT / "test-artefacts" / "language-counts.json").write_text(
        json.dumps(counts, indent=1), encoding="utf-8"
    )
    for key, (words, chars, top) in counts.items():
        assert words <= MAX_ENGLISH_WORDS, (key, words, top)
        assert chars <= MAX_CHINESE_CHARS, (key, chars)


@pytest.mark.slow
def test_the_review_explains_every_cell_and_prints_no_repr_or_id(demo):
    from bs4 import BeautifulSoup

    page = latest(demo, "2026Q3")["_portfolio/review"]
    html = page.read_text(encoding="utf-8")
    assert "Threshold(" not in html
    assert "Threshold(" not in (page.parent / "review.json").read_text(encoding="utf-8")
    soup = BeautifulSoup(dump_dom(page), "html.parser")
    cells = soup.select("#gr-matrix td[data-status]")
    assert cells
    for cell in cells:
        if cell["data-status"] == "green":
            continue
        target = cell.select_one("a.gr-why-link")["href"]
        assert soup.select_one(target) is not None, target
    text = " ".join(x.get_text(" ") for x in soup.select('[lang="zh-TW"]'))
    for sid in ("card-default", "txn-monitoring", "cs-assistant"):
        assert sid not in text, sid
    for png in screenshots(page, "review-2026Q3"):
        assert png.stat().st_size > 10_000


@pytest.mark.slow
def test_system_report_screenshots(demo):
    page = latest(demo, "2026Q3")["card-default/model_risk"]
    for png in screenshots(page, "card-default-2026Q3"):
        assert png.stat().st_size > 10_000
