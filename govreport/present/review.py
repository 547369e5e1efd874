"""HTML building blocks of the periodic review report, from a review dict (``review.json``).

Every piece of text comes from the message catalogue (:mod:`govreport.present.i18n`) in both languages: each
label is emitted twice, ``<span class="gr-l-zh" lang="zh-TW">`` and ``<span class="gr-l-en" lang="en">``,
and the report's language switch (or ``#en`` in the address) chooses which one shows; Traditional Chinese
is the default. Numbers and dates are formatted per language. Nothing here reads the evidence store or
computes an indicator: the notebook passes the review built by :mod:`govreport.assessments.review`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from ..core.status import DIMENSIONS
from .charts import STATUS_COLOURS
from .i18n import DIMENSION_LABELS, MESSAGES, article, fmt_date, fmt_num, fmt_pct

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

e = html.escape
LANGS = ("zh-TW", "en")
STATUS_TEXT = {
    "green": ("綠燈", "Green"),
    "amber": ("黃燈", "Amber"),
    "red": ("紅燈", "Red"),
    "not_assessed": ("未評估", "Not assessed"),
    "failed": ("執行失敗", "Failed"),
}
CHANGE_TEXT = {
    "worsened": ("▼ 惡化", "▼ worsened"),
    "improved": ("▲ 改善", "▲ improved"),
    "new": ("＋ 新增", "+ new"),
    "same": ("＝ 持平", "= unchanged"),
}


def _pair(zh: str, en: str, tag: str = "span") -> str:
    return (
        f'<{tag} class="gr-l-zh" lang="zh-TW">{e(zh)}</{tag}><{tag} class="gr-l-en" lang="en">{e(en)}</{tag}>'
    )


def L(key: str, tag: str = "span", **kw: Any) -> str:  # noqa: N802 - short on purpose: used everywhere
    """The catalogue's message ``key`` in both languages; ``kw`` values may be (zh, en) pairs."""
    zh, en = MESSAGES[key]
    zkw = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    ekw = {k: (v[1] if isinstance(v, tuple) else v) for k, v in kw.items()}
    return _pair(zh.format(**zkw), en.format(**ekw), tag)


def _h2(key: str, anchor: str) -> str:
    return f'<h2 id="{anchor}">{L(key)}</h2>'


def badge(status: str) -> str:
    zh, en = STATUS_TEXT[status]
    return f'<span class="gr-badge gr-{status}">{_pair(zh, en)}</span>'


def _date(v: str | None) -> str:
    return _pair(fmt_date(v, "zh-TW"), fmt_date(v, "en"))


def _name(s: Mapping[str, Any]) -> str:
    return _pair(s.get("name_zh") or s.get("id", ""), s.get("name_en") or s.get("id", ""))


def _tier(tier: str) -> str:
    key = f"tier.{tier}"
    return L(key) if key in MESSAGES else e(tier)


def _art(n: int) -> str:
    return _pair(article(n, "zh-TW"), article(n, "en"))


def lang_switch() -> str:
    """The switch button and the script that applies ``#en`` / the saved choice. Works without it: Chinese."""
    zh, en = MESSAGES["review.lang.switch"]
    return f"""<button type="button" class="gr-langswitch" id="gr-langswitch"
 onclick="document.documentElement.classList.toggle('gr-lang-en');
 document.documentElement.lang = document.documentElement.classList.contains('gr-lang-en') ? 'en' : 'zh-TW';">
<span class="gr-l-zh">{e(zh)}</span><span class="gr-l-en">{e(en)}</span></button>
<script>if (location.hash === "#en" || /[?&]lang=en/.test(location.search)) {{
document.documentElement.classList.add("gr-lang-en"); document.documentElement.lang = "en"; }}</script>"""


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
        ("review.cover.generated", _date(r["generated_at"]) + f" · govreport {e(r['govreport_version'])}"),
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
        + recorded_signoffs(r.get("signoffs") or [])
    )


#: Marks the recorded sign-offs in a review, so that `govreport publish --pdf` prints the ones recorded since.
SIGNOFFS_START, SIGNOFFS_END = "<!--govreport:signoffs-->", "<!--/govreport:signoffs-->"


def recorded_signoffs(signoffs: Sequence[Mapping[str, Any]]) -> str:
    """The recorded sign-offs (govreport.evidence.signoff.signoffs_for), each current or stale, between the
    markers."""
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
        f"<td>{e(str(s.get('time') or '')[:16].replace('T', ' '))} UTC · RUN_ID {e(str(s.get('seq')))}</td>"
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
    systems = {s["id"]: s for s in r["systems"]}
    head = (
        f"<tr><th>{L('review.matrix.system')}</th><th>{L('review.matrix.tier')}</th>"
        + "".join(f"<th>{_pair(*DIMENSION_LABELS[d])}</th>" for d in DIMENSIONS)
        + "</tr>"
    )
    rows = []
    for sid, row in r["matrix"].items():
        s = systems[sid]
        rows.append(
            f'<tr data-system="{e(sid)}"><td>{_name(s)}</td><td>{_tier(s["tier"])}</td>'
            + "".join(
                f'<td data-dimension="{d}" data-status="{row[d]}">{badge(row[d])}</td>' for d in DIMENSIONS
            )
            + "</tr>"
        )
    return (
        f"<h3>{L('review.section.matrix')}</h3>"
        f'<table class="gr-matrix" id="gr-matrix">{head}{"".join(rows)}</table>'
        + L("review.matrix.note", tag="p")
    )


def _ind_label(i: Mapping[str, Any]) -> str:
    return _pair(i.get("label_zh") or i["id"], i.get("label_en") or i["id"])


def value_text(i: Mapping[str, Any]) -> str:
    """An indicator's value as the review writes it (a share as a percentage); also the Word edition's."""
    v = i.get("value")
    if v is None:
        return "—"
    unit = i.get("unit") or ""
    if "share" in unit or "rate" in i["id"] or i["id"].endswith(("completeness", "validity", "uniqueness")):
        return fmt_pct(v) if 0 <= v <= 1 else fmt_num(v)
    return fmt_num(v)


def top_risks(r: Mapping[str, Any]) -> str:
    out = f"<h3>{L('review.section.risks')}</h3>"
    if not r["top_risks"]:
        return out + L("review.risks.none", tag="p")
    rows = "".join(
        f"<tr><td>{badge(x['status'])}</td><td>{_name(x)}</td><td>{_ind_label(x)}</td>"
        f"<td class='num'>{value_text(x)}</td><td>{e(x.get('rule') or '')}</td></tr>"
        for x in r["top_risks"]
    )
    head = (
        f"<tr><th>{L('review.col.status')}</th><th>{L('review.col.system')}</th>"
        f"<th>{L('review.col.indicator')}</th><th class='num'>{L('review.col.value')}</th>"
        f"<th>{L('review.col.rule')}</th></tr>"
    )
    return out + f"<table>{head}{rows}</table>"


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
        kw["systems"] = ", ".join(d["systems"])
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
    title = " · ".join(f"{p[0]}: {fmt_num(p[1])}" for p in points if p[1] is not None)
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
                f"<td class='num'>{fmt_num(last[1])}</td><td>{badge(last[2] or 'not_assessed')}</td>"
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
            body += f"<p><b>{L('review.scorecard.reason')}</b>：{e(s['reason'])}</p>"
        dims = "".join(
            f"<td>{_pair(*DIMENSION_LABELS[d])}<br>{badge(s['dimensions'].get(d, 'not_assessed'))}</td>"
            for d in DIMENSIONS
        )
        body += f"<table class='gr-matrix'><tr>{dims}</tr></table>"
        bad = [i for i in s["indicators"] if i["status"] in ("red", "amber")]
        if bad:
            rows = "".join(
                f"<tr><td>{badge(i['status'])}</td><td>{_ind_label(i)}</td>"
                f"<td class='num'>{value_text(i)}</td><td>{e(i.get('rule') or '')}</td></tr>"
                for i in sorted(bad, key=lambda i: (i["status"] != "red", i["id"]))[:10]
            )
            body += f"<p><b>{L('review.scorecard.indicators')}</b></p><table>{rows}</table>"
        elif s["state"] == "assessed":
            body += L("review.scorecard.allgreen", tag="p")
        reps = [ref for ref in s["runs"] + s["failed_runs"] if ref.get("report")]
        if reps:
            items = "".join(
                f"<li><a href='{e((links or {}).get(ref['report'], ref['report']))}'>{e(ref['template'])} "
                f"v{ref['version']}</a> <span class='gr-muted'>RUN_ID {ref['seq']}</span></li>"
                for ref in reps
            )
            body += f"<p><b>{L('review.scorecard.reports')}</b></p><ul>{items}</ul>"
        out += f"<div class='gr-scorecard' data-system='{e(s['id'])}'>{head}{body}</div>"
    return out


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
            else (badge("amber") + " " + L("review.vendors.missing", items=", ".join(missing)))
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
        v = fmt_pct(x["value"]) if unit == "share" else f"{fmt_num(x['value'], 2)} {e(unit)}"
        target = "—" if x.get("target") is None else fmt_num(x["target"], 2)
        chg = "—" if x.get("change_pct") is None else f"{100 * x['change_pct']:+.1f}%"
        basis = e(x.get("basis") or "")
        rows.append(
            f"<tr><td>{_pair(x['label_zh'], x['label_en'])}<br><span class='gr-muted'>GRI "
            f"{e(x.get('gri') or '')}</span></td><td class='num'>{v}</td><td class='num'>{chg}</td>"
            f"<td class='num'>{target}</td><td>{badge(x['status'])}</td><td class='gr-muted'>{basis}</td>"
            "</tr>"
        )
    head = (
        f"<tr><th>{L('review.col.indicator')}</th><th class='num'>{L('review.col.value')}</th>"
        f"<th class='num'>{L('review.col.change_prev')}</th><th class='num'>{L('review.col.target')}</th>"
        f"<th>{L('review.col.status')}</th><th>{L('review.sustainability.factor')}</th></tr>"
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
        f"<td>{e(f['id'])}</td><td>{_pair(f['title_zh'], f['title_en'])}"
        f"{' · ' + _art(f['article']) if f.get('article') else ''}</td>"
        f"<td>{L('review.severity.' + f['severity'])}</td><td>{e(f['owner'])}</td><td>{_date(f['due'])}</td>"
        f"<td class='num'>{f['age_days']}</td><td class='num'>{f['days_overdue'] or '—'}</td></tr>"
        for f in fs
    )
    return out + f"<table id='gr-findings'>{head}{rows}</table>"


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
            text=[
                f"{f['severity']} · {f['days_overdue']} d overdue" if f["overdue"] else f["severity"]
                for f in fs
            ],
            textposition="auto",
        )
    )
    zh, en = MESSAGES["review.findings.chart"]
    fig.update_layout(
        title={"text": f"{zh} · {en}"},
        height=120 + 40 * len(fs),
        xaxis={"title": {"text": "天 days"}},
        yaxis={"autorange": "reversed"},
    )
    return fig


def articles(r: Mapping[str, Any]) -> str:
    out = _h2("review.section.articles", "articles") + L("review.articles.lead", tag="p")
    head = (
        f"<tr><th>{L('review.articles.article')}</th><th>{L('review.articles.topic')}</th>"
        f"<th>{L('review.col.status')}</th><th>{L('review.articles.evidence')}</th>"
        f"<th>{L('review.articles.missing')}</th></tr>"
    )
    rows = "".join(
        f"<tr data-article='{a['article']}' data-status='{a['status']}'><td>{_art(a['article'])}</td>"
        f"<td>{L('review.art.' + str(a['article']))}</td><td>{badge(a['status'])}</td>"
        f"<td>{'<br>'.join(e(x) for x in a['evidence']) or '—'}</td><td>{e(a['missing']) or '—'}</td></tr>"
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
    th = "".join(f"<tr><td>{e(x['indicator'])}</td><td>{e(x['rule'])}</td></tr>" for x in r["thresholds"])
    out += (
        f"<h3>{L('review.appendix.thresholds')}</h3><table><tr><th>{L('review.col.indicator')}</th>"
        f"<th>{L('review.col.rule')}</th></tr>{th}</table>"
    )
    runs = "".join(
        f"<tr><td class='num'>{x['seq']}</td><td>{e(x['system_id'])}</td><td>{e(x['template'])}</td>"
        f"<td>v{x['version']}</td><td>{badge('green' if x['status'] == 'succeeded' else 'failed')}</td>"
        f"<td class='gr-hash'>{e(x['record_hash'])}</td></tr>"
        for x in _runs(r)
    )
    out += (
        f"<h3>{L('review.appendix.runs')}</h3><table id='gr-runs'><tr><th>RUN_ID</th>"
        f"<th>{L('review.col.system')}</th><th>{L('review.col.template')}</th><th>{L('review.col.version')}</th>"
        f"<th>{L('review.col.status')}</th><th>{L('review.col.hash')}</th></tr>{runs}</table>"
    )
    if r["notes"] or r["evidence_problems"]:
        items = "".join(f"<li>{e(n)}</li>" for n in [*r["evidence_problems"], *r["notes"]])
        out += f"<h3>{L('review.appendix.notes')}</h3><ul>{items}</ul>"
    return out
