"""The Word edition over a review built from synthetic evidence records (no kernels, no demo, no Chromium):
every section is laid out, the status matrix has one row per system with the HTML's shapes, one language per
file, and where a chart is not drawn the document names the HTML report instead."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport import build_review
from govreport.publish.review_docx import SYMBOLS, write_review_docx
from govreport.workspace.config import Workspace
from tests.unit.assessments.test_review_unit import ws  # noqa: F401 - the synthetic workspace fixture

docx = pytest.importorskip("docx")


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_every_section_of_a_synthetic_review(ws: Workspace, tmp_path: Path, lang: str) -> None:  # noqa: F811
    review = json.loads(json.dumps(build_review(ws, "2026Q3").to_dict()))  # as review.json holds it
    signoff = {
        "role": "chair",
        "name": "王大明",
        "opinion": "同意 approved",
        "time": "2026-10-05T03:00:00+00:00",
        "review_version": 1,
        "stale": False,
        "seq": 9,
    }
    out = write_review_docx(
        review,
        tmp_path / f"review-{lang}.docx",
        lang=lang,
        signoffs=[signoff],
        chain={"seq": 2, "hash": "ab" * 32, "fingerprint": None},
        charts=False,
        html_report="reports/2026Q3/_portfolio/review/v1/report.html",
    )
    doc = docx.Document(str(out))
    zh = lang == "zh-TW"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for expected in ("簽核", "執行摘要", "附錄") if zh else ("Sign-off", "Executive summary", "Appendix"):
        assert any(expected in h for h in headings), (expected, headings)

    matrix = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == ("AI 系統" if zh else "AI system") and len(t.columns) >= 9
    )
    names = {s["name_zh"] if zh else s["name_en"] for s in review["systems"]}
    rows = {r.cells[0].text: r for r in matrix.rows[1:]}
    assert set(rows) == names and len(names) == 3
    for r in rows.values():
        assert all(c.text.split()[0] in SYMBOLS.values() for c in r.cells[2:]), [c.text for c in r.cells]
    cells = [c.text for r in rows.values() for c in r.cells[2:]]
    assert any(c.startswith(SYMBOLS["red"]) for c in cells)  # chat-a's PSI 0.31
    assert any(c.startswith(SYMBOLS["failed"]) for c in cells)  # chat-b's failed run

    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "王大明" in text  # the recorded sign-off is printed
    # at 03:00 UTC, in the workspace's time zone (the review's): Taipei unless govreport.yaml says otherwise
    assert ("2026-10-05 11:00（台北時間）" if zh else "2026-10-05 11:00 (Taipei time)") in text
    assert (review["bank_zh"] if zh else review["bank_en"]) in doc.sections[0].header.paragraphs[0].text
    if zh:  # one language per file
        assert "Periodic review of AI systems" not in text and "Sign-off" not in text
    else:
        assert "人工智慧系統定期檢視報告" not in text
    assert not doc.inline_shapes  # charts=False: no pictures …
    if len(review["status_history"]) > 1 or review["findings"]:
        assert "report.html" in text  # … and the document says where the charts are


def test_the_word_edition_prints_times_in_the_workspace_zone(ws: Workspace, tmp_path: Path) -> None:  # noqa: F811
    review = json.loads(json.dumps(build_review(ws, "2026Q3").to_dict())) | {"timezone": "Europe/London"}
    signoff = {"role": "risk", "name": "林", "opinion": "ok", "time": "2026-10-05T03:00:00+00:00", "seq": 9}
    out = write_review_docx(review, tmp_path / "r.docx", lang="en", signoffs=[signoff], charts=False)
    doc = docx.Document(str(out))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "2026-10-05 04:00 (London time)" in text and "Taipei" not in text
