"""The Word edition's writer: python-docx with the review's vocabulary (one language, headings, status cells
with the HTML's shapes, tables that repeat their header, page fields) and its charts drawn by headless
Chromium.

Contract: knows Word and the message catalogue, nothing of a review's content (:mod:`.review_docx_sections`
lays that out). python-docx is imported when a document is made, not when this module is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import GovreportError
from ..present.i18n import MESSAGES, fmt_date
from ..present.review import STATUS_TEXT
from .browser import Browser

__all__ = ["DocxWriter", "chart_png", "one_language", "SYMBOLS", "CJK_FONT", "LATIN_FONT"]

#: the shape beside each status, as in the HTML badges (report.css), so a black-and-white print reads
SYMBOLS = {"green": "●", "amber": "▲", "red": "■", "not_assessed": "○", "failed": "✕"}
_FILL = {"green": "D9F0D3", "amber": "FDE0B2", "red": "F4C7C3", "not_assessed": "EEEEEE", "failed": "E0E0E0"}
_INK = {"green": "1B7837", "amber": "A65A00", "red": "B2182B", "not_assessed": "555555", "failed": "374151"}
#: East Asian font for Word (Windows, Taiwan) — LibreOffice substitutes Noto Sans CJK TC through fontconfig
CJK_FONT = "Microsoft JhengHei"
LATIN_FONT = "Calibri"


class DocxWriter:
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
    fig: Any,
    png: Path,
    *,
    width: int = 1000,
    height: int = 420,
    chromium: str | None = None,
    browser: Browser | None = None,
) -> Path | None:
    """Draw the Plotly figure ``fig`` to ``png`` with headless Chromium (offline: plotly.js from the
    installed plotly package, no network): in ``browser``'s chart canvas when given (one browser for a whole
    publish, plotly.js loaded once), else in one started for this chart. None when no Chromium is installed
    or it could not draw the chart."""
    fig = _plotly(fig)  # a copy: the layout is set for the picture only
    fig.update_layout(width=width, height=height, margin={"l": 60, "r": 20, "t": 50, "b": 50})
    figure = fig.to_json()
    try:
        if browser is not None:
            data = browser.plotly_png(figure, width=width, height=height)
        else:
            with Browser(chromium, timeout=120) as b:
                data = b.plotly_png(figure, width=width, height=height)
    except GovreportError:  # no Chromium, or it could not draw: the document says where the chart is
        return None
    if not data:
        return None
    png.write_bytes(data)
    return png


def _plotly(fig: Any) -> Any:
    """A ``plotly.graph_objects.Figure`` copy of ``fig`` (the report figures are plotly_lite dicts: the
    picture needs plotly.js embedded in a whole page, and plotly's objects)."""
    import plotly.graph_objects as go  # lazy: only the Word export draws pictures

    return go.Figure(fig.to_dict() if not isinstance(fig, go.Figure) else fig)


def one_language(fig: Any, lang: str) -> Any:
    """A review figure whose texts are "中文 English" pairs, with only the page's language kept."""

    def pick(text: str | None, sep: str) -> str | None:
        if not text or sep not in text:
            return text
        zh, en = text.split(sep, 1)
        return zh if lang == "zh-TW" else en

    fig = _plotly(fig)
    for tr in fig.data:
        tr.name = pick(tr.name, " ")
    fig.update_layout(title={"text": pick(fig.layout.title.text, " · ")})
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.title and axis.title.text:
            axis.title.text = pick(axis.title.text, " ")
    return fig
