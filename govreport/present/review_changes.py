"""The review's "what changed" and trends (issue 17): matrix cells and articles that changed status since
the previous review, key indicators that crossed a status line or moved by more than a stated share (the
rest in one line), and each key indicator's sparkline on its own scale with its threshold band.

Contract: renders the :class:`~govreport.assessments.review.Review` as recorded (``changes``, ``moves``,
``trends``, ``status_history``); computes nothing. Names still importable from :mod:`.review`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import plotly_lite as go  # plotly's JSON as dicts: the review's kernel never imports plotly
from .charts import STATUS_COLOURS
from .i18n import DIMENSION_LABELS, MESSAGES
from .numbers import fmt_number
from .review_base import (
    CHANGE_TEXT,
    STATUS_TEXT,
    L,
    _art,
    _h2,
    _ind_label,
    _name,
    _pair,
    badge,
    e,
    value_pair,
)

__all__ = ["changes", "sparkline", "trends_table", "fig_status_history"]


def _item_label(c: Mapping[str, Any], systems: Mapping[str, Any]) -> str:
    if c["kind"] == "article":
        n = int(c["key"])
        return _art(n) + " " + L(f"review.art.{n}")
    s = systems.get(c["key"], {"id": c["key"]})
    return _name(s) + " · " + _pair(*DIMENSION_LABELS[c["item"]])


def changes(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.changes", "changes")
    if not r["previous_period"]:
        return out + f"<div class='gr-callout'>{L('review.changes.none')}</div>"
    cs = r["changes"]
    n = {k: sum(1 for c in cs if c["change"] == k) for k in CHANGE_TEXT}
    out += L(
        "review.changes.lead",
        tag="p",
        previous=r["previous_period"],
        worsened=n["worsened"],
        improved=n["improved"],
        new=n["new"],
    )
    systems = {s["id"]: s for s in r["systems"]}
    shown = [c for c in cs if c["change"] != "same"]
    order = {"worsened": 0, "new": 1, "improved": 2}
    rows = "".join(
        f"<tr data-change='{c['change']}'><td>{_item_label(c, systems)}</td>"
        f"<td>{badge(c['before']) if c['before'] else '—'}</td><td>{badge(c['now'])}</td>"
        f"<td>{_pair(*CHANGE_TEXT[c['change']])}</td></tr>"
        for c in sorted(shown, key=lambda c: order[c["change"]])
    )
    head = (
        f"<tr><th>{L('review.col.item')}</th><th>{L('review.col.before')} {e(r['previous_period'])}</th>"
        f"<th>{L('review.col.now')} {e(r['period'])}</th><th>{L('review.col.change')}</th></tr>"
    )
    table = f"<div class='gr-scroll'><table id='gr-changes'>{head}{rows}</table></div>" if shown else ""
    return out + table + L("review.changes.unchanged", tag="p", n=n["same"]) + _moves(r, systems)


def _moves(r: Mapping[str, Any], systems: Mapping[str, Mapping[str, Any]]) -> str:
    """Key indicators that crossed a status line or moved by more than the stated share of their green
    line; the ones that held steady in one line."""
    mv = r.get("moves") or {}
    if not mv:
        return ""
    pct = f"{100 * mv.get('threshold', 0.1):.0f}%"
    rows = []
    for m in mv.get("shown", []):
        s = systems.get(m["system"], {"id": m["system"]})
        i = next((x for x in s.get("indicators", []) if x["id"] == m["indicator"]), {"id": m["indicator"]})
        before, now = {**i, "value": m["value_before"]}, {**i, "value": m["value_now"]}
        why = L("review.moves.crossed") if m["crossed"] else L("review.moves.moved", pct=pct)
        rows.append(
            f"<tr data-move='{'crossed' if m['crossed'] else 'moved'}'><td class='gr-name'>{_name(s)}</td>"
            f"<td class='gr-ind'>{_ind_label(i)}</td><td class='num'>{badge(m['before'] or 'not_assessed')} "
            f"{value_pair(before)}</td><td class='num'>{badge(m['now'] or 'not_assessed')} "
            f"{value_pair(now)}</td><td>{why}</td></tr>"
        )
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.col.indicator')}</th>"
        f"<th class='num'>{L('review.col.before')} {e(r['previous_period'])}</th>"
        f"<th class='num'>{L('review.col.now')} {e(r['period'])}</th><th>{L('review.col.change')}</th></tr>"
    )
    table = f"<div class='gr-scroll'><table id='gr-moves'>{head}{''.join(rows)}</table></div>" if rows else ""
    return (
        f"<h3>{L('review.moves.title')}</h3>"
        + table
        + L("review.moves.steady", tag="p", n=mv.get("steady", 0), pct=pct)
    )


def sparkline(
    points: Sequence[Sequence[Any]],
    width: int = 120,
    height: int = 28,
    threshold: Mapping[str, Any] | None = None,
) -> str:
    """An inline SVG sparkline of (period, value, status) points on its own scale; the last point marked
    with its status; with a ``threshold``, the green line dotted and the red range shaded (the scale
    stretched to show both lines)."""
    vals = [(i, p[1]) for i, p in enumerate(points) if p[1] is not None]
    if not vals:
        return "—"
    th = threshold or {}
    lines = [th[k] for k in ("green", "red") if isinstance(th.get(k), int | float)]
    lo, hi = min([v for _, v in vals] + lines), max([v for _, v in vals] + lines)
    span = (hi - lo) or 1.0
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 4 + (width - 8) * i / n, height - 4 - (height - 8) * (v - lo) / span

    band = ""
    if isinstance(th.get("red"), int | float):
        ry = xy(0, th["red"])[1]
        top, bottom = (ry, height) if th.get("better", "higher") == "higher" else (0, ry)
        band += (
            f"<rect x='0' y='{top:.1f}' width='{width}' height='{max(bottom - top, 0):.1f}' fill='#fde2e2'/>"
        )
    if isinstance(th.get("green"), int | float):
        gy = xy(0, th["green"])[1]
        band += (
            f"<line x1='0' x2='{width}' y1='{gy:.1f}' y2='{gy:.1f}' stroke='{STATUS_COLOURS['green']}' "
            "stroke-dasharray='2,2' stroke-width='1'/>"
        )

    path = " ".join(
        f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(xy(i, v) for i, v in vals)
    )
    li, lv = vals[-1]
    lx, ly = xy(li, lv)
    colour = STATUS_COLOURS.get(points[li][2] or "not_assessed", STATUS_COLOURS["not_assessed"])
    title = " · ".join(f"{p[0]}: {fmt_number(p[1])}" for p in points if p[1] is not None)
    return (
        f'<svg class="gr-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{e(title)}</title>{band}<path d='{path}' fill='none' stroke='#52606d' stroke-width='1.5'/>"
        f"<circle cx='{lx:.1f}' cy='{ly:.1f}' r='3.5' fill='{colour}'/></svg>"
    )


def trends_table(r: Mapping[str, Any]) -> str:
    out = (
        f"<h3>{L('review.section.trends')}</h3>"
        + L("review.trends.lead", tag="p")
        + L("review.trends.band", tag="p")
    )
    systems = {s["id"]: s for s in r["systems"]}
    labels = {(s["id"], i["id"]): i for s in r["systems"] for i in s["indicators"]}
    rows = []
    for sid, series in r["trends"].items():
        s = systems.get(sid, {"id": sid})
        for iid, pts in series.items():
            i = labels.get((sid, iid), {"id": iid, "label_zh": iid, "label_en": iid})
            last = pts[-1]
            rows.append(
                f"<tr><td class='gr-name'>{_name(s)}</td><td class='gr-ind'>{_ind_label(i)}</td>"
                f"<td>{sparkline(pts, threshold=i.get('threshold'))}</td>"
                f"<td class='num'>{fmt_number(last[1])}</td><td>{badge(last[2] or 'not_assessed')}</td>"
                f"<td class='gr-muted'>{e(pts[0][0])}–{e(last[0])}</td></tr>"
            )
    if not rows:
        return out
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.col.indicator')}</th><th></th>"
        f"<th class='num'>{L('review.col.now')}</th><th>{L('review.col.status')}</th><th></th></tr>"
    )
    return out + f"<div class='gr-scroll'><table id='gr-trends'>{head}{''.join(rows)}</table></div>"


def fig_status_history(r: Mapping[str, Any]) -> go.Figure:
    hist = r["status_history"]
    periods = [h["period"] for h in hist]
    fig = go.Figure()
    for st in ("red", "failed", "amber", "green", "not_assessed"):
        zh, en = STATUS_TEXT[st]
        fig.add_bar(
            x=periods,
            y=[h[st] for h in hist],
            name=f"{zh} {en}",
            marker={
                "color": STATUS_COLOURS.get(st, "#374151"),
                "pattern": {"shape": {"red": "x", "amber": "/", "failed": "+"}.get(st, "")},
            },
        )
    zh, en = MESSAGES["review.trends.history"]
    fig.update_layout(
        barmode="stack", title={"text": f"{zh} · {en}"}, height=320, yaxis={"title": {"text": "格數 cells"}}
    )
    return fig
