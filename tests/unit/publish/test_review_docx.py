"""The periodic review as an editable Word document: read back with python-docx, converted to PDF by
LibreOffice (Debian's package, headless) and read with pdftotext, in both languages, on the demo's 2026Q3."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from govreport.errors import TamperedEvidence
from govreport.evidence.queries import open_store
from govreport.publish.review_docx import SYMBOLS, read_review, review_docx_for_run
from tests.conftest import ROOT, skip_or_fail

pytestmark = pytest.mark.slow
ARTEFACTS = ROOT / "test-artefacts"


def _review_record(ws, period="2026Q3"):
    recs = [
        r for r in open_store(ws).records(period=period) if r.template == "review" and r.status == "succeeded"
    ]
    return recs[-1]


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        skip_or_fail("LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
    return exe


def _to_pdf_text(docx: Path, tmp: Path) -> str:
    r = subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation=file://{tmp}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(docx),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp / (docx.stem + ".pdf")
    assert pdf.is_file(), r.stdout + r.stderr
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_review_docx_reads_back_and_converts_to_pdf(demo_workspace, tmp_path, lang):
    ws = demo_workspace
    rec = _review_record(ws)
    review = read_review(ws, rec)
    out = review_docx_for_run(ws, rec, tmp_path / f"review-{lang}.docx", lang=lang)
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(out, ARTEFACTS / f"review-2026Q3-{lang}.docx")

    doc = Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    zh = lang == "zh-TW"
    for expected in (
        ("簽核", "執行摘要", "條文對照", "附錄") if zh else ("Sign-off", "Executive summary", "Appendix")
    ):
        assert any(expected in h for h in headings), (expected, headings)
    # the status matrix: one row per system, each named in the page's language, each cell a status with its
    # shape
    names = [s["name_zh"] if zh else s["name_en"] for s in review["systems"]]
    matrix = next(
        t
        for t in doc.tables
        if t.rows[0].cells[0].text == ("AI 系統" if zh else "AI system") and len(t.columns) >= 9
    )
    rows = {r.cells[0].text: r for r in matrix.rows[1:]}
    assert set(rows) == set(names), (set(rows), names)
    for r in rows.values():
        assert all(c.text.split()[0] in SYMBOLS.values() for c in r.cells[2:]), [c.text for c in r.cells]
    # header: bank name and classification on every page; footer: page number fields
    header = doc.sections[0].header.paragraphs[0].text
    assert (review["bank_zh"] if zh else review["bank_en"]) in header and (
        "機密" if zh else "Confidential"
    ) in header
    assert "PAGE" in doc.sections[0].footer._element.xml and "NUMPAGES" in doc.sections[0].footer._element.xml
    # charts are embedded as pictures (Chromium is installed where these tests run)
    if shutil.which("chromium"):
        assert len(doc.inline_shapes) >= 1
    # East Asian font set on the styles, so Word and LibreOffice pick a CJK face
    assert 'w:eastAsia="Microsoft JhengHei"' in doc.styles["Normal"].element.xml

    # pdftotext sets spaces between Chinese and digits, and breaks lines inside table cells: compare without
    compact = re.sub(r"\s+", "", _to_pdf_text(out, tmp_path))

    def found(s: str) -> bool:
        return re.sub(r"\s+", "", s) in compact

    assert found(review["bank_zh"] if zh else review["bank_en"])
    assert found("第13條" if zh else "Art. 13")
    for n in names:
        assert found(n), n
    if zh:  # one language per file: the Chinese edition does not carry the English labels
        assert not found("Periodic review of AI systems") and not found("Sign-off")
    else:
        assert not found("人工智慧系統定期檢視報告")


def test_publish_docx_links_both_languages_and_a_changed_review_json_is_refused(demo_workspace, tmp_path):
    site = tmp_path / "site"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "govreport",
            "publish",
            "-w",
            str(demo_workspace.root),
            "--out",
            str(site),
            "--docx",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr
    for name in ("review-2026Q3.docx", "review-2026Q3-en.docx"):
        assert (site / "docx" / name).is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="docx/review-2026Q3.docx"' in index and 'href="docx/review-2026Q3-en.docx"' in index
    manifest = json.loads((site / "site.json").read_text(encoding="utf-8"))
    assert manifest["pdf"]["2026Q3"]["docx.zh"] == "docx/review-2026Q3.docx"

    # a review.json changed after its run is never printed into a board pack
    ws = tmp_path / "ws"
    shutil.copytree(demo_workspace.root, ws, ignore=shutil.ignore_patterns("site"))
    from govreport.workspace import Workspace

    w2 = Workspace.load(ws)
    rec = _review_record(w2)
    p = w2.resolve(rec.outputs["review"]["path"])
    doc = json.loads(p.read_text(encoding="utf-8"))
    doc["overall"] = "green" if doc["overall"] != "green" else "red"  # someone "improves" the pack
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TamperedEvidence, match="no longer matches its recorded SHA-256"):
        review_docx_for_run(w2, rec, tmp_path / "x.docx")
    assert not (tmp_path / "x.docx").exists()


def test_a_recorded_signoff_appears_in_the_word_edition_with_its_time(demo_workspace, tmp_path):
    ws_root = tmp_path / "ws"
    shutil.copytree(demo_workspace.root, ws_root, ignore=shutil.ignore_patterns("site"))
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "govreport",
            "signoff",
            "-w",
            str(ws_root),
            "--period",
            "2026Q3",
            "--role",
            "risk",
            "--name",
            "風險長 林美華",
            "--opinion",
            "同意提報委員會",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    from govreport.workspace import Workspace

    ws = Workspace.load(ws_root)
    signoff = next(x for x in open_store(ws, writing=False).records() if x.kind == "signoff")
    out = review_docx_for_run(ws, _review_record(ws), tmp_path / "signed.docx")
    doc = Document(str(out))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "角色" and len(t.columns) == 5)
    row = [c.text for c in table.rows[1].cells]
    assert row[:3] == ["風險管理單位", "風險長 林美華", "同意提報委員會"], row
    # the time in the workspace's zone (the demo's is Asia/Taipei), not the recorded UTC
    utc = datetime.fromisoformat(signoff.finished_at.replace("Z", "+00:00"))
    utc = utc if utc.tzinfo else utc.replace(tzinfo=UTC)
    taipei = utc.astimezone(ZoneInfo("Asia/Taipei")).strftime("%Y-%m-%d %H:%M")
    assert row[3] == f"{taipei}（台北時間）", row[3]
    assert row[4].startswith("v") and "失效" not in row[4]
    # the cover names the chain head and key the review was built on
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "證據鏈頭：序號" in text and "簽章金鑰指紋：" in text
