"""Plotly figures for the templates, built from results (never from raw data).

Each function returns a ``plotly.graph_objects.Figure`` in the house style; templates display it with
:func:`govreport.present.charts.show`. Titles are bilingual (Chinese first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .charts import STATUS_COLOURS, STATUS_SYMBOLS

__all__ = [
    "quality_dimensions",
    "trend",
    "rate_bars",
    "group_rates",
    "intersection_heatmap",
    "roc_ks",
    "reliability",
    "psi_ranking",
    "importance_bars",
    "reason_codes",
    "proxy_heatmap",
]


def _title(zh: str, en: str) -> dict[str, Any]:
    return {"text": f"{zh}<br><span style='font-size:12px;color:#52606d'>{en}</span>"}


def quality_dimensions(results: Mapping[str, Any]) -> go.Figure:
    """Pass rate of completeness, validity and uniqueness per contract, coloured by status."""
    fig = go.Figure()
    for name, r in (results.get("data_quality") or {}).items():
        dims = [
            d
            for d in ("completeness", "validity", "uniqueness")
            if r["dimensions"][d].get("value") is not None
        ]
        fig.add_trace(
            go.Bar(
                x=dims,
                y=[100 * r["dimensions"][d]["value"] for d in dims],
                name=name,
                marker={
                    "color": [STATUS_COLOURS[r["dimensions"][d].get("status", "not_assessed")] for d in dims],
                    "line": {"color": "#1f2933", "width": 1},
                },
                text=[f"{100 * r['dimensions'][d]['value']:.2f}%" for d in dims],
                textposition="outside",
            )
        )
    fig.update_layout(
        title=_title("各資料合約之通過率", "Pass rate by contract and dimension"),
        yaxis={"range": [0, 110], "ticksuffix": "%"},
        barmode="group",
        height=380,
    )
    return fig


def trend(history: pd.DataFrame, results: Mapping[str, Any], ids: Sequence[str]) -> go.Figure:
    """Indicator values over periods: earlier periods from the evidence store, this period from results.
    Markers carry the status shape and colour."""
    now = pd.DataFrame(
        [
            {"period": results["period"], "indicator": i["id"], "value": i["value"], "status": i["status"]}
            for i in results["indicators"]
        ]
    )
    df = pd.concat([history, now], ignore_index=True) if len(history) else now
    labels = {i["id"]: f"{i['label_zh']} {i['label_en']}" for i in results["indicators"]}
    fig = go.Figure()
    for ind in ids:
        d = df[(df["indicator"] == ind) & df["value"].notna()]
        if d.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=d["period"],
                y=d["value"],
                mode="lines+markers",
                name=labels.get(ind, ind),
                marker={
                    "size": 11,
                    "color": [STATUS_COLOURS.get(s, "#9ca3af") for s in d["status"]],
                    "symbol": [STATUS_SYMBOLS.get(s, "circle") for s in d["status"]],
                    "line": {"width": 1, "color": "#1f2933"},
                },
                hovertemplate="%{x}: %{y:.3f}<extra>" + labels.get(ind, ind) + "</extra>",
            )
        )
    fig.update_layout(
        title=_title("指標歷期趨勢", "Indicators over periods"), xaxis={"type": "category"}, height=380
    )
    return fig


def rate_bars(indicators: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Horizontal bars of rate indicators (0–100 %) coloured by status, with the green line marked."""
    inds = [i for i in indicators if i.get("value") is not None]
    fig = go.Figure(
        go.Bar(
            y=[f"{i['label_zh']}<br>{i['label_en']}" for i in inds],
            x=[100 * i["value"] for i in inds],
            orientation="h",
            marker_color=[STATUS_COLOURS[i["status"]] for i in inds],
            text=[f"{100 * i['value']:.1f}%" for i in inds],
            textposition="outside",
            hovertemplate="%{x:.2f}%<extra></extra>",
        )
    )
    for k, i in enumerate(inds):
        th = i.get("threshold")
        if th:
            fig.add_shape(
                type="line",
                x0=100 * th["green"],
                x1=100 * th["green"],
                y0=k - 0.4,
                y1=k + 0.4,
                line={"color": "#1f2933", "dash": "dot", "width": 2},
            )
    fig.update_layout(
        title=_title("檢查結果（點線為綠燈門檻）", "Check results (dotted line: green threshold)"),
        xaxis={"range": [0, 115], "ticksuffix": "%"},
        height=120 + 60 * len(inds),
        showlegend=False,
    )
    return fig


def group_rates(attr: str, data: Mapping[str, Any], metric: str = "selection_rate") -> go.Figure:
    """Favourable-decision rate per group with its confidence interval and the four-fifths line."""
    groups = data["groups"]
    names = list(groups)
    vals = [groups[g].get(metric) for g in names]
    ci = [((groups[g].get("ci") or {}).get(metric) or [None, None]) for g in names]
    judged = [groups[g].get("judged", True) for g in names]
    valid = [v for v, j in zip(vals, judged, strict=True) if v is not None and j]
    top = max(valid) if valid else None
    colours = []
    for v, j in zip(vals, judged, strict=True):
        if v is None or not j or top is None:
            colours.append(STATUS_COLOURS["not_assessed"])
        elif v < 0.8 * top:
            colours.append(STATUS_COLOURS["red"])
        else:
            colours.append("#2b5c8a")
    err_hi = [
        (c[1] - v) if (v is not None and c[1] is not None) else 0 for v, c in zip(vals, ci, strict=True)
    ]
    err_lo = [
        (v - c[0]) if (v is not None and c[0] is not None) else 0 for v, c in zip(vals, ci, strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=[f"{g}<br>n={groups[g].get('n', 0):,}" for g in names],
            y=vals,
            marker_color=colours,
            error_y={"type": "data", "array": err_hi, "arrayminus": err_lo, "color": "#52606d"},
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    if top is not None:
        fig.add_hline(
            y=0.8 * top,
            line_dash="dash",
            line_color="#b2182b",
            annotation_text="4/5 × 最高 highest",
            annotation_position="top left",
        )
    fig.update_layout(
        title=_title(f"{attr}：各群體核准率", f"{attr}: favourable-decision rate by group"),
        yaxis={"tickformat": ".0%", "rangemode": "tozero"},
        height=380,
        showlegend=False,
    )
    return fig


def intersection_heatmap(name: str, data: Mapping[str, Any], metric: str = "selection_rate") -> go.Figure:
    """Heatmap of a rate over the intersection of two attributes (group keys like 'a×b' or 'a | b')."""
    rows: dict[str, dict[str, float | None]] = {}
    for key, g in data["groups"].items():
        parts = [p.strip() for p in key.replace(" | ", "×").split("×")]
        a, b = (parts + ["—"])[:2]
        rows.setdefault(a, {})[b] = g.get(metric) if g.get("judged", True) else None
    ys = list(rows)
    xs = sorted({b for r in rows.values() for b in r})
    z = [[rows[y].get(x) for x in xs] for y in ys]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xs,
            y=ys,
            colorscale="PuOr",
            zmid=None,
            texttemplate="%{z:.0%}",
            hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_layout(
        title=_title(f"{name}：交叉群體核准率", f"{name}: favourable rate by intersection"),
        height=160 + 45 * len(ys),
        xaxis={"type": "category"},
        yaxis={"type": "category"},
    )
    return fig


def roc_ks(quality: Mapping[str, Any]) -> go.Figure:
    """ROC curve (left) and the KS chart (right): cumulative shares of the two outcome classes by score."""
    from plotly.subplots import make_subplots

    roc = quality.get("roc") or {}
    ks = quality.get("ks_curve") or {}
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.12,
        subplot_titles=("ROC 曲線 ROC curve", "KS 圖 Kolmogorov–Smirnov"),
    )
    fig.add_trace(
        go.Scatter(
            x=roc.get("fpr", []),
            y=roc.get("tpr", []),
            mode="lines",
            name="ROC",
            line={"width": 3, "color": "#2b5c8a"},
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[0, 1], y=[0, 1], mode="lines", name="隨機 random", line={"dash": "dot", "color": "#9aa5b1"}
        ),
        row=1,
        col=1,
    )
    share = ks.get("population_share", [])
    fig.add_trace(
        go.Scatter(
            x=share,
            y=ks.get("cum_target", []),
            mode="lines",
            name="目標類別 target class",
            line={"color": "#b2182b"},
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=share,
            y=ks.get("cum_other", []),
            mode="lines",
            name="其他 other class",
            line={"color": "#2b5c8a"},
        ),
        row=1,
        col=2,
    )
    auc, ksv = quality.get("auc"), quality.get("ks")
    title = (
        f"AUC {auc:.3f} · Gini {2 * auc - 1:.3f} · KS {ksv:.3f}"
        if auc is not None and ksv is not None
        else ""
    )
    fig.update_layout(title=_title(f"模型區辨力 {title}", "Discrimination: ROC and KS"), height=440)
    fig.update_xaxes(title_text="偽陽性率 FPR", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="真陽性率 TPR", range=[0, 1], row=1, col=1)
    fig.update_xaxes(title_text="依分數排序之母體比例 population share by score", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="累積比例 cumulative share", range=[0, 1], row=1, col=2)
    return fig


def reliability(quality: Mapping[str, Any]) -> go.Figure:
    """Predicted probability against observed rate per calibration bin (marker size: bin size)."""
    bins = [b for b in quality.get("reliability") or [] if b.get("n")]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="完美校準 perfect",
            line={"dash": "dot", "color": "#9aa5b1"},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[b["mean_score"] for b in bins],
            y=[b["observed_rate"] for b in bins],
            mode="lines+markers",
            name="模型 model",
            marker={"size": [max(6, min(22, b["n"] ** 0.5 / 5)) for b in bins]},
            customdata=[b["n"] for b in bins],
            hovertemplate="predicted %{x:.3f}, observed %{y:.3f}, n=%{customdata}",
        )
    )
    ece = quality.get("ece")
    fig.update_layout(
        title=_title(f"校準圖（ECE {ece:.3f}）" if ece is not None else "校準圖", "Reliability chart"),
        xaxis={"title": "預測機率 predicted", "range": [0, 1]},
        yaxis={"title": "實際發生率 observed", "range": [0, 1]},
        height=420,
    )
    return fig


def psi_ranking(drift: Mapping[str, Any], top: int = 15) -> go.Figure:
    """Per-feature PSI against the reference period, largest first, coloured by status."""
    items = sorted(drift.get("columns", {}).items(), key=lambda kv: -(kv[1].get("psi") or 0))[:top]
    items = items[::-1]
    fig = go.Figure(
        go.Bar(
            y=[k for k, _ in items],
            x=[v.get("psi") for _, v in items],
            orientation="h",
            marker_color=[STATUS_COLOURS[v.get("status", "not_assessed")] for _, v in items],
            text=[f"{v.get('psi', 0):.3f}" for _, v in items],
            textposition="outside",
        )
    )
    fig.add_vline(x=0.10, line_dash="dot", line_color=STATUS_COLOURS["amber"])
    fig.add_vline(x=0.25, line_dash="dash", line_color=STATUS_COLOURS["red"])
    fig.update_layout(
        title=_title("母體穩定度指標（PSI）排名", "Population stability index by feature"),
        height=140 + 32 * len(items),
        showlegend=False,
    )
    return fig


def importance_bars(importance: Mapping[str, Any], top: int = 12) -> go.Figure:
    """Global feature importance (``explainability.importance`` of results.json)."""
    items = sorted(importance.get("importances", []), key=lambda d: -abs(d.get("importance") or 0))[:top][
        ::-1
    ]
    fig = go.Figure(
        go.Bar(
            y=[d["feature"] for d in items],
            x=[d.get("share") or d.get("importance") for d in items],
            orientation="h",
            marker_color="#2b5c8a",
            text=[f"{(d.get('share') or 0):.0%}" for d in items],
            textposition="outside",
        )
    )
    method = importance.get("method", "")
    fig.update_layout(
        title=_title("特徵重要性", f"Feature importance ({method})"),
        xaxis={"tickformat": ".0%"},
        height=140 + 32 * len(items),
        showlegend=False,
    )
    return fig


def reason_codes(reasons: Mapping[str, Any], top: int = 10) -> go.Figure:
    """How often each feature is among the top reasons of an adverse decision."""
    items = sorted(reasons.get("reasons", []), key=lambda d: -(d.get("share") or 0))[:top][::-1]
    fig = go.Figure(
        go.Bar(
            y=[d["feature"] for d in items],
            x=[d.get("share") for d in items],
            orientation="h",
            marker_color="#5e3c99",
            text=[f"{(d.get('share') or 0):.0%}" for d in items],
            textposition="outside",
        )
    )
    fig.update_layout(
        title=_title("不利決策理由碼出現比例", "How often each reason appears in adverse decisions"),
        xaxis={"tickformat": ".0%"},
        height=140 + 32 * len(items),
        showlegend=False,
    )
    return fig


def proxy_heatmap(proxy: Mapping[str, Any]) -> go.Figure:
    """Cramér's V of every feature (rows) against every protected attribute (columns)."""
    prot = proxy.get("protected", {})
    attrs = list(prot)
    feats = sorted({f for a in prot.values() for f in a.get("features", {})})
    z = [[prot[a]["features"].get(f, {}).get("cramers_v") for a in attrs] for f in feats]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=attrs,
            y=feats,
            zmin=0,
            zmax=1,
            colorscale="Oranges",
            texttemplate="%{z:.2f}",
            colorbar={"title": "V"},
        )
    )
    fig.update_layout(
        title=_title(
            "代理變數掃描（Cramér's V；≥0.3 需檢視，≥0.7 不合格）",
            "Proxy scan (Cramér's V; ≥ 0.3 review, ≥ 0.7 fail)",
        ),
        height=160 + 30 * len(feats),
    )
    return fig
