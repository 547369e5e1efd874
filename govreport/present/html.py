"""HTML building blocks the templates display: cover, status at a glance, changes, decisions, tables.

Every function takes the results (``results.json`` as a dict) and returns an HTML string; text comes from
the message catalogue (:mod:`govreport.present.i18n`) in both languages, one shown at a time (the report's
language switch; Traditional Chinese by default); values and thresholds from their unit
(:mod:`govreport.present.numbers`). Everything is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.expectations import signature
from ..core.labels import relabel
from ..core.status import CONTEXT_ONLY, DIMENSIONS, Status, roll_up
from .charts import badge
from .i18n import DIMENSION_LABELS, STATUS_LABELS, article, bi, pair, t, tr
from .messages.terms import term
from .notebook_style import notebook_style
from .notes import note_html, note_texts
from .numbers import fmt_number, fmt_share, fmt_time, threshold_text
from .numbers import fmt_value as _fmt_value
from .review_base import lang_switch
from .validation import sentence, validation_links
from .withheld import withheld_reason, withheld_value

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

#: how far a value may move, as a share of its green line, before "changes" lists it without a status change
CHANGE_SHOWN = 0.10


def fmt_value(ind: Mapping[str, Any], lang: str = "zh-TW") -> str:
    """An indicator's value from its unit in ``lang`` (shares as percentages)."""
    return _fmt_value(ind.get("value"), ind.get("unit", ""), lang, ind.get("id", ""))


def _value(ind: Mapping[str, Any]) -> str:
    zh, en = fmt_value(ind), fmt_value(ind, "en")
    return e(zh) if zh == en else pair(zh, en)


def _rule(ind: Mapping[str, Any]) -> str:
    th = ind.get("threshold")
    if not th:
        return "—"
    if th.get("green") is None:
        return e(th.get("rule", "—"))
    u, i = ind.get("unit", ""), ind.get("id", "")
    return pair(threshold_text(th, u, "zh-TW", i), threshold_text(th, u, "en", i))


def _line(ind: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> str:
    """ "label: value (threshold)" in each language's punctuation."""
    th = ind.get("threshold") or {}
    u, i = ind.get("unit", ""), ind.get("id", "")
    rule_zh = threshold_text(th, u, "zh-TW", i) if th.get("green") is not None else th.get("rule", "—")
    rule_en = threshold_text(th, u, "en", i) if th.get("green") is not None else th.get("rule", "—")
    lz, le = relabel(ind, labels)
    zh = f"{lz}：{fmt_value(ind)}（{rule_zh}）"
    en = f"{le}: {fmt_value(ind, 'en')} ({rule_en})"
    return pair(zh, en)


def _label(ind: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> str:
    return pair(*relabel(ind, labels))


def _art(n: Any) -> str:
    return pair(article(int(n)), article(int(n), "en")) if n else "—"


def _h(key: str, level: int = 2) -> str:
    return f"<h{level}>{tr(key)}</h{level}>"


def _dl(rows: Iterable[tuple[str, str, str]]) -> str:
    return "".join(f"<dt>{pair(zh, en)}</dt><dd>{val}</dd>" for zh, en, val in rows)


def cover(results: Mapping[str, Any], title_key: str, tz: str | None = None) -> str:
    """Title, system, period, tier, owners, overall status and when it was made (in the workspace's zone)."""
    s = results["system"]
    acc = s.get("accountable", {})
    owner = s.get("owner", {})
    months = s.get("review_months", "")
    rows = [
        (*_pair("cover.system"), pair(s["name_zh"], s["name_en"])),
        (*_pair("cover.period"), e(results["period"])),
        (
            *_pair("cover.tier"),
            tr("report.tier_months", tier=(t(f"tier.{s['tier']}"), t(f"tier.{s['tier']}", "en")), n=months)
            if months
            else tr(f"tier.{s['tier']}"),
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
    when = results.get("generated_at")
    tz = tz or results.get("timezone")  # the workspace's, recorded in results.json
    rows.append((*_pair("cover.generated"), pair(fmt_time(when, "zh-TW", tz), fmt_time(when, "en", tz))))
    # the cover carries the house style of govreport's classes, for the outputs inside JupyterLab
    return notebook_style() + f"{lang_switch()}<h1>{tr(title_key)}</h1><dl class='gr-cover'>{_dl(rows)}</dl>"


def _pair(key: str) -> tuple[str, str]:
    return t(key), t(key, "en")


def at_a_glance(results: Mapping[str, Any]) -> str:
    """The seven Art. 13 dimensions (and governance) as a row of status badges; a dimension not assessed
    says why (data quality without a data-contract run: "no data contract", drift beneath as context)."""
    dims = results.get("dimensions", {})
    _, reasons = roll_up(results.get("indicators", []))
    cells = []
    for d in (*DIMENSIONS, "governance", "consumer_protection"):
        if d not in dims:
            continue
        why = ""
        if dims[d] == "not_assessed" and reasons.get(d) == "no_contract":
            why = f"<br><span class='gr-muted'>{tr('report.no_contract.short')}</span>"
        cells.append(f"<td>{pair(*DIMENSION_LABELS[d])}<br>{badge(dims[d])}{why}</td>")
    return (
        _h("section.summary")
        + f"<div class='gr-scroll'><table class='gr-glance'><tr>{''.join(cells)}</tr></table></div>"
    )


def indicator_table(
    results: Mapping[str, Any], ids: Iterable[str] | None = None, dimension: str | None = None
) -> str:
    """Indicators with value, status badge, threshold (from the unit, in the page's language) and article."""
    wanted = set(ids) if ids is not None else None
    rows = []
    for ind in results["indicators"]:
        if wanted is not None and ind["id"] not in wanted:
            continue
        if dimension is not None and ind["dimension"] != dimension:
            continue
        context = (
            f" <span class='gr-muted'>{tr('report.context_only')}</span>" if ind["id"] in CONTEXT_ONLY else ""
        )
        value, status = _value(ind), badge(ind["status"])
        held = (ind.get("details") or {}).get("withheld")
        if held:  # withheld for a small group: its value, "not judged", and which group fell short
            why = withheld_reason((ind.get("details") or {}).get("attribute", ""), held, results)
            value, status = withheld_value(held), f"{status}<br><span class='gr-muted'>{why}</span>"
        rows.append(
            f"<tr><td>{_label(ind, results.get('labels'))}{context}</td><td class='num'>{value}</td>"
            f"<td>{status}</td>"
            f"<td>{_rule(ind)}</td><td>{_art(ind.get('article'))}</td></tr>"
        )
    head = _head("indicator", "value", "status", "rule", "article")
    return f"<div class='gr-scroll'><table><thead>{head}</thead>{''.join(rows)}</table></div>"


def _head(*cols: str) -> str:
    return (
        "<tr>"
        + "".join(f"<th{' class=num' if c == 'value' else ''}>{tr('report.col.' + c)}</th>" for c in cols)
        + "</tr>"
    )


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


def _moved(c: Mapping[str, Any], green: float | None) -> bool:
    """Whether a value moved by more than :data:`CHANGE_SHOWN` of its green line (or of itself)."""
    a, b = c.get("value_before"), c.get("value_now")
    if a is None or b is None:
        return False
    scale = abs(green) if green else max(abs(a), abs(b))
    return scale > 0 and abs(b - a) > CHANGE_SHOWN * scale


def changes(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> str:
    """What moved across a status boundary, or by more than :data:`CHANGE_SHOWN` of its green line; the rest
    in one line."""
    title = _h("section.changes")
    if previous is None:
        return title + bi("change.none")
    green = {i["id"]: (i.get("threshold") or {}).get("green") for i in current["indicators"]}
    units = {i["id"]: i for i in current["indicators"]}
    order = {"worsened": 0, "new": 1, "improved": 2, "same": 3}
    all_changes = compare_statuses(current, previous)
    shown = [
        c
        for c in all_changes
        if c["change"] in ("worsened", "improved")
        or (c["change"] == "same" and _moved(c, green.get(c["id"])))
    ]
    rows = []
    for c in sorted(shown, key=lambda c: order[c["change"]]):
        before = badge(c["before"]) if c["before"] else "—"
        arrow = {"worsened": "▼", "improved": "▲", "new": "＋", "same": "＝"}[c["change"]]
        ind = units[c["id"]]
        vb = {**ind, "value": c["value_before"]}
        rows.append(
            f"<tr><td>{_label(c, current.get('labels'))}</td><td>{before} {_value(vb)}</td>"
            f"<td>{badge(c['now'])} {_value(ind)}</td>"
            f"<td>{arrow} {tr('change.' + c['change'])}</td></tr>"
        )
    rest = len(all_changes) - len(shown)
    head = (
        f"<thead><tr><th>{tr('report.col.indicator')}</th>"
        f"<th>{tr('report.col.before')} {e(previous['period'])}</th>"
        f"<th>{tr('report.col.now')} {e(current['period'])}</th>"
        f"<th>{tr('report.col.change')}</th></tr></thead>"
    )
    table = f"<div class='gr-scroll'><table>{head}{''.join(rows)}</table></div>" if rows else ""
    pct = f"{100 * CHANGE_SHOWN:.0f}%"
    return title + table + bi("report.changes.rest", n=rest, pct=pct)


def decisions(results: Mapping[str, Any]) -> str:
    """One line per dimension with a problem (not per indicator): the worst status, the indicators behind it
    with value and threshold, and what management is asked to do."""
    title = _h("section.decisions")
    by_dim: dict[str, list[Mapping[str, Any]]] = {}
    for i in results["indicators"]:
        if i["status"] in ("red", "amber") and i["id"] not in CONTEXT_ONLY:
            by_dim.setdefault(i["dimension"], []).append(i)
    if not by_dim:
        return title + f"<div class='gr-callout gr-green'>{bi('decision.none', tag='span')}</div>"
    items = []
    worst_red = False
    for d, inds in sorted(
        by_dim.items(), key=lambda kv: (not any(i["status"] == "red" for i in kv[1]), kv[0])
    ):
        red = any(i["status"] == "red" for i in inds)
        worst_red |= red
        inds = sorted(inds, key=lambda i: (i["status"] != "red", i["id"]))
        listed = "".join(f"<li>{badge(i['status'])} {_line(i, results.get('labels'))}</li>" for i in inds[:5])
        more = bi("report.decision.more", tag="li", n=len(inds) - 5) if len(inds) > 5 else ""
        items.append(
            f"<li>{badge('red' if red else 'amber')} <b>{pair(*DIMENSION_LABELS.get(d, (d, d)))}</b>"
            f"{pair('：', ': ')}"
            f"{tr('report.decision.red' if red else 'report.decision.amber')}<ul>{listed}{more}</ul></li>"
        )
    cls = "gr-red" if worst_red else "gr-amber"
    return f"{title}<div class='gr-callout {cls}'><ul>{''.join(items)}</ul></div>"


def fairness_sentence(
    name: str | tuple[str, str],
    attr: Mapping[str, Any],
    labels: Mapping[str, Any] | None = None,
    results: Mapping[str, Any] | None = None,
) -> str:
    """One plain-language sentence per attribute on its disparate-impact ratio, naming the groups that set it
    (highest and lowest approval rate, each with its n) and the groups left out (too few rows to judge)."""
    from .labels import attr_name, group_name, sort_groups

    column = name if isinstance(name, str) else None
    zname, ename = attr_name(column, labels) if column else name
    value = attr.get("disparate_impact_ratio")
    status = (attr.get("status") or {}).get("disparate_impact_ratio", "not_assessed")
    held = (attr.get("withheld") or {}).get("disparate_impact_ratio")
    text_value = fmt_number(value) if value is not None else "—"
    zh = t("fairness.di", attr=zname, value=text_value, status=STATUS_LABELS[status][0])
    en = t("fairness.di", "en", attr=ename, value=text_value, status_en=STATUS_LABELS[status][1])
    groups = attr.get("groups") or {}
    ext = (attr.get("extremes") or {}).get("disparate_impact_ratio") or {}
    parts = []
    if ext.get("max") in groups and ext.get("min") in groups:
        hi, lo = groups[ext["max"]], groups[ext["min"]]
        hz, he = group_name(column or "", ext["max"], labels)
        lz, le = group_name(column or "", ext["min"], labels)
        parts.append(
            pair(
                f"由最高之{hz}（n={hi.get('n', 0):,}，{fmt_share(hi.get('selection_rate'))}）與最低之{lz}"
                f"（n={lo.get('n', 0):,}，{fmt_share(lo.get('selection_rate'))}）決定。",
                f"Set by the highest, {he} (n={hi.get('n', 0):,}, {fmt_share(hi.get('selection_rate'))}), "
                "and the "
                f"lowest, {le} (n={lo.get('n', 0):,}, {fmt_share(lo.get('selection_rate'))}).",
            )
        )
    left = [(g, groups[g]) for g in sort_groups(groups) if not groups[g].get("judged", True)]
    if left:
        lz = "、".join(f"{group_name(column or '', g, labels)[0]}（n={x.get('n', 0):,}）" for g, x in left)
        le = ", ".join(f"{group_name(column or '', g, labels)[1]} (n={x.get('n', 0):,})" for g, x in left)
        parts.append(pair(f"未納入判定（樣本太少）：{lz}。", f"Left out (too few rows to judge): {le}."))
    reason = (attr.get("reasons") or {}).get("disparate_impact_ratio")
    extra = f"<br><span class='gr-muted'>{note_html(reason)}</span>" if reason else ""
    if held:  # the computed value, not judged, and the group that fell short
        why = withheld_reason(column or "", held, results if results is not None else {"labels": labels})
        extra = f"<br>{withheld_value(held)} <span class='gr-muted'>{why}</span>"
    basis = f"<br><span class='gr-muted'>{' '.join(parts)}</span>" if parts else ""
    return f"<p>{badge(status)} {pair(zh, en)}{basis}{extra}</p>"


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
    """The run's notes, each in the reader's language from the catalogue (:mod:`govreport.present.notes`;
    one the catalogue does not know prints as recorded, in English)."""
    items = [note_html(n, "li") for n in results.get("notes", [])]
    for i in results["indicators"]:
        if i.get("note"):
            zh, en = note_texts(i["note"])
            label = (i.get("label_zh") or i["id"], i.get("label_en") or i["id"])
            if zh == en:  # not in the catalogue: the recorded English, marked so
                items.append(f"<li>{pair(*label)}: <span lang='en'>{e(en)}</span></li>")
            else:
                items.append(pair(f"{label[0]}：{zh}", f"{label[1]}: {en}", "li"))
    if not items:
        return ""
    return f"<h3>{tr('report.notes')}</h3><ul class='gr-notes'>" + "".join(items) + "</ul>"


def _unexpected_examples(x: Mapping[str, Any]) -> str:
    """Examples of unexpected values (masked when recorded), only when there are unexpected rows."""
    return ", ".join(map(str, x.get("sample_unexpected") or [])) if x.get("unexpected_count") else "—"


def data_quality_table(results: Mapping[str, Any]) -> str:
    """Per contract: the five quality dimensions and the failed expectations (samples already masked). With
    no data contract: "not assessed — no data contract", and the feature drift beneath as context."""
    parts = []
    for name, r in (results.get("data_quality") or {}).items():
        rows = []
        for dim, info in r["dimensions"].items():
            unit = "days" if dim == "freshness" else "PSI" if dim == "representativeness" else "share"
            ind = {"id": dim, "value": info.get("value"), "unit": unit, "threshold": info.get("threshold")}
            rule = (
                _rule(ind) if info.get("threshold") else note_html(info["note"]) if info.get("note") else "—"
            )
            rows.append(
                f"<tr><td>{pair(*term('dq.dim', dim))}</td><td class='num'>{_value(ind)}</td>"
                f"<td>{badge(info.get('status', 'not_assessed'))}</td><td>{rule}</td></tr>"
            )
        failed = [x for x in r["expectations"] if not x["success"]]
        cl = r.get("column_labels") or {}
        fail_rows = "".join(  # a sentence naming columns by their labels, the suite signature beneath
            f"<tr><td>{pair(sentence(x, 'zh-TW', cl), sentence(x, 'en', cl))}"
            f"<br><code class='gr-muted'>{e(signature(x))}</code></td>"
            f"<td class='num'>{e(fmt_number(x.get('unexpected_count')))}</td>"
            f"<td>{e(_unexpected_examples(x))}</td></tr>"
            for x in failed
        )
        ds = r.get("dataset", {})
        sub = tr("report.dq.dataset", rows=fmt_number(ds.get("rows")), n=fmt_number(len(r["expectations"])))
        parts.append(
            f"<h3>{e(name)} <span class='gr-muted'>{sub} · SHA-256 "
            f"{e(str(ds.get('sha256'))[:12])}…</span></h3>"
            f"<div class='gr-scroll'><table><thead>{_head('dimension', 'value', 'status', 'rule')}</thead>"
            f"{''.join(rows)}</table></div>"
            + validation_links(name)
            + (
                "<div class='gr-scroll'><table><thead>"
                f"{_head('failed_expectation', 'unexpected_rows', 'unexpected_sample')}</thead>"
                f"{fail_rows}</table></div>"
                if failed
                else bi("report.dq.passed")
            )
        )
    if parts:
        return "".join(parts)
    drift = [i for i in results.get("indicators", []) if i["id"] in CONTEXT_ONLY]
    context = indicator_table(results, ids=[i["id"] for i in drift]) if drift else ""
    return f"<p>{badge('not_assessed')} {tr('report.no_contract')}</p>" + context


def examples_table(
    examples: Mapping[str, list[Mapping[str, Any]]], labels: Mapping[str, tuple[str, str]]
) -> str:
    """Offending turns (already masked by the library) grouped by check; quoted text keeps its language."""
    parts = []
    for kind, rows in examples.items():
        if not rows:
            continue
        zh, en = labels.get(kind, (kind, kind))
        body = "".join(
            f"<tr><td>{e(r['conversation_id'])} #{int(r['turn'])}</td><td lang='{quoted_lang(r['text'])}' "
            f"class='gr-quote'>{e(r['text'])}</td><td>{note_html(r['why'])}</td></tr>"
            for r in rows
        )
        parts.append(
            f"<h3>{pair(zh, en)}</h3>"
            "<div class='gr-scroll'><table><thead>"
            f"{_head('conversation', 'text', 'why')}</thead>{body}</table></div>"
        )
    return "".join(parts) or bi("report.examples.none")


def quoted_lang(text: str) -> str:
    """The language of quoted customer or assistant text (it keeps its own: marked so, not translated)."""
    return "zh-TW" if any("\u3400" <= c <= "\u9fff" for c in str(text)) else "en"


def auc_method(results: Mapping[str, Any]) -> str:
    """How the AUC was computed — exact, or from binned counts on an engine with its error bound
    (issue 10)."""
    st = (results.get("model_quality") or {}).get("settings") or {}
    if not st.get("auc_method"):
        return ""
    tol = st.get("auc_tolerance")
    zh = "AUC 計算方式：" + ("精確計算" if not tol else f"分箱計數（誤差上限 ±{tol:.2g}）")
    en = f"AUC method: {st['auc_method']}" + (f"; error bound ±{tol:.2g}" if tol else "")
    return f"<p class='gr-factor'>{pair(zh, en)}</p>"


def status_legend() -> str:
    return (
        "<p class='gr-muted'>"
        + " ".join(f"{badge(s)} {pair(*STATUS_LABELS[s])}" for s in ("green", "amber", "red", "not_assessed"))
        + "</p>"
    )


def footer(results: Mapping[str, Any], tz: str | None = None) -> str:
    when = results.get("generated_at")
    tz = tz or results.get("timezone")  # the workspace's, recorded in results.json
    return (
        f"<div class='gr-footer'>{bi('footer', tag='span')}<br>govreport {e(results['govreport_version'])}"
        f" · {e(results['template'])} · {pair(fmt_time(when, 'zh-TW', tz), fmt_time(when, 'en', tz))}</div>"
    )
