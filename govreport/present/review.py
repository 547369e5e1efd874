"""HTML building blocks of the periodic review report, from a review dict (``review.json``).

Every piece of text comes from the message catalogue (:mod:`govreport.present.i18n`) in both languages: each
label is emitted twice, ``<span class="gr-l-zh" lang="zh-TW">`` and ``<span class="gr-l-en" lang="en">``,
and the report's language switch (or ``#en`` in the address) chooses which one shows; Traditional Chinese
is the default. Numbers and dates are formatted per language. Nothing here reads the evidence store or
computes an indicator: the notebook passes the review built by :mod:`govreport.assessments.review`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.status import DIMENSIONS
from . import plotly_lite as go  # plotly's JSON as dicts: the review's kernel never imports plotly
from .charts import STATUS_COLOURS
from .i18n import DIMENSION_LABELS, MESSAGES, fmt_date
from .notes import note_html
from .numbers import fmt_number, fmt_time
from .review_base import (
    CHANGE_TEXT,
    STATUS_TEXT,
    L,
    _art,
    _h2,
    _ind_label,
    _name,
    _pair,
    _tier,
    badge,
    e,
    lang_switch,
    rule_pair,
    value_pair,
    value_text,
)
from .review_sections import (
    appendix,
    articles,
    assessments,
    disclosure,
    fig_findings,
    findings,
    missing_clauses,
    sustainability,
    vendors,
)

__all__ = [
    "L",
    "lang_switch",
    "cover",
    "signoff",
    "recorded_signoffs",
    "SIGNOFFS_START",
    "SIGNOFFS_END",
    "summary",
    "matrix",
    "basis",
    "top_risks",
    "decisions",
    "changes",
    "trends_table",
    "inventory_changes",
    "scorecards",
    "disclosure",
    "assessments",
    "vendors",
    "sustainability",
    "findings",
    "articles",
    "appendix",
    "fig_status_history",
    "fig_findings",
    "sparkline",
    "value_text",
    "decision_kwargs",
    "missing_clauses",
    "STATUS_TEXT",
    "CHANGE_TEXT",
]


def cover(r: Mapping[str, Any]) -> str:
    bad = len(r["evidence_problems"])
    rows = [
        ("review.cover.bank", _pair(r["bank_zh"], r["bank_en"])),
        (
            "review.cover.period",
            _pair(
                f"{r['period']}（{fmt_date(r['period_start'])}至{fmt_date(r['period_end'])}）",
                f"{r['period']} ({fmt_date(r['period_start'], 'en')} – {fmt_date(r['period_end'], 'en')})",
            ),
        ),
        (
            "review.cover.norms",
            _pair(
                r["norms_version"],
                "TBA 'Operational norms for financial institutions using AI technology' (amended 2025-05-29)",
            ),
        ),
        ("review.cover.preparer", e(r["preparer"] or "—")),
        ("review.cover.generated", _time(r, r["generated_at"]) + f" · govreport {e(r['govreport_version'])}"),
        ("review.cover.overall", badge(r["overall"])),
        (
            "review.cover.evidence",
            (badge("green") + " " + L("review.cover.evidence.ok"))
            if not bad
            else (badge("red") + " " + L("review.cover.evidence.bad", n=bad)),
        ),
    ]
    head = r.get("evidence_head") or {}
    if head:
        rows.append(
            (
                "review.cover.head",
                '<span class="gr-hash">'
                + L("review.cover.head.value", seq=head.get("seq"), hash=head.get("record_hash", ""))
                + "</span>",
            )
        )
        fp = head.get("key_fingerprint")
        rows.append(
            (
                "review.cover.key",
                f'<span class="gr-hash">SHA256:{e(fp)}</span>' if fp else L("review.cover.key.none"),
            )
        )
    dl = "".join(f"<dt>{L(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        lang_switch() + f"<h1>{L('review.title')}</h1><p class='gr-muted'>{L('review.subtitle')}</p>"
        f'<dl class="gr-cover">{dl}</dl>'
    )


def signoff(r: Mapping[str, Any]) -> str:
    committees = "、".join(r["committees"]) or "—"
    head = (
        f"<tr><th>{L('review.signoff.role')}</th><th>{L('review.signoff.name')}</th>"
        f"<th>{L('review.signoff.opinion')}</th><th>{L('review.signoff.date')}</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{L(k)}</td><td></td><td></td><td></td></tr>"
        for k in ("review.signoff.infosec", "review.signoff.compliance", "review.signoff.risk")
    )
    rows += f"<tr><td>{L('review.signoff.accountable', name=committees)}</td><td></td><td></td><td></td></tr>"
    return (
        _h2("review.signoff", "signoff")
        + L("review.signoff.lead", tag="p")
        + f'<table class="gr-signoff">{head}{rows}</table>'
        + recorded_signoffs(r.get("signoffs") or [], r.get("timezone"))
    )


#: Marks the recorded sign-offs in a review, so that `govreport publish --pdf` prints the ones recorded since.
SIGNOFFS_START, SIGNOFFS_END = "<!--govreport:signoffs-->", "<!--/govreport:signoffs-->"


def _time(r: Mapping[str, Any], value: Any) -> str:
    """A time in the workspace's time zone (the review's ``timezone``), in both languages."""
    tz = r.get("timezone")
    return _pair(fmt_time(value, "zh-TW", tz), fmt_time(value, "en", tz))


def recorded_signoffs(signoffs: Sequence[Mapping[str, Any]], tz: str | None = None) -> str:
    """The recorded sign-offs (govreport.evidence.signoff.signoffs_for), each current or stale, between the
    markers; times in the workspace's time zone ``tz``."""
    from ..data.masking import mask_text

    role = {
        "infosec": "review.signoff.infosec",
        "compliance": "review.signoff.compliance",
        "risk": "review.signoff.risk",
        "committee": "review.signoff.committee",
    }
    head = "".join(
        f"<th>{L(k)}</th>"
        for k in (
            "review.signoff.role",
            "review.signoff.name",
            "review.signoff.opinion",
            "review.signoff.time",
            "review.signoff.status",
        )
    )
    rows = "".join(
        f'<tr data-signoff="{e(str(s.get("seq")))}" data-stale="{str(bool(s.get("stale"))).lower()}">'
        f"<td>{L(role[s['role']]) if s.get('role') in role else e(str(s.get('role')))}</td>"
        f"<td>{e(mask_text(str(s.get('name') or '')))}</td><td>"
        f"{e(mask_text(str(s.get('opinion') or '')))}</td>"
        f"<td>{_time({'timezone': tz}, s.get('time'))} · RUN_ID {e(str(s.get('seq')))}</td>"
        f"<td>{L('review.signoff.' + ('stale' if s.get('stale') else 'current'), v=s.get('review_version'))}"
        f"</td></tr>"
        for s in signoffs
    )
    body = (
        f'<table class="gr-signoff gr-signoff-recorded">{head}{rows}</table>'
        if signoffs
        else L("review.signoff.none", tag="p")
    )
    return (
        SIGNOFFS_START
        + f'<div class="gr-signoffs"><h3>{L("review.signoff.recorded")}</h3>'
        + L("review.signoff.recorded.lead", tag="p")
        + body
        + "</div>"
        + SIGNOFFS_END
    )


def summary(r: Mapping[str, Any]) -> str:
    c = dict.fromkeys(STATUS_TEXT, 0)
    for row in r["matrix"].values():
        for v in row.values():
            c[v] += 1
    lead = L(
        "review.summary.lead",
        tag="p",
        n=len(r["matrix"]),
        green=c["green"],
        amber=c["amber"],
        red=c["red"],
        na=c["not_assessed"],
        failed=c["failed"],
    )
    return _h2("review.section.summary", "summary") + f'<div class="gr-big">{lead}</div>'


def matrix(r: Mapping[str, Any]) -> str:
    """Systems × the seven dimensions; every cell that is not green links to its row in :func:`basis`."""
    systems = {s["id"]: s for s in r["systems"]}
    head = (
        f"<thead><tr><th>{L('review.matrix.system')}</th><th>{L('review.matrix.tier')}</th>"
        + "".join(f"<th>{_pair(*DIMENSION_LABELS[d])}</th>" for d in DIMENSIONS)
        + "</tr></thead>"
    )
    rows = []
    for sid, row in r["matrix"].items():
        s = systems[sid]
        cells = []
        for d in DIMENSIONS:
            b = badge(row[d])
            if row[d] != "green":
                b = f'<a href="#{_why_id(sid, d)}" class="gr-why-link">{b}</a>'
            cells.append(f'<td data-dimension="{d}" data-status="{row[d]}">{b}</td>')
        rows.append(
            f'<tr data-system="{e(sid)}"><th scope="row" class="gr-name">{_name(s)}</th>'
            f"<td>{_tier(s['tier'])}</td>{''.join(cells)}</tr>"
        )
    return (
        f"<h3>{L('review.section.matrix')}</h3>"
        f'<div class="gr-scroll"><table class="gr-matrix" id="gr-matrix">{head}{"".join(rows)}</table></div>'
        + L("review.matrix.note", tag="p")
        + basis(r)
    )


def _why_id(sid: str, dim: str) -> str:
    return f"why-{e(sid)}-{dim}"


def basis(r: Mapping[str, Any]) -> str:
    """Every cell of the matrix that is not green, with the indicator(s) behind it: value, threshold, system,
    article — or, for a cell not assessed, the reason and what was measured as context."""
    rows = []
    for sid, row in r["matrix"].items():
        s = next(x for x in r["systems"] if x["id"] == sid)
        by_id = {}
        for i in s.get("indicators", []):
            by_id.setdefault(i["id"], i)
        for d in DIMENSIONS:
            st = row[d]
            if st == "green":
                continue
            info = (s.get("basis") or {}).get(d) or {"status": st, "reason": "no_evidence", "indicators": []}
            inds = [by_id[x] for x in info.get("indicators", []) if x in by_id]
            body = []
            if info.get("reason"):
                reason = s.get("reason") if info["reason"] == "failed" else ""
                body.append(
                    f"<td colspan='4'>{L('review.basis.reason.' + info['reason'])}"
                    + (f" {note_html(reason)}" if reason else "")
                    + "</td></tr>"
                )
            for i in inds:
                body.append(
                    f"<td>{_ind_label(i)}"
                    + (f" {badge(i['status'])}" if info.get("reason") else "")
                    + f"</td><td class='num'>{value_pair(i)}</td><td>{rule_pair(i)}</td>"
                    f"<td>{_art(int(i['article'])) if i.get('article') else '—'}</td></tr>"
                )
            if not body:
                body.append(f"<td colspan='4'>{L('review.basis.reason.no_evidence')}</td></tr>")
            lead = f'<td rowspan="{len(body)}" class="gr-name">'
            first = (
                f'<tr id="{_why_id(sid, d)}" data-system="{e(sid)}" data-dimension="{d}">'
                f"{lead}{_name(s)}</td>{lead}{_pair(*DIMENSION_LABELS[d])}</td>{lead}{badge(st)}</td>"
            )
            rows.append(first + body[0] + "".join(f'<tr data-cell="{_why_id(sid, d)}">{x}' for x in body[1:]))
    if not rows:
        return ""
    head = (
        f"<thead><tr><th>{L('review.col.system')}</th><th>{L('review.col.dimension')}</th>"
        f"<th>{L('review.col.status')}</th><th>{L('review.col.indicator')}</th>"
        f"<th class='num'>{L('review.col.value')}</th><th>{L('review.col.rule')}</th>"
        f"<th>{L('review.col.article')}</th></tr></thead>"
    )
    return (
        f"<h3 id='why'>{L('review.section.basis')}</h3>"
        + L("review.basis.lead", tag="p")
        + f"<div class='gr-scroll'><table id='gr-basis' class='gr-basis'>{head}{''.join(rows)}</table></div>"
    )


def top_risks(r: Mapping[str, Any]) -> str:
    out = f"<h3>{L('review.section.risks')}</h3>"
    if not r["top_risks"]:
        return out + L("review.risks.none", tag="p")
    rows = "".join(
        f"<tr><td>{badge(x['status'])}</td><td class='gr-name'>{_name(x)}</td><td>{_ind_label(x)}</td>"
        f"<td class='num'>{value_pair(x)}</td>"
        f"<td>{rule_pair(x) if x['id'] != 'run' else e(x['rule'])}</td></tr>"
        for x in r["top_risks"]
    )
    head = (
        f"<thead><tr><th>{L('review.col.status')}</th><th>{L('review.col.system')}</th>"
        f"<th>{L('review.col.indicator')}</th><th class='num'>{L('review.col.value')}</th>"
        f"<th>{L('review.col.rule')}</th></tr></thead>"
    )
    return out + f"<div class='gr-scroll'><table>{head}{rows}</table></div>"


def _dims(ds: Sequence[str]) -> tuple[str, str]:
    return (
        "、".join(DIMENSION_LABELS[d][0] for d in ds),
        ", ".join(DIMENSION_LABELS[d][1].lower() for d in ds),
    )


def decision_kwargs(d: Mapping[str, Any], systems: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The catalogue arguments of decision ``d`` ((zh, en) pairs where the text differs by language)."""
    kw: dict[str, Any] = {}
    if "system" in d:
        s = systems.get(d["system"], {})
        kw["name"] = (s.get("name_zh", d["system"]), s.get("name_en", d["system"]))
    if "dimensions" in d:
        kw["dims"] = _dims(d["dimensions"])
    if "systems" in d:
        names = [systems.get(x, {}) for x in d["systems"]]
        kw["systems"] = (
            "、".join(n.get("name_zh") or x for n, x in zip(names, d["systems"], strict=True)),
            ", ".join(n.get("name_en") or x for n, x in zip(names, d["systems"], strict=True)),
        )
    if "due" in d:
        kw["due"] = (fmt_date(d["due"]), fmt_date(d["due"], "en"))
    for k in ("reason", "finding", "days", "problems"):
        if k in d:
            kw[k] = d[k]
    return kw


def decisions(r: Mapping[str, Any]) -> str:
    out = f"<h3>{L('review.section.decisions')}</h3>"
    if not r["decisions"]:
        return out + f"<div class='gr-callout gr-green'>{L('review.decisions.none')}</div>"
    systems = {s["id"]: s for s in r["systems"]}
    items = [f"<li>{L(d['key'], **decision_kwargs(d, systems))}</li>" for d in r["decisions"]]
    return out + f"<div class='gr-callout gr-red'><ol>{''.join(items)}</ol></div>"


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
    table = f"<table id='gr-changes'>{head}{rows}</table>" if shown else ""
    return out + table + L("review.changes.unchanged", tag="p", n=n["same"])


def sparkline(points: Sequence[Sequence[Any]], width: int = 120, height: int = 28) -> str:
    """An inline SVG sparkline of (period, value, status) points; the last point marked with its status."""
    vals = [(i, p[1]) for i, p in enumerate(points) if p[1] is not None]
    if not vals:
        return "—"
    lo, hi = min(v for _, v in vals), max(v for _, v in vals)
    span = (hi - lo) or 1.0
    n = max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return 4 + (width - 8) * i / n, height - 4 - (height - 8) * (v - lo) / span

    path = " ".join(
        f"{'M' if k == 0 else 'L'}{x:.1f},{y:.1f}" for k, (x, y) in enumerate(xy(i, v) for i, v in vals)
    )
    li, lv = vals[-1]
    lx, ly = xy(li, lv)
    colour = STATUS_COLOURS.get(points[li][2] or "not_assessed", STATUS_COLOURS["not_assessed"])
    title = " · ".join(f"{p[0]}: {fmt_number(p[1])}" for p in points if p[1] is not None)
    return (
        f'<svg class="gr-spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{e(title)}</title><path d='{path}' fill='none' stroke='#52606d' stroke-width='1.5'/>"
        f"<circle cx='{lx:.1f}' cy='{ly:.1f}' r='3.5' fill='{colour}'/></svg>"
    )


def trends_table(r: Mapping[str, Any]) -> str:
    out = f"<h3>{L('review.section.trends')}</h3>" + L("review.trends.lead", tag="p")
    systems = {s["id"]: s for s in r["systems"]}
    labels = {(s["id"], i["id"]): i for s in r["systems"] for i in s["indicators"]}
    rows = []
    for sid, series in r["trends"].items():
        s = systems.get(sid, {"id": sid})
        for iid, pts in series.items():
            i = labels.get((sid, iid), {"id": iid, "label_zh": iid, "label_en": iid})
            last = pts[-1]
            rows.append(
                f"<tr><td>{_name(s)}</td><td>{_ind_label(i)}</td><td>{sparkline(pts)}</td>"
                f"<td class='num'>{fmt_number(last[1])}</td><td>{badge(last[2] or 'not_assessed')}</td>"
                f"<td class='gr-muted'>{e(pts[0][0])}–{e(last[0])}</td></tr>"
            )
    if not rows:
        return out
    head = (
        f"<tr><th>{L('review.col.system')}</th><th>{L('review.col.indicator')}</th><th></th>"
        f"<th class='num'>{L('review.col.now')}</th><th>{L('review.col.status')}</th><th></th></tr>"
    )
    return out + f"<table id='gr-trends'>{head}{''.join(rows)}</table>"


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


def inventory_changes(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.inventory", "inventory")
    ic = r["inventory_changes"]
    if not ic.get("compared"):
        return out + L("review.inventory.none", tag="p")
    parts = []
    for key, label in (("new", "review.inventory.new"), ("retired", "review.inventory.retired")):
        if ic[key]:
            parts.append(f"<li>{L(label)}：{e(', '.join(ic[key]))}</li>")
    for x in ic["retiered"]:
        parts.append(
            f"<li>{L('review.inventory.retiered')}：{e(x['system'])} {_tier(x['before'])} → "
            f"{_tier(x['now'])}</li>"
        )
    for x in ic["scope"]:
        parts.append(f"<li>{L('review.inventory.scope')}：{e(x['system'])}</li>")
    if not parts:
        return out + L("review.inventory.same", tag="p", previous=ic["previous"])
    return out + f"<ul>{''.join(parts)}</ul>"


def _template_name(name: str) -> str:
    key = f"template.{name}"
    return L(key) if key in MESSAGES else e(name)


def scorecards(r: Mapping[str, Any], links: Mapping[str, str] | None = None) -> str:
    out = _h2("review.section.scorecards", "scorecards")
    for s in r["systems"]:
        if s["state"] == "retired":
            continue
        state = L(f"review.scorecard.state.{s['state']}")
        head = (
            f"<h3>{_name(s)} <span class='gr-muted'>· {_tier(s['tier'])} · {state}</span></h3>"
            f"<p>{badge(s['overall'])}</p>"
        )
        body = ""
        if s["reason"]:
            body += f"<p><b>{L('review.scorecard.reason')}</b>：{note_html(s['reason'])}</p>"
        dims = "".join(
            f"<td>{_pair(*DIMENSION_LABELS[d])}<br>{badge(s['dimensions'].get(d, 'not_assessed'))}</td>"
            for d in DIMENSIONS
        )
        body += f"<table class='gr-matrix'><tr>{dims}</tr></table>"
        bad = [i for i in s["indicators"] if i["status"] in ("red", "amber")]
        if bad:
            rows = "".join(
                f"<tr><td>{badge(i['status'])}</td><td>{_ind_label(i)}</td>"
                f"<td class='num'>{value_pair(i)}</td><td>{rule_pair(i)}</td></tr>"
                for i in sorted(bad, key=lambda i: (i["status"] != "red", i["id"]))[:10]
            )
            body += f"<p><b>{L('review.scorecard.indicators')}</b></p><table>{rows}</table>"
        elif s["state"] == "assessed":
            body += L("review.scorecard.allgreen", tag="p")
        reps = [ref for ref in s["runs"] + s["failed_runs"] if ref.get("report")]
        if reps:
            items = "".join(
                f"<li><a href='{e((links or {}).get(ref['report'], ref['report']))}'>"
                f"{_template_name(ref['template'])} "
                f"v{ref['version']}</a> <span class='gr-muted'>RUN_ID {ref['seq']}</span></li>"
                for ref in reps
            )
            body += f"<p><b>{L('review.scorecard.reports')}</b></p><ul>{items}</ul>"
        out += f"<div class='gr-scorecard' data-system='{e(s['id'])}'>{head}{body}</div>"
    return out
