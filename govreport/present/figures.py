"""Plotly figures for the templates, built from results (never from raw data).

Each function returns a figure in the house style; templates display it with
:func:`govreport.present.charts.show`. Titles are bilingual (Chinese first). The figures are
:mod:`govreport.present.plotly_lite` ones — plotly's JSON built as plain dicts, with the same calls as
``plotly.graph_objects`` — so a presenting kernel imports neither plotly nor pandas (issue 22).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.labels import relabel
from . import plotly_lite as go  # plotly's calls, plain dicts: no plotly import, no validation
from .charts import STATUS_COLOURS, STATUS_SYMBOLS, bil
from .labels import attr_name, group_name, sort_groups
from .messages.terms import term
from .numbers import fmt_share

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


def _col(column: str, labels: Mapping[str, Any] | None) -> str:
    """A column as a chart reads it: its display names (results.json's ``labels``), else its code."""
    zh, en = attr_name(column, labels)
    return bil(zh, en) if (zh, en) != (column, column) else column


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
                x=[bil(*term("dq.dim", d)) for d in dims],  # dimension names from the catalogue
                y=[100 * r["dimensions"][d]["value"] for d in dims],
                name=name,
                marker={
                    "color": [STATUS_COLOURS[r["dimensions"][d].get("status", "not_assessed")] for d in dims],
                    "line": {"color": "#1f2933", "width": 1},
                },
                text=[fmt_share(r["dimensions"][d]["value"], 2) for d in dims],
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


def trend(history: Sequence[Mapping[str, Any]], results: Mapping[str, Any], ids: Sequence[str]) -> go.Figure:
    """Small multiples: one panel per indicator over periods (earlier periods from the evidence store, this
    period from results), each with its own scale and its threshold band (green and red lines); markers carry
    the status shape and colour. ``history``: rows period, indicator, value, status (``ctx.history()``, or a
    pandas DataFrame with those columns)."""
    from .plotly_lite import make_subplots

    now = [
        {"period": results["period"], "indicator": i["id"], "value": i["value"], "status": i["status"]}
        for i in results["indicators"]
    ]
    # rows (ctx.history()), or a pandas DataFrame from a template written for one
    past = list(history) if isinstance(history, list) else history.to_dict("records")  # type: ignore[attr-defined]
    df = [*past, *now]
    by_id = {i["id"]: i for i in results["indicators"]}
    shown = [ind for ind in ids if _series(df, ind)]
    cols = 3 if len(shown) > 4 else 2 if len(shown) > 1 else 1
    rows = max(1, -(-len(shown) // cols))
    titles = [bil(*relabel(by_id[i], results.get("labels"))) if i in by_id else i for i in shown]
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles or None, vertical_spacing=0.16)
    for k, ind in enumerate(shown):
        r, c = k // cols + 1, k % cols + 1
        d = _series(df, ind)
        fig.add_trace(
            go.Scatter(
                x=[r["period"] for r in d],
                y=[r["value"] for r in d],
                mode="lines+markers",
                line={"color": "#52606d"},
                marker={
                    "size": 10,
                    "color": [STATUS_COLOURS.get(r["status"], "#9ca3af") for r in d],
                    "symbol": [STATUS_SYMBOLS.get(r["status"], "circle") for r in d],
                    "line": {"width": 1, "color": "#1f2933"},
                },
                hovertemplate="%{x}: %{y:.3f}<extra></extra>",
                showlegend=False,
            ),
            row=r,
            col=c,
        )
        th = (by_id.get(ind) or {}).get("threshold") or {}
        for line, colour in (("green", STATUS_COLOURS["green"]), ("red", STATUS_COLOURS["red"])):
            if th.get(line) is not None:
                fig.add_hline(y=th[line], line_dash="dot", line_color=colour, line_width=1, row=r, col=c)
        fig.update_xaxes(type="category", row=r, col=c)
    fig.update_layout(
        title=_title(
            "指標歷期趨勢（虛線：綠燈與紅燈門檻）", "Indicators over periods (dotted: green and red lines)"
        ),
        height=140 + 220 * rows,
    )
    fig.update_annotations(font_size=12)
    return fig


def _series(rows: Sequence[Mapping[str, Any]], indicator: str) -> list[Mapping[str, Any]]:
    """The rows of ``indicator`` that have a value (not None, not NaN), in order."""
    return [
        r for r in rows if r["indicator"] == indicator and r["value"] is not None and r["value"] == r["value"]
    ]


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


def group_rates(
    attr: str,
    data: Mapping[str, Any],
    metric: str = "selection_rate",
    labels: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Favourable-decision rate per group with its confidence interval and the four-fifths line; groups named
    from ``labels`` (results.json's ``labels``), bands in order of their bounds, small groups greyed."""
    groups = data["groups"]
    names = sort_groups(groups)
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
    xs = []
    for g, j in zip(names, judged, strict=True):
        zh, en = group_name(attr, g, labels)
        n = f"{groups[g].get('n', 0):,}"
        xs.append(
            bil(
                f"{zh}<br>n={n}" + ("" if j else "<br>未判定"),
                f"{en}<br>n={n}" + ("" if j else "<br>not judged"),
            )
        )
    fig = go.Figure(
        go.Bar(
            x=xs,
            y=vals,
            marker_color=colours,
            marker_pattern_shape=["" if j else "/" for j in judged],
            error_y={"type": "data", "array": err_hi, "arrayminus": err_lo, "color": "#52606d"},
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    )
    if top is not None:
        fig.add_hline(
            y=0.8 * top,
            line_dash="dash",
            line_color="#b2182b",
            annotation_text=bil("最高群體之五分之四", "4/5 of the highest group"),
            annotation_position="top left",
        )
    zh, en = attr_name(attr, labels)
    fig.update_layout(
        title=_title(f"{zh}：各群體核准率", f"{en}: favourable-decision rate by group"),
        yaxis={"tickformat": ".0%", "rangemode": "tozero"},
        height=380,
        showlegend=False,
    )
    return fig


def intersection_heatmap(
    name: str,
    data: Mapping[str, Any],
    metric: str = "selection_rate",
    labels: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Rate over the intersection of two attributes, each cell's ratio to the highest judged cell on a fixed
    scale anchored on the four-fifths rule (red below 0.8, neutral at 0.8–1); groups too small to judge are
    hatched grey "not judged" cells with their n, never left blank."""
    cols = name.split("×")
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for key, g in data["groups"].items():
        parts = [p.strip() for p in key.replace(" | ", "×").split("×")]
        a, b = (parts + ["—"])[:2]
        rows.setdefault(a, {})[b] = g
    ys = sort_groups(rows)
    xs = sort_groups({b for r in rows.values() for b in r})
    judged_vals = [
        g.get(metric)
        for r in rows.values()
        for g in r.values()
        if g.get("judged", True) and g.get(metric) is not None
    ]
    top = max(judged_vals) if judged_vals else None
    z, text, small_x, small_y = [], [], [], []
    for y in ys:
        zr, tr = [], []
        for x in xs:
            g = rows[y].get(x)
            v = g.get(metric) if g else None
            if g is None:
                zr.append(None)
                tr.append("")
            elif not g.get("judged", True) or v is None or not top:
                zr.append(None)
                n = f"{g.get('n', 0):,}"
                tr.append(bil(f"未判定<br>n={n}", f"not judged<br>n={n}"))
                small_x.append(x)
                small_y.append(y)
            else:
                zr.append(v / top)
                tr.append(f"{v:.0%}<br>{v / top:.2f}×")
        z.append(zr)
        text.append(tr)

    def axis(col: str, codes: list[str]) -> list[str]:
        return [bil(*group_name(col.strip(), c, labels)) for c in codes]

    ylab, xlab = axis(cols[0], ys), axis(cols[-1] if len(cols) > 1 else cols[0], xs)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=xlab,
            y=ylab,
            zmin=0.5,
            zmax=1.0,
            colorscale=[[0.0, "#b2182b"], [0.4, "#f4a582"], [0.6, "#f7f7f7"], [1.0, "#2b5c8a"]],
            text=text,
            texttemplate="%{text}",
            hoverinfo="skip",
            colorbar={
                "title": {"text": bil("與最高之比", "ratio to highest")},
                "tickvals": [0.5, 0.7, 0.8, 0.9, 1.0],
            },
        )
    )
    if small_x:  # hatched "not judged" cells, drawn over the blank ones
        lookup_x = dict(zip(xs, xlab, strict=True))
        lookup_y = dict(zip(ys, ylab, strict=True))
        fig.add_trace(
            go.Scatter(
                x=[lookup_x[x] for x in small_x],
                y=[lookup_y[y] for y in small_y],
                mode="markers",
                marker={"symbol": "square-open", "size": 34, "color": "#9ca3af", "line": {"width": 1}},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    zh = "×".join(attr_name(c.strip(), labels)[0] for c in cols)
    en = " × ".join(attr_name(c.strip(), labels)[1] for c in cols)
    fig.update_layout(
        title=_title(
            f"{zh}：交叉群體核准率（與最高群體之比；< 0.8 為紅）",
            f"{en}: favourable rate by intersection (ratio to the highest; red below 0.8)",
        ),
        height=180 + 45 * len(ys),
        xaxis={"type": "category"},
        yaxis={"type": "category"},
    )
    return fig


def roc_ks(quality: Mapping[str, Any]) -> go.Figure:
    """ROC curve (left) and the KS chart (right): cumulative shares of the two outcome classes by score."""
    from .plotly_lite import make_subplots

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


def psi_ranking(
    drift: Mapping[str, Any], top: int = 15, labels: Mapping[str, Any] | None = None
) -> go.Figure:
    """Per-feature PSI against the reference period, largest first, coloured by status; features by their
    display names (``labels``)."""
    items = sorted(drift.get("columns", {}).items(), key=lambda kv: -(kv[1].get("psi") or 0))[:top]
    items = items[::-1]
    fig = go.Figure(
        go.Bar(
            y=[_col(k, labels) for k, _ in items],
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


def importance_bars(
    importance: Mapping[str, Any], top: int = 12, labels: Mapping[str, Any] | None = None
) -> go.Figure:
    """Global feature importance (``explainability.importance`` of results.json)."""
    items = sorted(importance.get("importances", []), key=lambda d: -abs(d.get("importance") or 0))[:top][
        ::-1
    ]
    fig = go.Figure(
        go.Bar(
            y=[_col(d["feature"], labels) for d in items],
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


def reason_codes(
    reasons: Mapping[str, Any], top: int = 10, labels: Mapping[str, Any] | None = None
) -> go.Figure:
    """How often each feature is among the top reasons of an adverse decision."""
    items = sorted(reasons.get("reasons", []), key=lambda d: -(d.get("share") or 0))[:top][::-1]
    fig = go.Figure(
        go.Bar(
            y=[_col(d["feature"], labels) for d in items],
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


def proxy_heatmap(proxy: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> go.Figure:
    """Cramér's V of every feature (rows) against every protected attribute (columns), each named by its
    display names (``labels``)."""
    prot = proxy.get("protected", {})
    attrs = list(prot)
    feats = sorted({f for a in prot.values() for f in a.get("features", {})})
    z = [[prot[a]["features"].get(f, {}).get("cramers_v") for a in attrs] for f in feats]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_col(a, labels) for a in attrs],
            y=[_col(f, labels) for f in feats],
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
