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

Charts are Plotly figures drawn by headless Chromium (:mod:`govreport.publish.pdf`'s browser, offline) and
embedded as PNG images; without Chromium the document carries the tables and says where the charts are.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.status import DIMENSIONS, RunStatus
from ..errors import GovreportError, TamperedEvidence
from ..present.i18n import DIMENSION_LABELS, MESSAGES, article, fmt_date, fmt_num, fmt_pct
from ..present.review import (
    CHANGE_TEXT,
    STATUS_TEXT,
    decision_kwargs,
    fig_findings,
    fig_status_history,
    missing_clauses,
    value_text,
)
from .pdf import CHROMIUM_FLAGS, find_chromium

if TYPE_CHECKING:
    from ..evidence.store import RunRecord
    from ..workspace.config import Workspace

__all__ = ["write_review_docx", "review_docx_for_run", "read_review", "chart_png", "SYMBOLS", "CJK_FONT"]

#: the shape beside each status, as in the HTML badges (report.css), so a black-and-white print reads
SYMBOLS = {"green": "●", "amber": "▲", "red": "■", "not_assessed": "○", "failed": "✕"}
_FILL = {"green": "D9F0D3", "amber": "FDE0B2", "red": "F4C7C3", "not_assessed": "EEEEEE", "failed": "E0E0E0"}
_INK = {"green": "1B7837", "amber": "A65A00", "red": "B2182B", "not_assessed": "555555", "failed": "374151"}
#: East Asian font for Word (Windows, Taiwan) — LibreOffice substitutes Noto Sans CJK TC through fontconfig
CJK_FONT = "Microsoft JhengHei"
LATIN_FONT = "Calibri"


class _Writer:
    """python-docx with the review's vocabulary: one language, headings, status cells, simple tables."""

    def __init__(self, lang: str) -> None:
        from docx import Document  # python-docx: only the Word edition needs it

        self.lang = lang
        self.doc = Document()
        self._fonts()

    # -- text ------------------------------------------------------------------------------------------
    def t(self, key: str, **kw: Any) -> str:
        zh, en = MESSAGES[key]
        pick = {
            k: (v[0] if self.lang == "zh-TW" else v[1]) if isinstance(v, tuple) else v for k, v in kw.items()
        }
        return (zh if self.lang == "zh-TW" else en).format(**pick)

    def pair(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh-TW" else en

    def status(self, st: str) -> str:
        return f"{SYMBOLS.get(st, '')} {self.pair(*STATUS_TEXT.get(st, (st, st)))}"

    def date(self, v: str | None) -> str:
        return fmt_date(v, self.lang)

    def name(self, s: Mapping[str, Any]) -> str:
        return self.pair(s.get("name_zh") or s.get("id", ""), s.get("name_en") or s.get("id", ""))

    # -- blocks ----------------------------------------------------------------------------------------
    def heading(self, text: str, level: int = 1) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None) -> Any:
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        return p

    def bullets(self, items: Iterable[str], numbered: bool = False) -> None:
        for x in items:
            self.doc.add_paragraph(x, style="List Number" if numbered else "List Bullet")

    def table(
        self, head: Sequence[str] | None, rows: Sequence[Sequence[Any]], *, status_cols: Sequence[int] = ()
    ) -> Any:
        """A table with a header row repeated on every page (none when ``head`` is None); cells in
        ``status_cols`` hold a status and are coloured."""
        tbl = self.doc.add_table(rows=1 if head else 0, cols=len(head) if head else len(rows[0]))
        tbl.style = "Table Grid"
        if head:
            for cell, text in zip(tbl.rows[0].cells, head, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
                _shade(cell, "DDE3EA")
            _repeat_header(tbl.rows[0])
        for row in rows:
            cells = tbl.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, row, strict=True)):
                if i in status_cols:
                    self.status_cell(cell, str(value))
                else:
                    cell.text = "" if value is None else str(value)
        return tbl

    def status_cell(self, cell: Any, st: str) -> None:
        from docx.shared import RGBColor

        cell.text = ""
        run = cell.paragraphs[0].add_run(self.status(st))
        run.bold = True
        run.font.color.rgb = RGBColor.from_string(_INK.get(st, "000000"))
        _shade(cell, _FILL.get(st, "FFFFFF"))

    def image(self, png: Path | None, where: str, width_cm: float = 16.0) -> None:
        from docx.shared import Cm

        if png is not None:
            self.doc.add_picture(str(png), width=Cm(width_cm))
        else:
            self.para(self.t("docx.chart.missing", where=where), italic=True)

    # -- page set-up -----------------------------------------------------------------------------------
    def _fonts(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Pt

        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet", "List Number"):
            style = self.doc.styles[name]
            style.font.name = LATIN_FONT
            rpr = style.element.get_or_add_rPr()
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(qn("w:rFonts"), {})
                rpr.append(fonts)
            for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
                fonts.set(qn(attr), CJK_FONT if attr == "w:eastAsia" else LATIN_FONT)
        self.doc.styles["Normal"].font.size = Pt(10.5)
        lang = self.doc.styles["Normal"].element.get_or_add_rPr()
        el = lang.makeelement(qn("w:lang"), {qn("w:val"): "en-US", qn("w:eastAsia"): "zh-TW"})
        lang.append(el)

    def page_setup(self, bank: str, classification: str) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        sec = self.doc.sections[0]
        sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)  # A4
        sec.left_margin = sec.right_margin = Cm(2.0)
        header = sec.header.paragraphs[0]
        header.text = f"{bank}　｜　{classification}"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer = sec.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # "第 {page} 頁，共 {pages} 頁" with Word fields for the numbers
        before, rest = self.t("docx.page", page="\0", pages="\0").split("\0", 1)
        middle, after = rest.split("\0", 1)
        footer.add_run(before)
        _field(footer, "PAGE")
        footer.add_run(middle)
        _field(footer, "NUMPAGES")
        footer.add_run(after)

    def toc(self) -> None:
        self.heading(self.t("docx.toc"), 1)
        p = self.doc.add_paragraph()
        _field(p, 'TOC \\o "1-2" \\h \\z \\u', placeholder=self.t("docx.toc.hint"))


def _shade(cell: Any, hex_fill: str) -> None:
    from docx.oxml.ns import qn

    tcpr = cell._tc.get_or_add_tcPr()
    shd = tcpr.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): hex_fill})
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    """Repeat the header row on every page a table spans (Word's 'Repeat as header row')."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    trpr.append(trpr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _field(paragraph: Any, instruction: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES, TOC) in ``paragraph``; Word and LibreOffice fill it in."""
    from docx.oxml.ns import qn

    def run_with(tag: str, **attrs: str) -> None:
        run = paragraph.add_run()
        el = run._r.makeelement(qn(tag), {qn(k): v for k, v in attrs.items()})
        if tag == "w:instrText":
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        run._r.append(el)

    run_with("w:fldChar", **{"w:fldCharType": "begin"})
    run_with("w:instrText")
    run_with("w:fldChar", **{"w:fldCharType": "separate"})
    paragraph.add_run(placeholder)
    run_with("w:fldChar", **{"w:fldCharType": "end"})


# -- charts ------------------------------------------------------------------------------------------------
def chart_png(
    fig: Any, png: Path, *, width: int = 1000, height: int = 420, chromium: str | None = None
) -> Path | None:
    """Draw the Plotly figure ``fig`` to ``png`` with headless Chromium (offline: Plotly's JavaScript
    embedded, no network). None when no Chromium is installed or it could not draw the page."""
    try:
        exe = chromium or find_chromium()
    except GovreportError:
        return None
    fig = fig.__class__(fig)  # a copy: the layout is set for the picture only
    fig.update_layout(width=width, height=height, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    with tempfile.TemporaryDirectory(prefix="govreport-chart-") as tmp:
        page = Path(tmp) / "chart.html"
        page.write_text(
            fig.to_html(
                include_plotlyjs=True, full_html=True, config={"displayModeBar": False, "staticPlot": True}
            ),
            encoding="utf-8",
        )
        try:
            subprocess.run(
                [
                    exe,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={tmp}/profile",
                    "--virtual-time-budget=5000",
                    f"--window-size={width},{height}",
                    f"--screenshot={png}",
                    page.as_uri(),
                ],
                capture_output=True,
                timeout=120,
            )
        except (subprocess.TimeoutExpired, OSError):
            return None
    return png if png.is_file() and png.stat().st_size > 0 else None


# -- the document ---------------------------------------------------------------------------------------
def _rule(w: _Writer, text: str | None) -> str:
    """A threshold rule ("green ≥ 0.7; red < 0.5") in the page's language."""
    text = text or ""
    if w.lang != "zh-TW":
        return text
    for en, zh in (("green", "綠燈"), ("amber", "黃燈"), ("red", "紅燈"), ("; ", "；")):
        text = text.replace(en, zh)
    return text


def _one_language(fig: Any, lang: str) -> Any:
    """A review figure whose texts are "中文 English" pairs, with only the page's language kept."""

    def pick(text: str | None, sep: str) -> str | None:
        if not text or sep not in text:
            return text
        zh, en = text.split(sep, 1)
        return zh if lang == "zh-TW" else en

    fig = fig.__class__(fig)
    for tr in fig.data:
        tr.name = pick(tr.name, " ")
    fig.update_layout(title={"text": pick(fig.layout.title.text, " · ")})
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.title and axis.title.text:
            axis.title.text = pick(axis.title.text, " ")
    return fig


def _ind_label(w: _Writer, i: Mapping[str, Any]) -> str:
    return w.pair(i.get("label_zh") or i["id"], i.get("label_en") or i["id"])


def _cover(w: _Writer, r: Mapping[str, Any], chain: Mapping[str, Any] | None) -> None:
    w.doc.add_heading(f"{w.t('review.title')} {r['period']}", 0)
    w.para(w.t("review.subtitle"), italic=True)
    period = (
        f"{r['period']}（{w.date(r['period_start'])}至{w.date(r['period_end'])}）"
        if w.lang == "zh-TW"
        else f"{r['period']} ({w.date(r['period_start'])} – {w.date(r['period_end'])})"
    )
    bad = len(r["evidence_problems"])
    rows = [
        (w.t("review.cover.bank"), w.pair(r["bank_zh"], r["bank_en"])),
        (w.t("review.cover.period"), period),
        (
            w.t("review.cover.norms"),
            w.pair(
                r["norms_version"],
                "TBA 'Operational norms for financial institutions using AI technology' (amended 2025-05-29)",
            ),
        ),
        (w.t("review.cover.preparer"), r["preparer"] or "—"),
        (w.t("review.cover.generated"), f"{w.date(r['generated_at'])} · govreport {r['govreport_version']}"),
        (w.t("review.cover.overall"), w.status(r["overall"])),
        (
            w.t("review.cover.evidence"),
            w.t("review.cover.evidence.ok") if not bad else w.t("review.cover.evidence.bad", n=bad),
        ),
    ]
    tbl = w.table(None, rows)
    w.status_cell(tbl.rows[5].cells[1], r["overall"])
    if chain:
        if chain.get("seq") is not None:
            w.para(w.t("docx.chain", seq=chain["seq"], hash=chain.get("hash", "")), size=8)
        if chain.get("fingerprint"):
            w.para(w.t("docx.key", fingerprint=chain["fingerprint"]), size=8)
    w.para(w.t("docx.edition"), italic=True, size=8)


def _signoff(w: _Writer, r: Mapping[str, Any], signoffs: Sequence[Mapping[str, Any]]) -> None:
    w.heading(w.t("review.signoff"), 1)
    w.para(w.t("review.signoff.lead"))
    roles = {
        "infosec": "review.signoff.infosec",
        "compliance": "review.signoff.compliance",
        "risk": "review.signoff.risk",
    }
    committees = "、".join(r["committees"]) or "—"

    def role_label(role: str) -> str:
        return w.t(roles[role]) if role in roles else w.t("review.signoff.accountable", name=committees)

    w.heading(w.t("docx.signoff.recorded"), 2)
    if signoffs:
        rows = [
            (
                role_label(s.get("role", "")),
                s.get("name", ""),
                s.get("opinion", ""),
                _when(s.get("time") or ""),
                (f"v{s['review_version']}" if s.get("review_version") is not None else "—")
                + (f" · {w.t('docx.signoff.stale')}" if s.get("stale") else ""),
            )
            for s in signoffs
        ]
        w.table(
            [
                w.t("review.signoff.role"),
                w.t("review.signoff.name"),
                w.t("review.signoff.opinion"),
                w.t("docx.signoff.time"),
                w.t("docx.signoff.version"),
            ],
            rows,
        )
    else:
        w.para(w.t("docx.signoff.none"), italic=True)
    blank = [(role_label(k), "", "", "") for k in ("infosec", "compliance", "risk", "committee")]
    w.doc.add_paragraph()
    w.table(
        [
            w.t("review.signoff.role"),
            w.t("review.signoff.name"),
            w.t("review.signoff.opinion"),
            w.t("review.signoff.date"),
        ],
        blank,
    )


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16] if iso else "—"


def _summary(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.summary"), 1)
    c = dict.fromkeys(STATUS_TEXT, 0)
    for row in r["matrix"].values():
        for v in row.values():
            c[v] = c.get(v, 0) + 1
    w.para(
        w.t(
            "review.summary.lead",
            n=len(r["matrix"]),
            green=c["green"],
            amber=c["amber"],
            red=c["red"],
            na=c["not_assessed"],
            failed=c["failed"],
        ),
        bold=True,
    )
    w.heading(w.t("review.section.matrix"), 2)
    systems = {s["id"]: s for s in r["systems"]}
    head = [w.t("review.matrix.system"), w.t("review.matrix.tier")] + [
        w.pair(*DIMENSION_LABELS[d]) for d in DIMENSIONS
    ]
    rows = [
        [w.name(systems[sid]), _tier(w, systems[sid]["tier"])] + [row[d] for d in DIMENSIONS]
        for sid, row in r["matrix"].items()
    ]
    w.table(head, rows, status_cols=range(2, 2 + len(DIMENSIONS)))
    w.para(w.t("review.matrix.note"), size=8)


def _tier(w: _Writer, tier: str) -> str:
    key = f"tier.{tier}"
    return w.t(key) if key in MESSAGES else tier


def _risks_and_decisions(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.risks"), 2)
    if r["top_risks"]:
        w.table(
            [
                w.t("review.col.status"),
                w.t("review.col.system"),
                w.t("review.col.indicator"),
                w.t("review.col.value"),
                w.t("review.col.rule"),
            ],
            [
                (x["status"], w.name(x), _ind_label(w, x), value_text(x), _rule(w, x.get("rule")))
                for x in r["top_risks"]
            ],
            status_cols=(0,),
        )
    else:
        w.para(w.t("review.risks.none"))
    w.heading(w.t("review.section.decisions"), 2)
    if not r["decisions"]:
        w.para(w.t("review.decisions.none"))
        return
    systems = {s["id"]: s for s in r["systems"]}
    items = [w.t(d["key"], **decision_kwargs(d, systems)) for d in r["decisions"]]
    w.bullets(items, numbered=True)


def _changes(w: _Writer, r: Mapping[str, Any], png: Path | None, where: str) -> None:
    w.heading(w.t("review.section.changes"), 1)
    if not r["previous_period"]:
        w.para(w.t("review.changes.none"))
    else:
        cs = r["changes"]
        n = {k: sum(1 for c in cs if c["change"] == k) for k in ("worsened", "improved", "new", "same")}
        w.para(
            w.t(
                "review.changes.lead",
                previous=r["previous_period"],
                worsened=n["worsened"],
                improved=n["improved"],
                new=n["new"],
            )
        )
        systems = {s["id"]: s for s in r["systems"]}
        order = {"worsened": 0, "new": 1, "improved": 2}
        shown = sorted((c for c in cs if c["change"] != "same"), key=lambda c: order[c["change"]])
        if shown:

            def label(c: Mapping[str, Any]) -> str:
                if c["kind"] == "article":
                    num = int(c["key"])
                    return f"{article(num, w.lang)} {w.t(f'review.art.{num}')}"
                name = w.name(systems.get(c["key"], {"id": c["key"]}))
                return f"{name} · {w.pair(*DIMENSION_LABELS[c['item']])}"

            tbl = w.table(
                [
                    w.t("review.col.item"),
                    f"{w.t('review.col.before')} {r['previous_period']}",
                    f"{w.t('review.col.now')} {r['period']}",
                    w.t("review.col.change"),
                ],
                [
                    (label(c), c["before"] or "not_assessed", c["now"], w.pair(*CHANGE_TEXT[c["change"]]))
                    for c in shown
                ],
                status_cols=(1, 2),
            )
            for row, c in zip(tbl.rows[1:], shown, strict=True):
                if not c["before"]:
                    row.cells[1].text = "—"
        w.para(w.t("review.changes.unchanged", n=n["same"]))
    w.heading(w.t("review.section.trends"), 2)
    if len(r["status_history"]) > 1:
        w.image(png, where)
    else:
        w.para(w.t("docx.trend.none"))


def _inventory(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.inventory"), 1)
    ic = r["inventory_changes"]
    if not ic.get("compared"):
        w.para(w.t("review.inventory.none"))
        return
    items = [
        f"{w.t(label)}：{', '.join(ic[key])}"
        for key, label in (("new", "review.inventory.new"), ("retired", "review.inventory.retired"))
        if ic[key]
    ]
    items += [
        f"{w.t('review.inventory.retiered')}：{x['system']} {_tier(w, x['before'])} → {_tier(w, x['now'])}"
        for x in ic["retiered"]
    ]
    items += [f"{w.t('review.inventory.scope')}：{x['system']}" for x in ic["scope"]]
    if items:
        w.bullets(items)
    else:
        w.para(w.t("review.inventory.same", previous=ic["previous"]))


def _scorecards(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.scorecards"), 1)
    for s in r["systems"]:
        if s["state"] == "retired":
            continue
        w.heading(f"{w.name(s)} · {_tier(w, s['tier'])} · {w.t('review.scorecard.state.' + s['state'])}", 2)
        if s["reason"]:
            w.para(f"{w.t('review.scorecard.reason')}：{s['reason']}")
        w.table(
            [w.pair(*DIMENSION_LABELS[d]) for d in DIMENSIONS],
            [[s["dimensions"].get(d, "not_assessed") for d in DIMENSIONS]],
            status_cols=range(len(DIMENSIONS)),
        )
        bad = sorted(
            (i for i in s["indicators"] if i["status"] in ("red", "amber")),
            key=lambda i: (i["status"] != "red", i["id"]),
        )[:10]
        if bad:
            w.para(w.t("review.scorecard.indicators"), bold=True)
            w.table(
                [
                    w.t("review.col.status"),
                    w.t("review.col.indicator"),
                    w.t("review.col.value"),
                    w.t("review.col.rule"),
                ],
                [(i["status"], _ind_label(w, i), value_text(i), _rule(w, i.get("rule"))) for i in bad],
                status_cols=(0,),
            )
        elif s["state"] == "assessed":
            w.para(w.t("review.scorecard.allgreen"))


def _yes(w: _Writer, v: Any) -> str:
    return w.status("green" if v else "red")


def _articles_11_12_14(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.disclosure"), 1)
    rows = [
        (
            w.name(s),
            c["name"],
            _yes(w, c.get("ai_disclosure")),
            _yes(w, c.get("opt_out")),
            f"{_yes(w, c.get('alternative'))} {c.get('alternative') or ''}".strip(),
        )
        for s in r["systems"]
        for c in s["channels"]
        if c.get("customer_facing", True)
    ]
    if rows:
        w.table(
            [
                w.t("review.col.system"),
                w.t("review.disclosure.channel"),
                w.t("review.disclosure.ai"),
                w.t("review.disclosure.optout"),
                w.t("review.disclosure.alt"),
            ],
            rows,
        )
    else:
        w.para(w.t("review.disclosure.none"))
    w.heading(w.t("review.section.assessments"), 1)
    rows = []
    for s in r["systems"]:
        if s["state"] == "retired" or not s["prelaunch"]:
            continue
        gaps = s["prelaunch"].get("gaps", [])
        pre = (
            f"{w.status('green')} {w.t('review.assess.complete')}"
            if not gaps
            else f"{w.status('amber')} {'; '.join(gaps)}"
        )
        status = (
            f"{w.status('red')} {w.t('review.assess.overdue')}"
            if s["overdue"]
            else f"{w.status('green')} {w.t('review.assess.ontime')}"
        )
        rows.append(
            (
                w.name(s),
                _tier(w, s["tier"]),
                w.t("review.assess.months", n=s["review_months"]),
                w.date(s["prelaunch"].get("go_live")),
                pre,
                s["last_review"] or "—",
                w.date(s["next_due"]),
                status,
            )
        )
    w.table(
        [
            w.t("review.col.system"),
            w.t("review.matrix.tier"),
            w.t("review.assess.frequency"),
            w.t("review.assess.golive"),
            w.t("review.assess.prelaunch"),
            w.t("review.assess.last"),
            w.t("review.assess.due"),
            w.t("review.col.status"),
        ],
        rows,
    )
    w.heading(w.t("review.section.vendors"), 1)
    rows = []
    for s in r["systems"]:
        v = s.get("vendor")
        if not v:
            continue
        att = v.get("trace_log_attestation") or {}
        missing = missing_clauses(v)
        rows.append(
            (
                w.name(s),
                f"{v['name']} ({v.get('country') or '—'})",
                f"{_yes(w, att.get('provided'))} {w.date(att.get('date')) if att.get('date') else ''} "
                f"{att.get('document') or ''}".strip(),
                w.status("green")
                if not missing
                else f"{w.status('amber')} {w.t('review.vendors.missing', items=', '.join(missing))}",
            )
        )
    if rows:
        w.table(
            [
                w.t("review.col.system"),
                w.t("review.vendors.vendor"),
                w.t("review.vendors.attestation"),
                w.t("review.vendors.clauses"),
            ],
            rows,
        )
    else:
        w.para(w.t("review.vendors.none"))


def _sustainability(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.sustainability"), 1)
    st = r.get("sustainability")
    if not st:
        w.para(w.t("review.sustainability.none"))
        return
    rows = []
    for x in st["rows"]:
        unit = x.get("unit", "")
        v = fmt_pct(x["value"]) if unit == "share" else f"{fmt_num(x['value'], 2)} {unit}"
        rows.append(
            (
                f"{w.pair(x['label_zh'], x['label_en'])} (GRI {x.get('gri') or ''})",
                v,
                "—" if x.get("change_pct") is None else f"{100 * x['change_pct']:+.1f}%",
                "—" if x.get("target") is None else fmt_num(x["target"], 2),
                x["status"],
                x.get("basis") or "",
            )
        )
    w.table(
        [
            w.t("review.col.indicator"),
            w.t("review.col.value"),
            w.t("review.col.change_prev"),
            w.t("review.col.target"),
            w.t("review.col.status"),
            w.t("review.sustainability.factor"),
        ],
        rows,
        status_cols=(4,),
    )


def _findings(w: _Writer, r: Mapping[str, Any], png: Path | None, where: str) -> None:
    w.heading(w.t("review.section.findings"), 1)
    fs = r.get("findings")
    if fs is None or not fs:
        w.para(w.t("review.findings.none" if fs is None else "review.findings.empty"))
        return
    tbl = w.table(
        [
            w.t("review.col.status"),
            w.t("review.col.id"),
            w.t("review.col.title"),
            w.t("review.col.severity"),
            w.t("review.col.owner"),
            w.t("review.col.due"),
            w.t("review.findings.age"),
            w.t("review.findings.overdue_days"),
        ],
        [
            (
                f["indicator_status"],
                f["id"],
                w.pair(f["title_zh"], f["title_en"])
                + (f" · {article(f['article'], w.lang)}" if f.get("article") else ""),
                w.t("review.severity." + f["severity"]),
                f["owner"],
                w.date(f["due"]),
                f["age_days"],
                f["days_overdue"] or "—",
            )
            for f in fs
        ],
        status_cols=(0,),
    )
    for row, f in zip(tbl.rows[1:], fs, strict=True):
        row.cells[0].paragraphs[0].add_run(f" {w.t('review.finding.status.' + f['status'])}")
    if any(f["open_at_end"] for f in fs):
        w.image(png, where)


def _articles(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.articles"), 1)
    w.para(w.t("review.articles.lead"))
    w.table(
        [
            w.t("review.articles.article"),
            w.t("review.articles.topic"),
            w.t("review.col.status"),
            w.t("review.articles.evidence"),
            w.t("review.articles.missing"),
        ],
        [
            (
                article(a["article"], w.lang),
                w.t(f"review.art.{a['article']}"),
                a["status"],
                "\n".join(a["evidence"]) or "—",
                a["missing"] or "—",
            )
            for a in r["articles"]
        ],
        status_cols=(2,),
    )


def _appendix(w: _Writer, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.appendix"), 1)
    w.para(w.t("review.appendix.methods"))
    w.heading(w.t("review.appendix.thresholds"), 2)
    w.table(
        [w.t("review.col.indicator"), w.t("review.col.rule")],
        [(x["indicator"], _rule(w, x["rule"])) for x in r["thresholds"]],
    )
    w.heading(w.t("review.appendix.runs"), 2)
    runs = [
        *(x for s in r["systems"] for x in [*s["runs"], *s["failed_runs"]]),
        *([r["sustainability"]["run"]] if r.get("sustainability") else []),
    ]
    w.table(
        [
            "RUN_ID",
            w.t("review.col.system"),
            w.t("review.col.template"),
            w.t("review.col.version"),
            w.t("review.col.status"),
            w.t("review.col.hash"),
        ],
        [
            (
                x["seq"],
                x["system_id"],
                x["template"],
                f"v{x['version']}",
                x["status"],
                x["record_hash"][:16] + "…",
            )
            for x in runs
        ],
    )
    notes = [*r["evidence_problems"], *r["notes"]]
    if notes:
        w.heading(w.t("review.appendix.notes"), 2)
        w.bullets(notes)


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
    w = _Writer(lang)
    w.page_setup(w.pair(r["bank_zh"], r["bank_en"]), w.pair(*classification))
    with tempfile.TemporaryDirectory(prefix="govreport-docx-") as tmp:
        history = findings = None
        if charts and len(r["status_history"]) > 1:
            history = chart_png(
                _one_language(fig_status_history(r), lang), Path(tmp) / "history.png", chromium=chromium
            )
        ff = fig_findings(r) if charts else None
        if ff is not None:
            findings = chart_png(
                _one_language(ff, lang),
                Path(tmp) / "findings.png",
                height=max(260, 120 + 40 * len(r["findings"] or [])),
                chromium=chromium,
            )
        _cover(w, r, chain)
        _signoff(w, r, signoffs)
        w.toc()
        _summary(w, r)
        _risks_and_decisions(w, r)
        _changes(w, r, history, html_report)
        _inventory(w, r)
        _scorecards(w, r)
        _articles_11_12_14(w, r)
        _sustainability(w, r)
        _findings(w, r, findings, html_report)
        _articles(w, r)
        _appendix(w, r)
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
    import hashlib
    import json

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
    ws: Workspace, rec: RunRecord, out: Path, *, lang: str = "zh-TW", chromium: str | None = None
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
        html_report=(rec.outputs or {}).get("html", {}).get("path", "report.html"),
    )
