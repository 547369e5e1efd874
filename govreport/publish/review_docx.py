"""The periodic review as an editable Word document (Art. 9, 13): what the committee secretary annotates,
edits and has signed.

Built from a review dict (the ``review.json`` the ``review`` template wrote, read from the evidence store and
checked against its recorded SHA-256 by the caller); nothing is recomputed. One language per file —
Traditional Chinese by default, English on request — with every label from the same message catalogue as the
HTML (:mod:`govreport.present.i18n`) and the same number and date formatting, so HTML, PDF and Word never
disagree.

The document has the cover with the evidence chain head, the sign-off table (recorded sign-offs first, then
blank rows to sign), the status matrix as a coloured table with the shape symbols of the HTML (● ▲ ■ ○ ✕, so
it reads in black and white), top risks, decisions, changes since the last review, the trend of statuses
(a chart), inventory changes, one scorecard per system, disclosure, assessments, vendors, sustainability,
findings (with a chart), the article coverage and the appendix. Headings are Word headings (the table of
contents field works), every page carries the bank's name and the classification in its header and the page
number in its footer, and East Asian text is set in a CJK font so it renders in Word and LibreOffice.

Charts are Plotly figures drawn by headless Chromium (:class:`govreport.publish.browser.Browser`, offline:
one per document, or the publish's one) and
embedded as PNG images; without Chromium the document carries the tables and says where the charts are.

This module reads the review and writes the file; the sections are laid out in :mod:`.review_docx_sections`,
through the Word vocabulary and chart drawing of :mod:`.docx_writer`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.status import RunStatus
from ..errors import GovreportError, TamperedEvidence
from ..present.review import fig_findings, fig_status_history
from .browser import Browser
from .docx_writer import CJK_FONT, SYMBOLS, DocxWriter, chart_png, one_language
from .review_docx_sections import add_sections

if TYPE_CHECKING:
    from ..evidence.store import RunRecord
    from ..workspace.config import Workspace

__all__ = ["write_review_docx", "review_docx_for_run", "read_review", "chart_png", "SYMBOLS", "CJK_FONT"]


def write_review_docx(
    review: Mapping[str, Any],
    out: str | Path,
    *,
    lang: str = "zh-TW",
    classification: tuple[str, str] = ("機密", "Confidential"),
    signoffs: Sequence[Mapping[str, Any]] = (),
    chain: Mapping[str, Any] | None = None,
    charts: bool = True,
    chromium: str | None = None,
    html_report: str = "report.html",
    browser: Browser | None = None,
) -> Path:
    """Write the review dict ``review`` (``review.json``) as an editable .docx in one language (``zh-TW`` or
    ``en``) to ``out``. ``signoffs`` are the recorded sign-offs to print (each with ``role``, ``name``,
    ``opinion``, ``time``, ``review_version``, ``stale``; :func:`govreport.evidence.signoff.signoffs_for`);
    ``chain`` the evidence head the review was built on (``seq``, ``hash``, ``fingerprint``). ``html_report``
    is named where a chart could not be drawn. The file is written whole or not at all."""
    if lang not in ("zh-TW", "en"):
        raise ValueError(f"lang must be zh-TW or en, not {lang!r}")
    out = Path(out)
    r = review
    w = DocxWriter(lang)
    w.page_setup(w.pair(r["bank_zh"], r["bank_en"]), w.pair(*classification))
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="govreport-docx-") as tmp:
        if charts and browser is None:  # one browser for this document's charts; none: tables only
            with contextlib.suppress(GovreportError):
                browser = stack.enter_context(Browser(chromium, timeout=120))
        draw = charts and browser is not None
        history = findings = None
        if draw and len(r["status_history"]) > 1:
            history = chart_png(
                one_language(fig_status_history(r), lang), Path(tmp) / "history.png", browser=browser
            )
        ff = fig_findings(r) if draw else None
        if ff is not None:
            findings = chart_png(
                one_language(ff, lang),
                Path(tmp) / "findings.png",
                height=max(260, 120 + 40 * len(r["findings"] or [])),
                browser=browser,
            )
        add_sections(
            w,
            r,
            signoffs=signoffs,
            chain=chain,
            history_png=history,
            findings_png=findings,
            html_report=html_report,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        part = out.with_name(f".{out.name}.part")
        w.doc.core_properties.title = f"{w.t('review.title')} {r['period']}"
        w.doc.core_properties.language = lang
        w.doc.save(str(part))
    part.replace(out)
    return out


def read_review(ws: Workspace, rec: RunRecord) -> dict[str, Any]:
    """The ``review.json`` a succeeded review run recorded, after checking it against its recorded SHA-256
    (a changed file is :class:`~govreport.errors.TamperedEvidence`, never printed)."""
    out = (rec.outputs or {}).get("review")
    if rec.template != "review" or rec.status != RunStatus.SUCCEEDED or not out:
        raise TamperedEvidence(
            f"RUN_ID {rec.seq} is not a succeeded review run with a review.json",
            fix="run `govreport review --period P` first",
        )
    path = ws.resolve(out["path"])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TamperedEvidence(
            f"the review.json of RUN_ID {rec.seq} is missing",
            file=path,
            fix="restore it from backup, or run the review again",
        ) from None
    if hashlib.sha256(data).hexdigest() != out["sha256"]:
        raise TamperedEvidence(
            f"the review.json of RUN_ID {rec.seq} no longer matches its recorded SHA-256",
            file=path,
            fix="restore it from backup, or run the review again",
        )
    return json.loads(data)


def review_docx_for_run(
    ws: Workspace,
    rec: RunRecord,
    out: Path,
    *,
    lang: str = "zh-TW",
    chromium: str | None = None,
    browser: Browser | None = None,
) -> Path:
    """The Word edition of review run ``rec`` in ``lang``, written to ``out``, with the workspace's
    classification, the sign-offs recorded so far and the chain head the review was built on."""
    from ..evidence.queries import open_store
    from ..evidence.signoff import signoffs_for

    r = read_review(ws, rec)
    cfg = ws.config
    # the sign-offs recorded up to now (as the site and the PDF show them), stale when they approved an
    # earlier version of the review; the chain head and key the review was built on, from review.json
    signoffs = signoffs_for(open_store(ws, writing=False).records(period=rec.period), rec.period)
    head = r.get("evidence_head") or {}
    chain = {
        "seq": head.get("seq"),
        "hash": head.get("record_hash"),
        "fingerprint": head.get("key_fingerprint"),
    }
    return write_review_docx(
        r,
        out,
        lang=lang,
        classification=(cfg.classification_zh, cfg.classification_en),
        signoffs=signoffs,
        chain=chain,
        chromium=chromium,
        browser=browser,
        html_report=(rec.outputs or {}).get("html", {}).get("path", "report.html"),
    )
