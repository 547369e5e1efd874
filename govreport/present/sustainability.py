"""The sustainability report's HTML pieces and Plotly figures, from a
:class:`~govreport.assessments.sustainability.SustainabilityReport` only (the template calls them).

Contract: formats what the report holds; computes nothing and reads no file.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..assessments.sustainability import SustainabilityReport
from .charts import badge
from .i18n import t

# ==================================================================================================
# HTML and figures for the template
# ==================================================================================================
_e = html.escape


def fmt(v: Any, unit: str = "") -> str:
    """A number as a report shows it: shares as %, small energies with significant digits."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "—"
    if unit == "share":
        return f"{100 * v:.1f}%"
    if unit == "count":
        return f"{v:,.0f}"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    if a >= 0.001:
        return f"{v:.4f}"
    return f"{v:.3g}"


def _change(r: Mapping[str, Any]) -> str:
    if r.get("change_abs") is None:
        return "—"
    if r["unit"] == "share":
        return f"{100 * r['change_abs']:+.1f} pp"
    if r.get("change_pct") is not None:
        return f"{100 * r['change_pct']:+.1f}%"
    return f"{r['change_abs']:+.3g}"


def html_cover(rep: SustainabilityReport) -> str:
    zh, en = rep.data.ws_name
    rows = [
        ("機構", "Organisation", f"{_e(zh)} <span class='gr-en'>{_e(en)}</span>"),
        ("報告期間", "Period", _e(rep.period.label)),
        ("趨勢期間", "Trend", _e(f"{rep.quarters[0]} – {rep.quarters[-1]}" if rep.quarters else "—")),
        ("系統數", "Systems", _e(str(sum(1 for s in rep.data.systems.values() if s.in_inventory)))),
        ("產製時間", "Generated", _e(rep.generated_at[:16].replace("T", " ") + " UTC")),
    ]
    dl = "".join(f"<dt>{_e(a)} <span class='gr-en'>{_e(b)}</span></dt><dd>{v}</dd>" for a, b, v in rows)
    return (
        f"<h1>{_e(t('report.sustainability.title'))}<br><span class='gr-en'>"
        f"{_e(t('report.sustainability.title', 'en'))}</span></h1><dl class='gr-cover'>{dl}</dl>"
    )


def factor_note(rep: SustainabilityReport) -> str:
    """The grid factor(s) behind this period's emissions, short enough to stand next to each figure:
    factor year, value and source, and the fallback when the energy year has none yet."""
    parts_zh, parts_en = [], []
    for f in rep.factors_used():
        src = str(f["source"]).split(";")[0]  # "2025 factor 0.467 kgCO2e/kWh, <publisher> (<English>)"
        publisher = src.split(", ", 1)[1].split(" (")[0] if ", " in src else ""
        fb_zh = f"；{f['energy_year']} 年尚無公告，採最近之前年度" if f["fallback"] else ""
        fb_en = (
            f"; none published for {f['energy_year']} yet, the latest earlier year's used"
            if f["fallback"]
            else ""
        )
        parts_zh.append(
            f"{f['energy_year']} 年用電：{f['factor_year']} 年係數 {f['kg_per_kwh']:g} kgCO2e/kWh"
            f"（{publisher}{fb_zh}）"
        )
        parts_en.append(f"energy of {f['energy_year']}: {src}{fb_en}")
    if not parts_zh:
        return ""
    return (
        f"<div class='gr-factor'>{_e('；'.join(parts_zh))}<br>"
        f"<span class='gr-en'>{_e('; '.join(parts_en))}</span></div>"
    )


def html_indicator_table(rep: SustainabilityReport, scope: str = "portfolio") -> str:
    rows = [r for r in rep.rows if r["scope"] == scope]
    if not rows:
        return f"<p>{_e(t('sust.none'))}<br><span class='gr-en'>{_e(t('sust.none', 'en'))}</span></p>"
    note = factor_note(rep)
    body = "".join(
        f"<tr><td>{_e(r['label_zh'])}<br><span class='gr-en'>{_e(r['label_en'])}</span>"
        f"{note if 'CO2e' in r['unit'] else ''}</td>"
        f"<td class='num'>{_e(fmt(r['value'], r['unit']))}</td><td>"
        f"{_e(r['unit'] if r['unit'] not in ('share',) else '')}</td>"
        f"<td class='num'>{_e(fmt(r['previous_value'], r['unit']))}</td><td class='num'>{_e(_change(r))}</td>"
        f"<td class='num'>{_e(fmt(r['target'], r['unit']))}</td><td>"
        f"{badge(r['status']) if r['rule'] else '—'}</td>"
        f"<td>GRI {_e(r['gri'])}</td></tr>"
        for r in rows
    )
    prev = rows[0]["previous_period"]
    head = (
        f"<tr><th>指標 Indicator</th><th class='num'>{_e(rep.period.label)}</th><th>單位 Unit</th>"
        f"<th class='num'>上期 {_e(prev)}</th><th class='num'>變化 Change</th><th class='num'>"
        f"目標 Target</th><th>狀態 Status</th><th>GRI</th></tr>"
    )
    return f"<table>{head}{body}</table>"


def html_systems_table(rep: SustainabilityReport) -> str:
    keys = ("energy_kwh", "emissions_kgco2e", "predictions", "intensity_g_per_1k")
    body = []
    for sid, info in rep.data.systems.items():
        vals = {r["indicator"]: r for r in rep.rows if r["scope"] == sid}
        if not vals:
            continue
        cells = "".join(
            f"<td class='num'>{_e(fmt(vals[k]['value'], vals[k]['unit']) if k in vals else '—')}</td>"
            for k in keys
        )
        tgt = vals.get("intensity_g_per_1k", {}).get("target")
        body.append(
            f"<tr><td>{_e(info.name_zh)}<br><span class='gr-en'>{_e(info.name_en)} ({_e(sid)})</span></td>"
            f"{cells}<td class='num'>{_e(fmt(tgt))}</td></tr>"
        )
    if not body:
        return ""
    head = (
        "<tr><th>系統 System</th><th class='num'>kWh</th><th class='num'>kgCO2e</th>"
        "<th class='num'>預測／請求 Predictions</th><th class='num'>gCO2e / 1,000</th>"
        "<th class='num'>目標 Target</th></tr>"
    )
    return f"<table>{head}{''.join(body)}</table>{factor_note(rep)}"


def html_inclusion(rep: SustainabilityReport) -> str:
    rows = [r for r in rep.rows if r["indicator"] in ("young_approval_rate", "elderly_approval_rate")]
    if not rows:
        return (
            f"<p>{_e(t('sust.inclusion.none'))}<br>"
            f"<span class='gr-en'>{_e(t('sust.inclusion.none', 'en'))}</span></p>"
        )
    body = "".join(
        f"<tr><td>{_e(r['scope_name_zh'])}<br><span class='gr-en'>{_e(r['scope_name_en'])}</span></td>"
        f"<td>{_e(r['label_zh'])}<br><span class='gr-en'>"
        f"{_e(r['label_en'])}: {_e(str(r['details'].get('band')))}</span></td>"
        f"<td class='num'>{_e(fmt(r['value'], 'share'))}</td><td class='num'>{_e(_change(r))}</td>"
        f"<td class='num'>{_e(_ratio(r['details'].get('ratio_to_highest')))}</td><td>"
        f"{badge(r['status'])}</td>"
        f"<td class='num'>{r['details'].get('n', 0):,}</td></tr>"
        for r in rows
    )
    head = (
        "<tr><th>系統 System</th><th>客群 Group</th><th class='num'>核准率 Rate</th><th class='num'>"
        "變化 Change</th><th class='num'>對最高群體比 Ratio to highest</th><th>狀態 Status</th>"
        "<th class='num'>n</th></tr>"
    )
    return f"<table>{head}{body}</table>"


def _ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


#: the inventory's tiers, each with a message key ``tier.<tier>``
TIERS = ("high", "medium", "low", "out_of_scope")


def _review_result(r: Mapping[str, Any]) -> str:
    if r["on_time"]:
        return "✓ 如期 on time"
    return "尚未到期 not yet due" if not r["due"] else "✗ 逾期 overdue"


def html_governance(rep: SustainabilityReport) -> str:
    rv = rep.reviews()
    body = "".join(
        f"<tr><td>{_e(r['system_id'])}</td><td>"
        f"{_e(t('tier.' + r['tier']) if r['tier'] in TIERS else r['tier'])}</td>"
        f"<td class='num'>{r['review_months']}</td><td>{_e(r['window'])}</td><td>"
        f"{_e(r['last_reviewed_period'] or '—')}</td>"
        f"<td>{_review_result(r)}</td></tr>"
        for r in rv
    )
    table = (
        (
            "<table><tr><th>系統 System</th><th>等級 Tier</th><th class='num'>檢視週期（月） Months</th>"
            f"<th>檢視區間 Window</th><th>最近檢視期間 Last reviewed</th><th>結果 Result</th></tr>"
            f"{body}</table>"
        )
        if rv
        else ""
    )
    hours = next(
        (r for r in rep.rows if r["scope"] == "portfolio" and r["indicator"] == "ai_training_hours"), None
    )
    if hours:
        per = next(
            (
                r
                for r in rep.rows
                if r["scope"] == "portfolio" and r["indicator"] == "ai_training_hours_per_employee"
            ),
            None,
        )
        extra = f"，平均每人 {fmt(per['value'])} 小時 / {fmt(per['value'])} h per employee" if per else ""
        training = (
            f"<p>員工 AI 教育訓練（第9條）：{fmt(hours['value'])} 小時{_e(extra)}<br><span class='gr-en'>"
            f"Staff AI training (Art. 9): {fmt(hours['value'])} hours. Basis: {_e(hours['basis'])}</span></p>"
        )
    else:
        training = (
            f"<p>{_e(t('sust.training.none'))}<br>"
            f"<span class='gr-en'>{_e(t('sust.training.none', 'en'))}</span></p>"
        )
    return table + training


def html_methods(rep: SustainabilityReport) -> str:
    parts = []
    fu = rep.factors_used()
    if fu:
        body = "".join(
            f"<tr><td>{f['energy_year']}</td><td>{f['factor_year']}{' *' if f['fallback'] else ''}</td>"
            f"<td class='num'>{f['kg_per_kwh']:g}</td><td>{_e(f['source'])}</td></tr>"
            for f in fu
        )
        parts.append(
            "<h3>電力排碳係數 <span class='gr-en'>Grid emission factors used</span></h3>"
            "<table><tr><th>用電年度 Energy year</th><th>係數年度 Factor year</th>"
            f"<th class='num'>kgCO2e/kWh</th><th>來源 Source</th></tr>{body}</table>"
            + (
                "<p>* 該用電年度尚無公告係數，採用最近之前一年度係數。<br><span class='gr-en'>"
                "* the latest earlier year's factor (none published for the energy year yet).</span></p>"
                if any(f["fallback"] for f in fu)
                else ""
            )
        )
    s = rep.data.settings
    parts.append(
        f"<p>PUE（govreport 執行主機）：{s.host_pue:g}<br><span class='gr-en'>PUE of the machine running "
        f"govreport: {s.host_pue:g} ({_e(s.host_pue_source)}); each system's own PUE applies to its "
        "declared figures.</span></p>"
    )
    for m in rep.measurement_methods():
        label = m["method"] or f"not measured: {m['reason']}"
        parts.append(f"<p class='gr-en'>Measurement ({len(m['runs'])} run(s)): {_e(str(label))}</p>")
    cc = rep.cross_check()
    if cc:
        parts.append(
            f"<p>CodeCarbon 交叉檢核<br><span class='gr-en'>"
            f"CodeCarbon cross-check ({cc['runs']} measured runs, before "
            f"PUE): govreport {fmt(cc['govreport_kgco2e_without_pue'])} kgCO2e with the MOEA factor "
            f"({fmt(cc['moea_kg_per_kwh'])} kg/kWh) against CodeCarbon's {fmt(cc['codecarbon_kgco2e'])} "
            f"kgCO2e ({fmt(cc['codecarbon_kg_per_kwh'])} kg/kWh from its own Taiwan energy mix). Only the "
            "MOEA figure is reported.</span></p>"
        )
    lines = rep.lines()
    dec = lines[lines["source"] != "measured"] if len(lines) else lines
    if len(dec):
        body = "".join(
            f"<tr><td>{_e(x.system_id)}</td><td>{_e(x.period)}</td><td>{_e(x.activity)}</td>"
            f"<td>{_e(x.source)}</td><td class='num'>{_e(fmt(x.kwh))}</td><td class='num'>{x.pue:g}</td>"
            f"<td class='num'>{_e(fmt(x.kgco2e))}</td><td>{_e(x.basis)}</td></tr>"
            for x in dec.itertuples()
        )
        parts.append(
            "<h3>申報與估算數據 <span class='gr-en'>Declared and estimated figures</span></h3>"
            "<table><tr><th>系統 System</th><th>期間 Period</th><th>活動 Activity</th><th>來源 Source</th>"
            "<th class='num'>kWh</th><th class='num'>PUE</th><th class='num'>kgCO2e</th><th>依據 Basis</th>"
            f"</tr>{body}</table>"
        )
    notes = rep.notes()
    if notes:
        parts.append(
            "<h3>說明 <span class='gr-en'>Notes</span></h3><ul>"
            + "".join(f"<li>{_e(n)}</li>" for n in notes)
            + "</ul>"
        )
    return "".join(parts)


def html_exports(paths: Mapping[str, Path]) -> str:
    items = "".join(f"<li><code>{_e(p.name)}</code></li>" for p in paths.values())
    return (
        f"<p>{_e(t('sust.export.lead'))}<br>"
        f"<span class='gr-en'>{_e(t('sust.export.lead', 'en'))}</span></p><ul>{items}</ul>"
    )


_SOURCE_COLOURS = {"measured": "#2b5c8a", "declared": "#7a9cc6", "estimated": "#b2abd2"}


def _fig_title(zh: str, en: str) -> dict[str, Any]:
    return {"text": f"{zh}<br><span style='font-size:12px;color:#52606d'>{en}</span>"}


def fig_trend_by_system(rep: SustainabilityReport) -> Any:
    import plotly.graph_objects as go

    q = rep.quarterly()
    fig = go.Figure()
    for sid in sorted(q["system_id"].unique()) if len(q) else []:
        d = q[q["system_id"] == sid].groupby("quarter")["kgco2e"].sum().reindex(rep.quarters, fill_value=0)
        info = rep.data.systems.get(sid)
        name = f"{info.name_zh} {sid}" if info is not None and info.name_zh != sid else sid
        fig.add_trace(
            go.Bar(
                x=rep.quarters,
                y=list(d.values),
                name=name,
                hovertemplate="%{x}: %{y:.4g} kgCO2e<extra>" + sid + "</extra>",
            )
        )
    # each quarter's emissions use the grid factor of its energy year: say which under each bar
    lf = rep.data.lines_frame()
    years = (
        {q: sorted({int(y) for y in lf.loc[lf["quarter"] == q, "factor_year"]}) for q in rep.quarters}
        if len(lf)
        else {}
    )
    ticks = [f"{q}<br>{'/'.join(map(str, years.get(q, []))) or '—'} 係數 factor" for q in rep.quarters]
    fig.update_layout(
        barmode="stack",
        title=_fig_title("各季溫室氣體排放（依系統）", "Emissions by quarter and system"),
        yaxis={"title": "kgCO2e"},
        height=400,
        xaxis={"type": "category", "tickmode": "array", "tickvals": rep.quarters, "ticktext": ticks},
    )
    return fig


def fig_trend_by_source(rep: SustainabilityReport) -> Any:
    import plotly.graph_objects as go

    q = rep.quarterly()
    fig = go.Figure()
    for src in ("measured", "declared", "estimated"):
        d = (
            q[q["source"] == src].groupby("quarter")["kwh"].sum().reindex(rep.quarters, fill_value=0)
            if len(q)
            else None
        )
        if d is None or not d.any():
            continue
        label = {"measured": "量測 measured", "declared": "申報 declared", "estimated": "估算 estimated"}[src]
        fig.add_trace(
            go.Bar(
                x=rep.quarters,
                y=list(d.values),
                name=label,
                marker_color=_SOURCE_COLOURS[src],
                hovertemplate="%{x}: %{y:.4g} kWh<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        title=_fig_title("各季能源使用量（依數據來源）", "Energy by quarter and source"),
        yaxis={"title": "kWh"},
        xaxis={"type": "category"},
        height=400,
    )
    return fig


def fig_intensity(rep: SustainabilityReport) -> Any:
    import plotly.graph_objects as go

    df = rep.intensity_by_quarter()
    fig = go.Figure()
    for scope in (
        (["portfolio"] + sorted(s for s in df["scope"].unique() if s != "portfolio")) if len(df) else []
    ):
        d = df[df["scope"] == scope]
        if not len(d):
            continue
        name = "整體 portfolio" if scope == "portfolio" else scope
        fig.add_trace(
            go.Scatter(
                x=d["quarter"],
                y=d["intensity_g_per_1k"],
                mode="lines+markers",
                name=name,
                line={"width": 4 if scope == "portfolio" else 2},
                hovertemplate="%{x}: %{y:.4g} gCO2e / 1,000<extra>" + name + "</extra>",
            )
        )
    target = rep.data.settings.targets.portfolio.intensity_g_per_1k
    if target is not None:
        fig.add_hline(
            y=target,
            line_dash="dash",
            line_color="#b2182b",
            annotation_text=f"目標 target {target:g}",
            annotation_position="top left",
        )
    fig.update_layout(
        title=_fig_title(
            "排放密集度與目標", "Emissions intensity against target (gCO2e per 1,000 predictions or requests)"
        ),
        yaxis={"rangemode": "tozero"},
        xaxis={"type": "category", "categoryarray": rep.quarters},
        height=400,
    )
    return fig


def fig_inclusion(rep: SustainabilityReport) -> Any:
    import plotly.graph_objects as go

    df = rep.inclusion_by_quarter()
    fig = go.Figure()
    for (sid, ind), d in df.groupby(["system_id", "indicator"]) if len(df) else []:
        who = "年輕 young" if ind == "young_approval_rate" else "高齡 elderly"
        fig.add_trace(
            go.Scatter(
                x=d["quarter"],
                y=d["rate"],
                mode="lines+markers",
                name=f"{sid} · {who} ({d['band'].iloc[-1]})",
                line={"dash": "dot" if ind == "young_approval_rate" else "solid"},
            )
        )
    fig.update_layout(
        title=_fig_title("年輕與高齡客群核准率", "Approval rate of the youngest and oldest age band"),
        yaxis={"tickformat": ".0%", "rangemode": "tozero"},
        xaxis={"type": "category", "categoryarray": rep.quarters},
        height=400,
    )
    return fig
