"""HTML building blocks the templates display: cover, status at a glance, changes, decisions, tables.

Every function takes the results (``results.json`` as a dict) and returns an HTML string; text comes from
the message catalogue (:mod:`govreport.present.i18n`), Chinese first with English beneath. Everything is
escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ..core.status import DIMENSIONS, Status
from .charts import badge
from .i18n import DIMENSION_LABELS, STATUS_LABELS, article, bi, t

__all__ = [
    "cover",
    "at_a_glance",
    "indicator_table",
    "auc_method",
    "changes",
    "decisions",
    "examples_table",
    "footer",
    "compare_statuses",
    "fmt_value",
    "fairness_sentence",
    "fairness_table",
    "key_indicators",
    "notes",
    "status_legend",
    "data_quality_table",
]

e = html.escape


def fmt_value(ind: Mapping[str, Any]) -> str:
    v = ind.get("value")
    if v is None:
        return "—"
    unit = ind.get("unit", "")
    if unit.startswith("share") or ind["id"].endswith("_rate") and 0 <= v <= 1:
        return f"{100 * v:.1f}%"
    return f"{v:,.3f}"


def _dl(rows: Iterable[tuple[str, str, str]]) -> str:
    return "".join(
        f"<dt>{e(zh)} <span class='gr-en'>{e(en)}</span></dt><dd>{val}</dd>" for zh, en, val in rows
    )


def cover(results: Mapping[str, Any], title_key: str) -> str:
    s = results["system"]
    tier_zh, tier_en = t(f"tier.{s['tier']}"), t(f"tier.{s['tier']}", "en")
    acc = s.get("accountable", {})
    owner = s.get("owner", {})
    rows = [
        (
            *_pair("cover.system"),
            f"{e(s['name_zh'])} <span class='gr-en'>{e(s['name_en'])}</span> ({e(s['id'])})",
        ),
        (*_pair("cover.period"), e(results["period"])),
        (
            *_pair("cover.tier"),
            f"{e(tier_zh)} <span class='gr-en'>{e(tier_en)}</span>"
            f" · {e(str(s.get('review_months', '')))} 個月檢視一次 / reviewed every "
            f"{e(str(s.get('review_months', '')))} months",
        ),
        (
            *_pair("cover.accountable"),
            e(" · ".join(x for x in (acc.get("name"), acc.get("role"), acc.get("committee")) if x)),
        ),
        (*_pair("cover.owner"), e(" · ".join(x for x in (owner.get("name"), owner.get("unit")) if x))),
    ]
    if s.get("vendor"):
        rows.append((*_pair("cover.vendor"), e(s["vendor"])))
    rows.append((*_pair("cover.overall"), badge(results["status"])))
    generated = results.get("generated_at", "")[:16].replace("T", " ")
    rows.append((*_pair("cover.generated"), e(generated + " UTC")))
    zh, en = t(title_key), t(title_key, "en")
    return f"<h1>{e(zh)}<br><span class='gr-en'>{e(en)}</span></h1><dl class='gr-cover'>{_dl(rows)}</dl>"


def _pair(key: str) -> tuple[str, str]:
    return t(key), t(key, "en")


def at_a_glance(results: Mapping[str, Any]) -> str:
    """The seven Art. 13 dimensions (and governance) as a row of status badges."""
    dims = results.get("dimensions", {})
    cells = []
    for d in (*DIMENSIONS, "governance", "consumer_protection"):
        if d not in dims:
            continue
        zh, en = DIMENSION_LABELS[d]
        cells.append(f"<td>{e(zh)}<br><span class='gr-en'>{e(en)}</span><br>{badge(dims[d])}</td>")
    return (
        f"<h2>{e(t('section.summary'))} <span class='gr-en'>{e(t('section.summary', 'en'))}</span></h2>"
        f"<table class='gr-glance'><tr>{''.join(cells)}</tr></table>"
    )


def indicator_table(
    results: Mapping[str, Any], ids: Iterable[str] | None = None, dimension: str | None = None
) -> str:
    """Indicators with value, status badge, threshold rule and article (optionally one dimension only)."""
    wanted = set(ids) if ids is not None else None
    rows = []
    for ind in results["indicators"]:
        if wanted is not None and ind["id"] not in wanted:
            continue
        if dimension is not None and ind["dimension"] != dimension:
            continue
        rule = (ind.get("threshold") or {}).get("rule", "—")
        rows.append(
            f"<tr><td>{e(ind['label_zh'])}<br><span class='gr-en'>{e(ind['label_en'])}</span></td>"
            f"<td class='num'>{e(fmt_value(ind))}</td><td>{badge(ind['status'])}</td>"
            f"<td>{e(rule)}</td><td>{e(article(ind['article']))}</td></tr>"
        )
    head = (
        "<tr><th>指標 Indicator</th><th class='num'>數值 Value</th><th>狀態 Status</th>"
        "<th>門檻 Threshold</th><th>條文 Article</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def compare_statuses(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Each indicator's status now and last period: improved, worsened, new or unchanged."""
    prev = {i["id"]: i for i in (previous or {}).get("indicators", [])}
    out = []
    for ind in current["indicators"]:
        before = prev.get(ind["id"])
        if before is None:
            change = "new"
        else:
            a, b = Status(before["status"]).severity, Status(ind["status"]).severity
            change = "same" if a == b else ("worsened" if b > a else "improved")
            if "not_assessed" in (before["status"], ind["status"]) and a != b:
                change = "new" if before["status"] == "not_assessed" else "worsened"
        out.append(
            {
                "id": ind["id"],
                "label_zh": ind["label_zh"],
                "label_en": ind["label_en"],
                "change": change,
                "before": before["status"] if before else None,
                "now": ind["status"],
                "value_before": before.get("value") if before else None,
                "value_now": ind.get("value"),
            }
        )
    return out


def changes(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> str:
    title = f"<h2>{e(t('section.changes'))} <span class='gr-en'>{e(t('section.changes', 'en'))}</span></h2>"
    if previous is None:
        return title + bi("change.none")
    rows = []
    order = {"worsened": 0, "new": 1, "improved": 2, "same": 3}
    for c in sorted(compare_statuses(current, previous), key=lambda c: order[c["change"]]):
        before = badge(c["before"]) if c["before"] else "—"
        arrow = {"worsened": "▼", "improved": "▲", "new": "＋", "same": "＝"}[c["change"]]
        rows.append(
            f"<tr><td>{e(c['label_zh'])}<br><span class='gr-en'>{e(c['label_en'])}</span></td>"
            f"<td>{before}</td><td>{badge(c['now'])}</td>"
            f"<td>{arrow} {e(t('change.' + c['change']))} <span class='gr-en'>"
            f"{e(t('change.' + c['change'], 'en'))}</span></td></tr>"
        )
    head = (
        f"<tr><th>指標 Indicator</th><th>上期 {e(previous['period'])}</th><th>"
        f"本期 {e(current['period'])}</th>"
        f"<th>變化 Change</th></tr>"
    )
    return f"{title}<table>{head}{''.join(rows)}</table>"


def decisions(results: Mapping[str, Any]) -> str:
    title = (
        f"<h2>{e(t('section.decisions'))} <span class='gr-en'>{e(t('section.decisions', 'en'))}</span></h2>"
    )
    reds = [i for i in results["indicators"] if i["status"] == "red"]
    ambers = [i for i in results["indicators"] if i["status"] == "amber"]
    if not reds and not ambers:
        return title + f"<div class='gr-callout gr-green'>{bi('decision.none', tag='span')}</div>"
    items = []
    for i in reds:
        rule = (i.get("threshold") or {}).get("rule", "")
        args = {"label": i["label_zh"], "label_en": i["label_en"], "value": fmt_value(i), "rule": rule}
        items.append(
            f"<li>{badge('red')} {e(t('decision.red', **args))}"
            f"<br><span class='gr-en'>{e(t('decision.red', 'en', **args))}</span></li>"
        )
    for i in ambers:
        items.append(
            f"<li>{badge('amber')} {e(i['label_zh'])}（{e(fmt_value(i))}）：持續監控，下期追蹤。"
            f"<br><span class='gr-en'>{e(i['label_en'])} ({e(fmt_value(i))}): monitor and follow up next "
            f"period.</span></li>"
        )
    cls = "gr-red" if reds else "gr-amber"
    return f"{title}<div class='gr-callout {cls}'><ul>{''.join(items)}</ul></div>"


def fairness_sentence(name: str, attr: Mapping[str, Any]) -> str:
    """One plain-language sentence per attribute on its disparate-impact ratio."""
    value = attr.get("disparate_impact_ratio")
    status = (attr.get("status") or {}).get("disparate_impact_ratio", "not_assessed")
    text_value = f"{value:.2f}" if value is not None else "—"
    zh = t("fairness.di", attr=name, value=text_value, status=STATUS_LABELS[status][0])
    en = t("fairness.di", "en", attr=name, value=text_value, status_en=STATUS_LABELS[status][1])
    reason = (attr.get("reasons") or {}).get("disparate_impact_ratio")
    extra = f"<br><span class='gr-en'>{e(reason)}</span>" if reason else ""
    return f"<p>{badge(status)} {e(zh)}<br><span class='gr-en'>{e(en)}</span>{extra}</p>"


def fairness_table(results: Mapping[str, Any]) -> str:
    """Fairness summaries of single attributes (intersections are charted; all are in the appendix)."""
    ids = [
        i["id"]
        for i in results["indicators"]
        if i["dimension"] == "fairness" and "×" not in i["id"] and ".proxy." not in i["id"]
    ]
    return indicator_table(results, ids=ids)


def key_indicators(results: Mapping[str, Any]) -> list[str]:
    """Indicators worth a trend line: single-attribute disparate impact, AUC, score PSI, Gini drop."""
    keep = []
    for ind in results["indicators"]:
        i = ind["id"]
        if (
            (i.startswith("fairness.") and i.endswith(".disparate_impact_ratio") and "×" not in i)
            or i in ("model_quality.auc", "drift.psi.score", "model_quality.ks")
            or (i.startswith("data_quality.") and i.endswith((".completeness", ".validity")))
        ):
            keep.append(i)
    return keep


def notes(results: Mapping[str, Any]) -> str:
    items = [
        *results.get("notes", []),
        *(f"{i['label_en']}: {i['note']}" for i in results["indicators"] if i.get("note")),
    ]
    if not items:
        return ""
    return (
        "<h3>說明 <span class='gr-en'>Notes</span></h3><ul>"
        + "".join(f"<li>{e(n)}</li>" for n in items)
        + "</ul>"
    )


def _dash_if_none(v: Any) -> Any:
    return "—" if v is None else v


def data_quality_table(results: Mapping[str, Any]) -> str:
    """Per contract: the five quality dimensions and the failed expectations (samples already masked)."""
    parts = []
    for name, r in (results.get("data_quality") or {}).items():
        rows = []
        for dim, info in r["dimensions"].items():
            v = info.get("value")
            shown = (
                "—"
                if v is None
                else (
                    f"{v:.0f} 天 days"
                    if dim == "freshness"
                    else f"{v:.3f}"
                    if dim == "representativeness"
                    else f"{100 * v:.2f}%"
                )
            )
            rule = (info.get("threshold") or {}).get("rule", info.get("note", "—"))
            rows.append(
                f"<tr><td>{e(dim)}</td><td class='num'>{e(shown)}</td><td>"
                f"{badge(info.get('status', 'not_assessed'))}</td>"
                f"<td>{e(rule)}</td></tr>"
            )
        failed = [x for x in r["expectations"] if not x["success"]]
        fail_rows = "".join(
            f"<tr><td>{e(str(x.get('column') or '—'))}</td><td>{e(x['type'])}</td>"
            f"<td class='num'>{e(str(_dash_if_none(x.get('unexpected_count'))))}</td>"
            f"<td>{e(', '.join(map(str, x.get('sample_unexpected') or [])))}</td></tr>"
            for x in failed
        )
        ds = r.get("dataset", {})
        parts.append(
            f"<h3>{e(name)} <span class='gr-en'>{e(str(ds.get('rows')))} rows · "
            f"{len(r['expectations'])} expectations · SHA-256 {e(str(ds.get('sha256'))[:12])}…</span></h3>"
            f"<table><tr><th>維度 Dimension</th><th class='num'>數值 Value</th><th>狀態 Status</th>"
            f"<th>門檻 Threshold</th></tr>{''.join(rows)}</table>"
            + (
                f"<table><tr><th>欄位 Column</th><th>未通過之期望 Failed expectation</th><th class='num'>"
                f"列數 Rows</th><th>樣本（已遮罩） Sample (masked)</th></tr>{fail_rows}</table>"
                if failed
                else "<p>所有期望皆通過。<span class='gr-en'>Every expectation passed.</span></p>"
            )
        )
    return (
        "".join(parts)
        or "<p>本系統未設定資料合約。<span class='gr-en'>No data contract for this system.</span></p>"
    )


def examples_table(
    examples: Mapping[str, list[Mapping[str, Any]]], labels: Mapping[str, tuple[str, str]]
) -> str:
    """Offending turns (already masked by the library) grouped by check."""
    parts = []
    for kind, rows in examples.items():
        if not rows:
            continue
        zh, en = labels.get(kind, (kind, kind))
        body = "".join(
            f"<tr><td>{e(r['conversation_id'])} #{int(r['turn'])}</td><td>{e(r['text'])}</td>"
            f"<td>{e(r['why'])}</td></tr>"
            for r in rows
        )
        parts.append(
            f"<h3>{e(zh)} <span class='gr-en'>{e(en)}</span></h3>"
            f"<table><tr><th>對話 Conversation</th><th>內容（已遮罩） Text (masked)</th><th>原因 Why</th>"
            f"</tr>{body}</table>"
        )
    return (
        "".join(parts)
        or "<p>本期無違規範例。<br><span class='gr-en'>No failing turns this period.</span></p>"
    )


def auc_method(results: Mapping[str, Any]) -> str:
    """How the AUC was computed — exact, or from binned counts on an engine with its error bound (issue
    10)."""
    st = (results.get("model_quality") or {}).get("settings") or {}
    if not st.get("auc_method"):
        return ""
    tol = st.get("auc_tolerance")
    zh = "AUC 計算方式：" + ("精確計算" if not tol else f"分箱計數（誤差上限 ±{tol:.2g}）")
    en = f"AUC method: {st['auc_method']}" + (f"; error bound ±{tol:.2g}" if tol else "")
    return f"<p class='gr-factor'>{html.escape(zh)}<br><span class='gr-en'>{html.escape(en)}</span></p>"


def status_legend() -> str:
    return (
        "<p class='gr-en'>"
        + " ".join(
            f"{badge(s)} {e(STATUS_LABELS[s][0])} / {e(STATUS_LABELS[s][1])}"
            for s in ("green", "amber", "red", "not_assessed")
        )
        + "</p>"
    )


def footer(results: Mapping[str, Any]) -> str:
    return (
        f"<div class='gr-footer'>{bi('footer', tag='span')}<br>govreport {e(results['govreport_version'])}"
        f" · {e(results['template'])} · {e(datetime.now().strftime('%Y-%m-%d'))}</div>"
    )
