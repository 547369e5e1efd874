"""Charts for the reports: one Plotly house template, one status colour scale, offline display.

:func:`show` displays a figure as HTML that works with no network: the first chart a kernel shows
embeds Plotly's JavaScript (gzipped, decompressed by the browser), later charts reuse it, so a rendered
report carries plotly.js exactly once and stays small.
Never use ``fig.show()`` in a template: its output needs a CDN.

The status colours are a colour-blind-safe diverging set (ColorBrewer PuOr/RdBu ends) that stays
distinguishable in greyscale (different lightness), and every status is also marked by a shape
(● green, ▲ amber, ■ red, ○ not assessed) so colour is never the only cue.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import html
import itertools
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.status import Status

# figures as plain dicts: the presenting kernel never imports plotly (issue 22)
from . import plotly_lite as go

if TYPE_CHECKING:
    import plotly.graph_objects

__all__ = [
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "show",
    "figure_html",
    "figure_html_both",
    "bil",
    "plotly_loader",
    "badge",
    "house_template",
    "house_template_dict",
    "status_colour",
]

STATUS_COLOURS = {
    "green": "#1b7837",
    "amber": "#e08214",
    "red": "#b2182b",
    "not_assessed": "#9ca3af",
}
STATUS_SYMBOLS = {"green": "circle", "amber": "triangle-up", "red": "square", "not_assessed": "circle-open"}
_SERIES = ["#2b5c8a", "#7a9cc6", "#5e3c99", "#b2abd2", "#4d4d4d", "#a6a6a6"]
_FONT = '"Noto Sans CJK TC", "Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif'

_shown = itertools.count()


def house_template_dict() -> dict[str, Any]:
    """The house template as plotly's JSON (what ``update_layout(template="govreport")`` puts in a figure)."""
    return {
        "layout": {
            "font": {"family": _FONT, "size": 13, "color": "#1f2933"},
            "colorway": _SERIES,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "margin": {"l": 60, "r": 24, "t": 56, "b": 48},
            "xaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
            "yaxis": {"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
            "legend": {"orientation": "h", "y": -0.18},
            "title": {"x": 0.0, "xanchor": "left", "font": {"size": 16}},
            "hoverlabel": {"font": {"family": _FONT}},
        }
    }


go.templates["govreport"] = house_template_dict()


def house_template() -> plotly.graph_objects.layout.Template:
    """The house template as a plotly object, registered as ``pio.templates["govreport"]`` (for code that
    builds ``plotly.graph_objects`` figures itself; the reports' charts use :func:`house_template_dict`)."""
    import plotly.graph_objects as pgo  # lazy: only for callers that use plotly itself
    import plotly.io as pio

    t = pgo.layout.Template(house_template_dict())
    pio.templates["govreport"] = t
    return t


def status_colour(status: str | Status) -> str:
    return STATUS_COLOURS[Status(status).value]


_LOADER = """<script type="text/javascript">/* govreport: plotly.js v{version}, gzip+base64, embedded once */
window.govreportPlotly = window.govreportPlotly || (async function () {{
  if (window.Plotly) return window.Plotly;
  const bytes = Uint8Array.from(atob("{b64}"), function (c) {{ return c.charCodeAt(0); }});
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const code = await new Response(stream).text();
  const amd = window.define; window.define = undefined;  // load as a global even beside require.js
  try {{ (0, eval)(code); }} finally {{ window.define = amd; }}
  return window.Plotly;
}})();
</script>"""
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.S)


#: names a file holding :func:`plotly_loader`'s script, made once by the runner's worker
#: (:func:`share_plotly_loader`) so that each presenting kernel reads it instead of compressing plotly.js
#: again (0.3 s of CPU per kernel; issue 22)
LOADER_ENV = "GOVREPORT_PLOTLY_LOADER"


@cache
def plotly_loader() -> str:
    """A script that defines ``window.govreportPlotly`` (a promise of Plotly) from an embedded, gzipped
    copy of plotly.js: 1.5 MB instead of 4.8 MB, no network. Decompressed by the browser's built-in
    DecompressionStream (Chromium 80+, Firefox 113+, Safari 16.4+)."""
    shared = os.environ.get(LOADER_ENV)
    if shared:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            text = Path(shared).read_text(encoding="utf-8")
            if text.startswith(_LOADER[: _LOADER.index("{")]) and text.endswith("</script>"):
                return text
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    version = re.search(r"plotly\.js v([\d.]+)", js[:200])
    b64 = base64.b64encode(gzip.compress(js.encode("utf-8"), 9, mtime=0)).decode("ascii")
    return _LOADER.format(version=version.group(1) if version else "?", b64=b64)


def share_plotly_loader(folder: Path) -> Path:
    """Write :func:`plotly_loader`'s script into ``folder`` (private to this process) and name it in
    :data:`LOADER_ENV`, so that the kernels this process starts (they inherit its environment) take it."""
    path = folder / "plotly-loader.html"
    path.write_text(plotly_loader(), encoding="utf-8")
    os.environ[LOADER_ENV] = str(path)
    return path


def figure_html(fig: go.Figure | plotly.graph_objects.Figure, *, include_loader: bool = False) -> str:
    """``fig`` as an HTML fragment that draws once the embedded plotly.js has loaded."""
    if not isinstance(fig, go.Figure):  # a plotly.graph_objects.Figure: as its JSON
        fig = go.Figure(fig)
    fig.update_layout(template="govreport")
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
    )
    div = _SCRIPT.sub(
        lambda m: (
            '<script type="text/javascript">window.govreportPlotly.then(function () {'
            + m.group(1)
            + "});</script>"
        ),
        div,
    )
    return (plotly_loader() if include_loader else "") + f'<div class="gr-chart">{div}</div>'


def show(fig: go.Figure | plotly.graph_objects.Figure, *, height: int | None = None) -> None:
    """Display ``fig`` in a notebook as self-contained HTML (plotly.js embedded with the first chart)."""
    from IPython.display import HTML, display

    if height:
        fig.update_layout(height=height)
    display(HTML(figure_html_both(fig, include_loader=next(_shown) == 0)))


#: how :func:`govreport.present.figures` writes a two-language title: Chinese, then English beneath
_BIL = re.compile(r"⟦(.*?)¦(.*?)⟧", re.S)


def bil(zh: str, en: str) -> str:
    """A chart text in both languages; :func:`show` draws the chart once per language with one of them."""
    return zh if zh == en else f"⟦{zh}¦{en}⟧"


_EN_TITLE = re.compile(r"<br><span style='font-size:12px;color:#52606d'>(.*?)</span>", re.S)
_EN_TEXT = re.compile(r"^(.*?[\u3400-\u9fff）)].*?)\s+([A-Za-z][^\u3400-\u9fff]*)$")


def _one_language(fig: go.Figure | plotly.graph_objects.Figure, lang: str) -> go.Figure:
    """A copy of ``fig`` whose titles, axis titles, annotations and trace names are in ``lang`` only."""
    out = go.Figure(fig)

    def pick(text: str | None) -> str | None:
        if not text or not isinstance(text, str):
            return text
        if "⟦" in text:
            return _BIL.sub(lambda m: m.group(2) if lang == "en" else m.group(1), text)
        m = _EN_TITLE.search(text)
        if m:
            return m.group(1) if lang == "en" else _EN_TITLE.sub("", text)
        m = _EN_TEXT.match(text)  # "格數 cells", "4/5 × 最高 highest"
        if m and "<" not in text:
            return m.group(2) if lang == "en" else m.group(1)
        return text

    if out.layout.title and out.layout.title.text:
        out.layout.title.text = pick(out.layout.title.text)
    for ax in ("xaxis", "yaxis", "xaxis2", "yaxis2"):
        a = getattr(out.layout, ax, None)
        if a is not None and a.title and a.title.text:
            a.title.text = pick(a.title.text)
    for ann in out.layout.annotations or ():
        ann.text = pick(ann.text)
    for tr in out.data:
        if getattr(tr, "name", None):
            tr.name = pick(tr.name)
        bar = getattr(tr, "colorbar", None)
        if bar is not None and bar.title and bar.title.text:
            bar.title.text = pick(bar.title.text)
        for attr in ("x", "y", "text"):
            vals = getattr(tr, attr, None)
            if vals is None or isinstance(vals, str):
                continue
            try:
                seq = list(vals)
            except TypeError:
                continue
            if any(isinstance(v, str) and "⟦" in v for v in seq):
                setattr(tr, attr, [pick(v) for v in seq])
            elif any(isinstance(v, (list, tuple)) for v in seq):  # a heatmap's text grid
                setattr(
                    tr,
                    attr,
                    [[pick(c) for c in row] if isinstance(row, (list, tuple)) else row for row in seq],
                )
    return out


def figure_html_both(fig: go.Figure | plotly.graph_objects.Figure, *, include_loader: bool = False) -> str:
    """``fig`` once per language (the page shows one: report.css), each with its own titles; one chart
    when nothing in it is language-specific."""
    zh, en = _one_language(fig, "zh-TW"), _one_language(fig, "en")
    if zh.to_json() == en.to_json():
        return figure_html(fig, include_loader=include_loader)
    return (
        f'<div class="gr-l-zh" lang="zh-TW">{figure_html(zh, include_loader=include_loader)}</div>'
        f'<div class="gr-l-en" lang="en">{figure_html(en)}</div>'
    )


def badge(status: str | Status, text: str | None = None) -> str:
    """An HTML status badge (colour and shape), e.g. for tables and summaries."""
    s = Status(status).value
    if text is not None:
        return f'<span class="gr-badge gr-{s}">{html.escape(text)}</span>'
    zh, en = {"green": ("綠燈", "Green"), "amber": ("黃燈", "Amber"), "red": ("紅燈", "Red")}.get(
        s, ("未評估", "Not assessed")
    )
    return (
        f'<span class="gr-badge gr-{s}"><span class="gr-l-zh" lang="zh-TW">{zh}</span>'
        f'<span class="gr-l-en" lang="en">{en}</span></span>'
    )
