"""Charts for the reports: one Plotly house template, one status colour scale, offline display.

:func:`show` displays a figure as HTML that works with no network: the first chart a kernel shows
embeds Plotly's JavaScript, later charts reuse it, so a rendered report carries plotly.js exactly once.
Never use ``fig.show()`` in a template: its output needs a CDN.

The status colours are a colour-blind-safe diverging set (ColorBrewer PuOr/RdBu ends) that stays
distinguishable in greyscale (different lightness), and every status is also marked by a shape
(● green, ▲ amber, ■ red, ○ not assessed) so colour is never the only cue.
"""

from __future__ import annotations

import html
import itertools

import plotly.graph_objects as go
import plotly.io as pio

from .status import Status

__all__ = ["STATUS_COLOURS", "STATUS_SYMBOLS", "show", "badge", "house_template", "status_colour"]

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
        xaxis={"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False},
        yaxis={"gridcolor": "#e4e7eb", "linecolor": "#9aa5b1", "zeroline": False},
        legend={"orientation": "h", "y": -0.18},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 16}},
        hoverlabel={"font": {"family": _FONT}},
    )
    return t


pio.templates["govreport"] = house_template()


def status_colour(status: str | Status) -> str:
    return STATUS_COLOURS[Status(status).value]


def show(fig: go.Figure, *, height: int | None = None) -> None:
    """Display ``fig`` in a notebook as self-contained HTML (plotly.js embedded with the first chart)."""
    from IPython.display import HTML, display

    fig.update_layout(template="govreport")
    if height:
        fig.update_layout(height=height)
    first = next(_shown) == 0
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=first,
        config={"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d", "select2d"]},
    )
    display(HTML(f'<div class="gr-chart">{div}</div>'))


def badge(status: str | Status, text: str | None = None) -> str:
    """An HTML status badge (colour and shape), e.g. for tables and summaries."""
    s = Status(status).value
    label = text if text is not None else {"green": "綠 green", "amber": "黃 amber", "red": "紅 red",
                                           "not_assessed": "未評估 n/a"}[s]
    return f'<span class="gr-badge gr-{s}">{html.escape(label)}</span>'
