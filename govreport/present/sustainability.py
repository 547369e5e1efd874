"""The sustainability report's HTML pieces and Plotly figures, from its plain view
(:class:`~govreport.assessments.sustainability_view.SustainabilityView`; the template calls them with
``ctx.view``). Each also takes the :class:`~govreport.assessments.sustainability.SustainabilityReport`
itself (a template written for it), presenting its view.

Contract: formats what the report holds; computes nothing and reads no file. Imports neither pandas nor
plotly (figures are :mod:`.plotly_lite` dicts): the kernel that presents starts light (issue 22).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..assessments.sustainability_view import SustainabilityView
from . import plotly_lite as go  # plotly's JSON as dicts: the sustainability kernel never imports plotly
from .charts import badge, bil
from .i18n import pair, t, tr
from .messages.terms import gri
from .notes import note_html
from .numbers import fmt_change, fmt_number, fmt_share, fmt_time, fmt_value
from .review_base import lang_switch

if TYPE_CHECKING:  # annotations only: the report's module imports pandas
    from ..assessments.sustainability import SustainabilityReport


def _v(rep: SustainabilityReport | SustainabilityView | SustainabilityView) -> SustainabilityView:
    """The view a function presents: ``rep`` itself, or a report's view."""
    return rep if isinstance(rep, SustainabilityView) else rep.view()


# ==================================================================================================
# HTML and figures for the template
# ==================================================================================================
_e = html.escape


def fmt(v: Any, unit: str = "") -> str:
    """A number as the report shows it in a column that names its unit (shares as %; one formatter for the
    package, :mod:`govreport.present.numbers`: thousands separators, a non-zero figure never reads 0)."""
    if unit == "share":
        return fmt_share(v)
    return fmt_number(round(v) if unit == "count" and _finite(v) else v)


def _finite(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def value(v: Any, unit: str = "") -> str:
    """A figure with its unit, in both language spans (energy in Wh below 1 kWh, emissions in gCO2e below
    1 kg; shares as %)."""
    zh, en = fmt_value(v, unit, "zh-TW"), fmt_value(v, unit, "en")
    return _e(zh) if zh == en else pair(zh, en)


def _change(r: Mapping[str, Any]) -> str:
    """The change since the previous period: percentage points for a share, else relative."""
    if r.get("change_abs") is None:
        return "—"
    zh, en = (
        fmt_change(r.get("change_abs"), r.get("change_pct"), r["unit"], lang) for lang in ("zh-TW", "en")
    )
    return _e(zh) if zh == en else pair(zh, en)


def html_cover(rep: SustainabilityReport | SustainabilityView, tz: str | None = None) -> str:
    """Title, organisation, period, the report's overall status (the worst assessed row of any scope; not
    assessed when none was) and when it was made, in the workspace's time zone."""
    rep = _v(rep)
    zh, en = rep.ws_name
    tz = tz or rep.timezone  # the workspace's (a report pickled before it: Taipei)
    status = rep.status
    rows = [
        ("機構", "Organisation", pair(zh, en)),
        ("報告期間", "Period", _e(rep.period)),
        ("趨勢期間", "Trend", _e(f"{rep.quarters[0]} – {rep.quarters[-1]}" if rep.quarters else "—")),
        ("系統數", "Systems", _e(str(sum(1 for s in rep.systems.values() if s["in_inventory"])))),
        ("整體狀態", "Overall status", badge(status)),
        (
            "產製時間",
            "Generated",
            pair(fmt_time(rep.generated_at, "zh-TW", tz), fmt_time(rep.generated_at, "en", tz)),
        ),
    ]
    dl = "".join(f"<dt>{pair(a, b)}</dt><dd>{v}</dd>" for a, b, v in rows)
    return f"{lang_switch()}<h1>{tr('report.sustainability.title')}</h1><dl class='gr-cover'>{dl}</dl>"


def factor_note(rep: SustainabilityReport | SustainabilityView) -> str:
    """The grid factor(s) behind this period's emissions, short enough to stand next to each figure:
    factor year, value and source, and the fallback when the energy year has none yet."""
    parts_zh, parts_en = [], []
    for f in _v(rep).factors:
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
        parts_en.append(f"energy of {f['energy_year']}: {_english(src)}{fb_en}")
    if not parts_zh:
        return ""
    return f"<div class='gr-factor'>{pair('；'.join(parts_zh), '; '.join(parts_en))}</div>"


_TITLED = re.compile(r"[^,;()\s][^,;()]*[\u3400-\u9fff][^,;()]* \(([^()]*)\)")


def _english(source: str) -> str:
    """A factor's source for the English view: the publisher's Chinese title replaced by its English
    ("經濟部能源署 114年度電力排碳係數 (MOEA Energy Administration, …)" → "MOEA Energy Administration, …")."""
    return _TITLED.sub(lambda m: m.group(1), source)


def _source(f: Mapping[str, Any]) -> str:
    """A grid factor's source in the page's language: the publisher's (Chinese) title and what the fallback
    and a secondary source mean, in Chinese; the recorded (English) text in English."""
    src = str(f["source"])
    head = src.split(";")[0]
    publisher = head.split(", ", 1)[1].split(" (")[0] if ", " in head else head
    zh = f"{f['factor_year']} 年係數 {f['kg_per_kwh']:g} kgCO2e/kWh，{publisher}"
    if f.get("fallback"):
        zh += f"；{f['energy_year']} 年尚無公告，採最近之前年度"
    if "secondary source" in src:
        zh += "；註：取自次級來源，請與能源署公告核對，並於 sustainability.yaml 覆寫"
    return pair(zh, _english(src))


def html_indicator_table(rep: SustainabilityReport | SustainabilityView, scope: str = "portfolio") -> str:
    rep = _v(rep)
    rows = [r for r in rep.rows if r["scope"] == scope]
    if not rows:
        return f"<p>{pair(t('sust.none'), t('sust.none', 'en'))}</p>"
    note = factor_note(rep)
    body = "".join(
        f"<tr><td>{pair(r['label_zh'], r['label_en'])}"
        f"{note if 'CO2e' in r['unit'] else ''}</td>"
        f"<td class='num'>{value(r['value'], r['unit'])}</td>"
        f"<td class='num'>{value(r['previous_value'], r['unit'])}</td><td class='num'>{_change(r)}</td>"
        f"<td class='num'>{value(r['target'], r['unit'])}</td>"
        f"<td>{badge(r['status']) if r['rule'] else '—'}</td>"
        f"<td>GRI {_gri(r['gri'])}</td></tr>"
        for r in rows
    )
    prev = rows[0]["previous_period"]
    head = (
        f"<tr><th>{pair('指標', 'Indicator')}</th><th class='num'>{_e(rep.period)}</th>"
        f"<th class='num'>{pair('上期', 'Previous')} {_e(prev)}</th>"
        f"<th class='num'>{pair('變化', 'Change')}</th><th class='num'>{pair('目標', 'Target')}</th>"
        f"<th>{pair('狀態', 'Status')}</th><th>GRI</th></tr>"
    )
    return f"<table>{head}{body}</table>"


def html_systems_table(rep: SustainabilityReport | SustainabilityView) -> str:
    rep = _v(rep)
    keys = ("energy_kwh", "emissions_kgco2e", "predictions", "intensity_g_per_1k")
    body = []
    for sid, info in rep.systems.items():
        vals = {r["indicator"]: r for r in rep.rows if r["scope"] == sid}
        if not vals:
            continue
        cells = "".join(
            f"<td class='num'>{value(vals[k]['value'], vals[k]['unit']) if k in vals else '—'}</td>"
            for k in keys
        )
        tgt = vals.get("intensity_g_per_1k", {}).get("target")
        body.append(
            f"<tr><td class='gr-name'>{pair(info['name_zh'], info['name_en'])}</td>"
            f"{cells}<td class='num'>{_e(fmt(tgt))}</td></tr>"
        )
    if not body:
        return ""
    head = (
        f"<tr><th>{pair('系統', 'System')}</th><th class='num'>{pair('用電量', 'Energy')}</th>"
        f"<th class='num'>{pair('排放量', 'Emissions')}</th>"
        f"<th class='num'>{pair('預測／請求', 'Predictions')}</th><th class='num'>gCO2e / 1,000</th>"
        f"<th class='num'>{pair('目標', 'Target')}</th></tr>"
    )
    return f"<table>{head}{''.join(body)}</table>{factor_note(rep)}"


def html_inclusion(rep: SustainabilityReport | SustainabilityView) -> str:
    rows = [r for r in _v(rep).rows if r["indicator"] in ("young_approval_rate", "elderly_approval_rate")]
    if not rows:
        return f"<p>{pair(t('sust.inclusion.none'), t('sust.inclusion.none', 'en'))}</p>"
    body = "".join(
        f"<tr><td>{pair(r['scope_name_zh'], r['scope_name_en'])}</td>"
        f"<td>{pair(r['label_zh'], r['label_en'])}: {_e(str(r['details'].get('band')))}</td>"
        f"<td class='num'>{_e(fmt(r['value'], 'share'))}</td><td class='num'>{_change(r)}</td>"
        f"<td class='num'>{_e(_ratio(r['details'].get('ratio_to_highest')))}</td><td>"
        f"{badge(r['status'])}</td>"
        f"<td class='num'>{r['details'].get('n', 0):,}</td></tr>"
        for r in rows
    )
    head = (
        f"<tr><th>{pair('系統', 'System')}</th><th>{pair('客群', 'Group')}</th>"
        f"<th class='num'>{pair('核准率', 'Rate')}</th><th class='num'>{pair('變化', 'Change')}</th>"
        f"<th class='num'>{pair('對最高群體比', 'Ratio to highest')}</th><th>{pair('狀態', 'Status')}</th>"
        "<th class='num'>n</th></tr>"
    )
    return f"<table>{head}{body}</table>"


_ACTIVITY = {
    "training": ("訓練", "training"),
    "batch_scoring": ("批次評分", "batch scoring"),
    "serving": ("線上服務", "serving"),
    "tokens": ("生成 token", "tokens"),
    "vendor_reported": ("供應商申報", "vendor-reported"),
}
_SOURCE = {
    "measured": ("量測", "measured"),
    "declared": ("申報", "declared"),
    "estimated": ("估算", "estimated"),
}


def _gri(text: str) -> str:
    """A GRI reference with its note in the page's language."""
    zh, en = gri(text)
    return _e(en) if zh == en else pair(zh, en)


def _system(rep: SustainabilityView, sid: str) -> str:
    info = rep.systems.get(sid)
    return pair(info["name_zh"], info["name_en"]) if info is not None else _e(sid)


def _name(rep: SustainabilityView, sid: str) -> str:
    """A system's name in both languages, for a chart's legend; its id when the inventory has it not."""
    info = rep.systems.get(sid)
    return bil(info["name_zh"], info["name_en"]) if info is not None else sid


def _ratio(x: float | None) -> str:
    return fmt_number(x, 2)


#: the inventory's tiers, each with a message key ``tier.<tier>``
TIERS = ("high", "medium", "low", "out_of_scope")


def _review_result(r: Mapping[str, Any]) -> str:
    if r["on_time"]:
        return pair("✓ 如期", "✓ on time")
    return pair("尚未到期", "not yet due") if not r["due"] else pair("✗ 逾期", "✗ overdue")


def html_governance(rep: SustainabilityReport | SustainabilityView) -> str:
    rep = _v(rep)
    rv = rep.reviews
    body = "".join(
        f"<tr><td class='gr-name'>{_system(rep, r['system_id'])}</td><td>"
        f"{tr('tier.' + r['tier']) if r['tier'] in TIERS else _e(r['tier'])}</td>"
        f"<td class='num'>{r['review_months']}</td><td>{_e(r['window'])}</td><td>"
        f"{_e(r['last_reviewed_period'] or '—')}</td>"
        f"<td>{_review_result(r)}</td></tr>"
        for r in rv
    )
    table = (
        (
            f"<table><tr><th>{pair('系統', 'System')}</th><th>{pair('等級', 'Tier')}</th>"
            f"<th class='num'>{pair('檢視週期（月）', 'Months')}</th><th>{pair('檢視區間', 'Window')}</th>"
            f"<th>{pair('最近檢視期間', 'Last reviewed')}</th><th>{pair('結果', 'Result')}</th></tr>"
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
        extra = f"，平均每人 {fmt(per['value'])} 小時" if per else ""
        extra_en = f" ({fmt(per['value'])} h per employee)" if per else ""
        training = (
            "<p>"
            + pair(
                f"員工 AI 教育訓練（第9條）：{fmt(hours['value'])} 小時{extra}",
                f"Staff AI training (Art. 9): {fmt(hours['value'])} hours{extra_en}. Basis: {hours['basis']}",
            )
            + "</p>"
        )
    else:
        training = f"<p>{pair(t('sust.training.none'), t('sust.training.none', 'en'))}</p>"
    return table + training


def html_methods(rep: SustainabilityReport | SustainabilityView) -> str:
    rep = _v(rep)
    parts = []
    fu = rep.factors
    if fu:
        body = "".join(
            f"<tr><td>{f['energy_year']}</td><td>{f['factor_year']}{' *' if f['fallback'] else ''}</td>"
            f"<td class='num'>{f['kg_per_kwh']:g}</td><td>{_source(f)}</td></tr>"
            for f in fu
        )
        parts.append(
            f"<h3>{pair('電力排碳係數', 'Grid emission factors used')}</h3>"
            f"<table><tr><th>{pair('用電年度', 'Energy year')}</th><th>{pair('係數年度', 'Factor year')}</th>"
            f"<th class='num'>kgCO2e/kWh</th><th>{pair('來源', 'Source')}</th></tr>{body}</table>"
            + (
                "<p>"
                + pair(
                    "* 該用電年度尚無公告係數，採用最近之前一年度係數。",
                    "* the latest earlier year's factor (none published for the energy year yet).",
                )
                + "</p>"
                if any(f["fallback"] for f in fu)
                else ""
            )
        )
    parts.append(
        "<p>"
        + pair(
            f"PUE（govreport 執行主機）：{rep.host_pue:g}（{rep.host_pue_source}）；"
            "各系統申報數據適用其自身 PUE。",
            f"PUE of the machine running govreport: {rep.host_pue:g} ({rep.host_pue_source}); each "
            "system's own PUE applies to its declared figures.",
        )
        + "</p>"
    )
    for m in rep.methods:
        label = m["method"] or f"not measured: {m['reason']}"
        parts.append(f"<p class='gr-en'>Measurement ({len(m['runs'])} run(s)): {_e(str(label))}</p>")
    cc = rep.cross_check
    if cc:
        parts.append(
            f"<p><span class='gr-l-zh' lang='zh-TW'>CodeCarbon 交叉檢核：govreport "
            f"{fmt(cc['govreport_kgco2e_without_pue'])} kgCO2e（經濟部能源署係數，未含 PUE）；CodeCarbon "
            f"{fmt(cc['codecarbon_kgco2e'])} kgCO2e。僅申報經濟部能源署係數之數值。</span>"
            f"<span class='gr-l-en' lang='en'>"
            f"CodeCarbon cross-check ({cc['runs']} measured runs, before "
            f"PUE): govreport {fmt(cc['govreport_kgco2e_without_pue'])} kgCO2e with the MOEA factor "
            f"({fmt(cc['moea_kg_per_kwh'])} kg/kWh) against CodeCarbon's {fmt(cc['codecarbon_kgco2e'])} "
            f"kgCO2e ({fmt(cc['codecarbon_kg_per_kwh'])} kg/kWh from its own Taiwan energy mix). Only the "
            "MOEA figure is reported.</span></p>"
        )
    if rep.declared:
        body = "".join(
            f"<tr><td class='gr-name'>{_system(rep, x['system_id'])}</td><td>{_e(x['period'])}</td>"
            f"<td>{pair(*_ACTIVITY.get(x['activity'], (x['activity'], x['activity'])))}</td>"
            f"<td>{pair(*_SOURCE.get(x['source'], (x['source'], x['source'])))}</td>"
            f"<td class='num'>{_e(fmt(x['kwh']))}</td>"
            f"<td class='num'>{x['pue']:g}</td><td class='num'>{_e(fmt(x['kgco2e']))}</td>"
            f"<td lang='{'zh-TW' if not str(x['basis']).isascii() else 'en'}'>{_e(x['basis'])}</td></tr>"
            for x in rep.declared
        )
        parts.append(
            f"<h3>{pair('申報與估算數據', 'Declared and estimated figures')}</h3>"
            f"<table><tr><th>{pair('系統', 'System')}</th><th>{pair('期間', 'Period')}</th>"
            f"<th>{pair('活動', 'Activity')}</th><th>{pair('來源', 'Source')}</th>"
            f"<th class='num'>kWh</th><th class='num'>PUE</th><th class='num'>kgCO2e</th>"
            f"<th>{pair('依據', 'Basis')}</th></tr>"
            f"{body}</table>"
        )
    notes = rep.notes
    if notes:
        parts.append(
            f"<h3>{pair('說明', 'Notes')}</h3><ul>" + "".join(note_html(n, "li") for n in notes) + "</ul>"
        )
    return "".join(parts)


def html_exports(paths: Mapping[str, Path]) -> str:
    items = "".join(f"<li><code>{_e(p.name)}</code></li>" for p in paths.values())
    return f"<p>{pair(t('sust.export.lead'), t('sust.export.lead', 'en'))}</p><ul>{items}</ul>"


_SOURCE_COLOURS = {"measured": "#2b5c8a", "declared": "#7a9cc6", "estimated": "#b2abd2"}


def _fig_title(zh: str, en: str) -> dict[str, Any]:
    return {"text": f"{zh}<br><span style='font-size:12px;color:#52606d'>{en}</span>"}


def fig_trend_by_system(rep: SustainabilityReport | SustainabilityView) -> go.Figure:
    rep = _v(rep)
    fig = go.Figure()
    for sid, values in rep.emissions_by_system:
        fig.add_trace(
            go.Bar(
                x=rep.quarters,
                y=values,
                name=_name(rep, sid),
                hovertemplate="%{x}: %{y:.4g} kgCO2e<extra>" + sid + "</extra>",
            )
        )
    # each quarter's emissions use the grid factor of its energy year: say which under each bar
    ticks = [
        f"{q}<br>{'/'.join(map(str, rep.factor_years.get(q, []))) or '—'} 係數 factor" for q in rep.quarters
    ]
    fig.update_layout(
        barmode="stack",
        title=_fig_title("各季溫室氣體排放（依系統）", "Emissions by quarter and system"),
        yaxis={"title": "kgCO2e"},
        height=400,
        xaxis={"type": "category", "tickmode": "array", "tickvals": rep.quarters, "ticktext": ticks},
    )
    return fig


def fig_trend_by_source(rep: SustainabilityReport | SustainabilityView) -> go.Figure:
    rep = _v(rep)
    fig = go.Figure()
    for src, values in rep.energy_by_source:
        label = {"measured": "量測 measured", "declared": "申報 declared", "estimated": "估算 estimated"}[src]
        fig.add_trace(
            go.Bar(
                x=rep.quarters,
                y=values,
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


def fig_intensity(rep: SustainabilityReport | SustainabilityView) -> go.Figure:
    rep = _v(rep)
    fig = go.Figure()
    for scope, quarters, values in rep.intensity:
        fig.add_trace(
            go.Scatter(
                x=quarters,
                y=values,
                mode="lines+markers",
                name=bil("整體", "portfolio") if scope == "portfolio" else _name(rep, scope),
                line={"width": 4 if scope == "portfolio" else 2},
                hovertemplate="%{x}: %{y:.4g} gCO2e / 1,000<extra></extra>",
            )
        )
    target = rep.intensity_target
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


def fig_inclusion(rep: SustainabilityReport | SustainabilityView) -> go.Figure:
    rep = _v(rep)
    fig = go.Figure()
    for sid, ind, quarters, rates, band in rep.inclusion:
        zh_who, en_who = ("年輕", "youngest") if ind == "young_approval_rate" else ("高齡", "oldest")
        info = rep.systems.get(sid)
        zh_sys, en_sys = (info["name_zh"], info["name_en"]) if info is not None else (sid, sid)
        fig.add_trace(
            go.Scatter(
                x=quarters,
                y=rates,
                mode="lines+markers",
                name=bil(f"{zh_sys} · {zh_who}（{band}）", f"{en_sys} · {en_who} ({band})"),
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
