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
import gzip
import html
import itertools
import re
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

from ..core.status import Status

__all__ = [
    "STATUS_COLOURS",
    "STATUS_SYMBOLS",
    "show",
    "figure_html",
    "plotly_loader",
    "badge",
    "house_template",
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


def house_template() -> go.layout.Template:
    t = go.layout.Template()
    t.layout = go.Layout(
        font={"family": _FONT, "size": 13, "color": "#1f2933"},
        colorway=_SERIES,
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        margin={"l": 60, "r": 24, "t": 56, "b": 48},
        xaxis={"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        yaxis={"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False, "automargin": True},
        legend={"orientation": "h", "y": -0.18},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 16}},
        hoverlabel={"font": {"family": _FONT}},
    )
    return t


pio.templates["govreport"] = house_template()


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


@cache
def plotly_loader() -> str:
    """A script that defines ``window.govreportPlotly`` (a promise of Plotly) from an embedded, gzipped
    copy of plotly.js: 1.5 MB instead of 4.8 MB, no network. Decompressed by the browser's built-in
    DecompressionStream (Chromium 80+, Firefox 113+, Safari 16.4+)."""
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    version = re.search(r"plotly\.js v([\d.]+)", js[:200])
    b64 = base64.b64encode(gzip.compress(js.encode("utf-8"), 9, mtime=0)).decode("ascii")
    return _LOADER.format(version=version.group(1) if version else "?", b64=b64)


def figure_html(fig: go.Figure, *, include_loader: bool = False) -> str:
    """``fig`` as an HTML fragment that draws once the embedded plotly.js has loaded."""
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


def show(fig: go.Figure, *, height: int | None = None) -> None:
    """Display ``fig`` in a notebook as self-contained HTML (plotly.js embedded with the first chart)."""
    from IPython.display import HTML, display

    if height:
        fig.update_layout(height=height)
    display(HTML(figure_html(fig, include_loader=next(_shown) == 0)))


def badge(status: str | Status, text: str | None = None) -> str:
    """An HTML status badge (colour and shape), e.g. for tables and summaries."""
    s = Status(status).value
    label = (
        text
        if text is not None
        else {"green": "綠 green", "amber": "黃 amber", "red": "紅 red", "not_assessed": "未評估 n/a"}[s]
    )
    return f'<span class="gr-badge gr-{s}">{html.escape(label)}</span>'
