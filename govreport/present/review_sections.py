"""The review's later sections: disclosure, assessments, vendors, sustainability, findings, articles and
the appendix (methods, thresholds, runs, notes). HTML from a review dict only; nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from . import plotly_lite as go  # plotly's JSON as dicts: the review's kernel never imports plotly
from .charts import STATUS_COLOURS, bil
from .i18n import MESSAGES
from .messages.terms import gri, term
from .notes import note_html
from .numbers import fmt_value, threshold_text
from .review_base import (
    L,
    _art,
    _date,
    _h2,
    _ind_label,
    _name,
    _tier,
    badge,
    e,
    pair,
    run_badge,
    value_text,
)
from .review_evidence import evidence_pair


def _yes(v: Any) -> str:
    return badge("green") if v else badge("red")


def disclosure(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.disclosure", "disclosure")
    rows = []
    for s in r["systems"]:
        for c in s["channels"]:
            if not c.get("customer_facing", True):
                continue
            rows.append(
                f"<tr><td>{_name(s)}</td><td>{e(c['name'])}</td><td>{_yes(c.get('ai_disclosure'))}</td>"
                f"<td>{_yes(c.get('opt_out'))}</td><td>{_yes(c.get('alternative'))} "
                f"{e(c.get('alternative') or '')}</td></tr>"
            )
    if not rows:
        return out + L("review.disclosure.none", tag="p")
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.disclosure.channel')}</th>"
        f"<th>{L('review.disclosure.ai')}</th><th>{L('review.disclosure.optout')}</th>"
        f"<th>{L('review.disclosure.alt')}</th></tr>"
    )
    gen = [
        (s, i)
        for s in r["systems"]
        for i in s["indicators"]
        if i["id"] in ("ai_disclosure_rate", "human_alternative_rate")
    ]
    extra = "".join(
        f"<tr><td>{_name(s)}</td><td>{_ind_label(i)}</td><td class='num'>{value_text(i)}</td>"
        f"<td>{badge(i['status'])}</td></tr>"
        for s, i in gen
    )
    return out + f"<table>{head}{''.join(rows)}</table>" + (f"<table>{extra}</table>" if extra else "")


def assessments(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.assessments", "assessments")
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.matrix.tier')}</th>"
        f"<th>{L('review.assess.frequency')}</th><th>{L('review.assess.golive')}</th>"
        f"<th>{L('review.assess.prelaunch')}</th><th>{L('review.assess.last')}</th>"
        f"<th>{L('review.assess.due')}</th><th>{L('review.col.status')}</th></tr>"
    )
    rows = []
    for s in r["systems"]:
        if s["state"] == "retired" or not s["prelaunch"]:
            continue
        gaps = s["prelaunch"].get("gaps", [])
        pre = (
            (badge("green") + " " + L("review.assess.complete"))
            if not gaps
            else (badge("amber") + " " + e("; ".join(gaps)))
        )
        status = (
            (badge("red") + " " + L("review.assess.overdue"))
            if s["overdue"]
            else (badge("green") + " " + L("review.assess.ontime"))
        )
        rows.append(
            f"<tr><td>{_name(s)}</td><td>{_tier(s['tier'])}</td>"
            f"<td>{L('review.assess.months', n=s['review_months'])}</td>"
            f"<td>{_date(s['prelaunch'].get('go_live'))}</td><td>{pre}</td>"
            f"<td>{e(s['last_review'] or '—')}</td><td>{_date(s['next_due'])}</td><td>{status}</td></tr>"
        )
    return out + f"<table>{head}{''.join(rows)}</table>"


_CLAUSES = ("audit_rights", "data_location", "incident_notification", "subcontracting", "exit_plan")


def missing_clauses(vendor: Mapping[str, Any]) -> list[str]:
    """The contract clauses (Art. 14) a third-party vendor's record lacks; also the Word edition's."""
    return [c for c in _CLAUSES if c not in vendor.get("contract_clauses", [])]


def clause_names(codes: Sequence[str]) -> tuple[str, str]:
    """The clauses' names from the catalogue, listed in each language ("稽核權、資料存放地點" / "audit rights,
    data location")."""
    names = [term("clause", c) for c in codes]
    return "、".join(n[0] for n in names), ", ".join(n[1] for n in names)


def vendors(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.vendors", "vendors")
    rows = []
    for s in r["systems"]:
        v = s.get("vendor")
        if not v:
            continue
        att = v.get("trace_log_attestation") or {}
        missing = missing_clauses(v)
        clauses = (
            badge("green")
            if not missing
            else (badge("amber") + " " + L("review.vendors.missing", items=clause_names(missing)))
        )
        rows.append(
            f"<tr><td>{_name(s)}</td><td>{e(v['name'])} ({e(v.get('country') or '—')})</td>"
            f"<td>{_yes(att.get('provided'))} {_date(att.get('date')) if att.get('date') else ''} "
            f"{e(att.get('document') or '')}</td><td>{clauses}</td></tr>"
        )
    if not rows:
        return out + L("review.vendors.none", tag="p")
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.vendors.vendor')}</th>"
        f"<th>{L('review.vendors.attestation')}</th><th>{L('review.vendors.clauses')}</th></tr>"
    )
    return out + f"<table>{head}{''.join(rows)}</table>"


def sustainability(r: Mapping[str, Any], link: str | None = None) -> str:
    out = _h2("review.section.sustainability", "sustainability")
    st = r.get("sustainability")
    if not st:
        return out + L("review.sustainability.none", tag="p")
    rows = []
    for x in st["rows"]:
        unit = x.get("unit", "")
        v = pair(fmt_value(x["value"], unit), fmt_value(x["value"], unit, "en"))
        target = (
            "—"
            if x.get("target") is None
            else pair(fmt_value(x["target"], unit), fmt_value(x["target"], unit, "en"))
        )
        chg = "—" if x.get("change_pct") is None else f"{100 * x['change_pct']:+.1f}%"
        rows.append(
            f"<tr><td>{pair(x['label_zh'], x['label_en'])}<br><span class='gr-muted'>GRI "
            f"{pair(*gri(x.get('gri') or ''))}</span></td><td class='num'>{v}</td><td class='num'>{chg}</td>"
            f"<td class='num'>{target}</td><td>{badge(x['status'])}</td></tr>"
        )
    head = (
        f"<tr><th>{L('review.col.indicator')}</th><th class='num'>{L('review.col.value')}</th>"
        f"<th class='num'>{L('review.col.change_prev')}</th><th class='num'>{L('review.col.target')}</th>"
        f"<th>{L('review.col.status')}</th></tr>"
    )
    more = f"<p><a href='{e(link)}'>{L('review.scorecard.reports')}</a></p>" if link else ""
    return out + f"<table id='gr-sustainability'>{head}{''.join(rows)}</table>" + more


def findings(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.findings", "findings")
    fs = r.get("findings")
    if fs is None:
        return out + L("review.findings.none", tag="p")
    if not fs:
        return out + L("review.findings.empty", tag="p")
    head = (
        f"<tr><th>{L('review.col.status')}</th><th>{L('review.col.id')}</th><th>{L('review.col.title')}</th>"
        f"<th>{L('review.col.severity')}</th><th>{L('review.col.owner')}</th><th>{L('review.col.due')}</th>"
        f"<th class='num'>{L('review.findings.age')}</th><th class='num'>{L('review.findings.overdue_days')}"
        f"</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{badge(f['indicator_status'])} {L('review.finding.status.' + f['status'])}</td>"
        f"<td>{e(f['id'])}</td><td>{pair(f['title_zh'], f['title_en'])}"
        f"{' · ' + _art(f['article']) if f.get('article') else ''}</td>"
        f"<td>{L('review.severity.' + f['severity'])}</td><td>{e(f['owner'])}</td><td>{_date(f['due'])}</td>"
        f"<td class='num'>{f['age_days']}</td><td class='num'>{f['days_overdue'] or '—'}</td></tr>"
        for f in fs
    )
    return out + f"<table id='gr-findings'>{head}{rows}</table>"


def _finding_text(f: Mapping[str, Any]) -> str:
    """A finding's bar label in both chart languages: its severity, and how long it is overdue."""
    sev = MESSAGES.get(f"review.severity.{f['severity']}", (f["severity"], f["severity"]))
    if not f["overdue"]:
        return bil(*sev)
    return bil(f"{sev[0]} · 逾期 {f['days_overdue']} 天", f"{sev[1]} · {f['days_overdue']} d overdue")


def fig_findings(r: Mapping[str, Any]) -> go.Figure | None:
    fs = [f for f in r.get("findings") or [] if f["open_at_end"]]
    if not fs:
        return None
    fig = go.Figure(
        go.Bar(
            y=[f["id"] for f in fs],
            x=[f["age_days"] for f in fs],
            orientation="h",
            marker={
                "color": [STATUS_COLOURS[f["indicator_status"]] for f in fs],
                "pattern": {
                    "shape": [
                        "x"
                        if f["indicator_status"] == "red"
                        else "/"
                        if f["indicator_status"] == "amber"
                        else ""
                        for f in fs
                    ]
                },
            },
            text=[_finding_text(f) for f in fs],
            textposition="auto",
        )
    )
    fig.update_layout(
        title={"text": bil(*MESSAGES["review.findings.chart"])},
        height=120 + 40 * len(fs),
        xaxis={"title": {"text": "天 days"}},
        yaxis={"autorange": "reversed"},
    )
    return fig


def articles(r: Mapping[str, Any]) -> str:
    names = {s["id"]: s for s in r["systems"]}
    out = _h2("review.section.articles", "articles") + L("review.articles.lead", tag="p")
    head = (
        f"<tr><th>{L('review.articles.article')}</th><th>{L('review.articles.topic')}</th>"
        f"<th>{L('review.col.status')}</th><th>{L('review.articles.evidence')}</th>"
        f"<th>{L('review.articles.missing')}</th></tr>"
    )
    rows = "".join(
        f"<tr data-article='{a['article']}' data-status='{a['status']}'><td>{_art(a['article'])}</td>"
        f"<td>{L('review.art.' + str(a['article']))}</td><td>{badge(a['status'])}</td>"
        f"<td>{'<br>'.join(evidence_pair(x, names) for x in a['evidence']) or '—'}</td>"
        f"<td>{evidence_pair(a['missing'], names) if a['missing'] else '—'}</td></tr>"
        for a in r["articles"]
    )
    return out + f"<table id='gr-articles'>{head}{rows}</table>"


def _runs(r: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    for s in r["systems"]:
        yield from s["runs"]
        yield from s["failed_runs"]
    if r.get("sustainability"):
        yield r["sustainability"]["run"]


def appendix(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.appendix", "appendix") + L("review.appendix.methods", tag="p")
    th = "".join(
        f"<tr><td>{_th_label(x['indicator'])}</td><td>{_th_rule(x)}</td></tr>"
        for x in r["thresholds"]
        if "green" in x
    )
    out += (
        f"<h3>{L('review.appendix.thresholds')}</h3><table><tr><th>{L('review.col.indicator')}</th>"
        f"<th>{L('review.col.rule')}</th></tr>{th}</table>"
    )
    names = {s["id"]: s for s in r["systems"]}
    runs = "".join(
        f"<tr><td class='num'>{x['seq']}</td><td>{_name(names.get(x['system_id'], _PORTFOLIO_NAME))}</td>"
        f"<td>{_template(x['template'])}</td><td>v{x['version']}</td><td>{run_badge(x['status'])}</td>"
        f"<td>{badge(x.get('result_status') or 'not_assessed') if x['status'] == 'succeeded' else '—'}</td>"
        f"<td class='gr-hash'>{e(x['record_hash'][:16])}…</td></tr>"
        for x in _runs(r)
    )
    out += (
        f"<h3>{L('review.appendix.runs')}</h3><table id='gr-runs'><thead><tr><th>RUN_ID</th>"
        f"<th>{L('review.col.system')}</th><th>{L('review.col.template')}</th><th>{L('review.col.version')}</th>"
        f"<th>{L('review.col.run')}</th><th>{L('review.col.result')}</th><th>{L('review.col.hash')}</th></tr>"
        f"</thead>{runs}</table>"
    )
    if r["notes"] or r["evidence_problems"]:
        items = "".join(note_html(n, "li") for n in [*r["evidence_problems"], *r["notes"]])
        out += f"<h3>{L('review.appendix.notes')}</h3><ul>{items}</ul>"
    return out


_PORTFOLIO_NAME = {"id": "_portfolio", "name_zh": "全機構", "name_en": "Whole portfolio"}
#: the unit each default threshold is read in (shares as percentages)
_UNIT = {
    "latency_p50_s": "seconds",
    "latency_p95_s": "seconds",
    "disparate_impact_ratio": "ratio",
    "proxy_cramers_v": "ratio",
    "psi": "PSI",
    "gini_relative_drop": "share",
    "auc": "ratio",
    "ks": "ratio",
    "ece": "ratio",
    "surrogate_fidelity_r2": "ratio",
    "demographic_parity_difference": "ratio",
    "equal_opportunity_difference": "ratio",
    "equalized_odds_difference": "ratio",
    "groundedness": "ratio",
}


def default_rule(x: Mapping[str, Any], lang: str = "zh-TW") -> str:
    """A default threshold of the appendix (``review.json``'s ``thresholds``) from its indicator's unit, in
    ``lang``; also the Word edition's."""
    return threshold_text(x, _UNIT.get(x["indicator"], ""), lang, x["indicator"])


def _th_rule(x: Mapping[str, Any]) -> str:
    return pair(default_rule(x), default_rule(x, "en"))


def _th_label(indicator: str) -> str:
    """An indicator's name in the appendix, from the catalogue."""
    key = f"indicator.{indicator}"
    return L(key) if key in MESSAGES else e(indicator)


def _template(name: str) -> str:
    key = f"template.{name}"
    return L(key) if key in MESSAGES else e(name)
