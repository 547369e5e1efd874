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
from .i18n import DIMENSION_LABELS, MESSAGES, fmt_date
from .notes import note_html
from .numbers import fmt_time
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
from .review_changes import changes, fig_status_history, sparkline, trends_table
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
                    f"<td class='gr-ind'>{_ind_label(i)}"
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
        f"<tr><td>{badge(x['status'])}</td><td class='gr-name'>{_name(x)}</td>"
        f"<td class='gr-ind'>{_ind_label(x)}</td>"
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
    if "indicators" in d:  # the indicators behind a problem, two named with their values, then a count
        s = systems.get(d.get("system", ""), {})
        by_id = {i["id"]: i for i in s.get("indicators", [])}
        inds = [by_id[x] for x in d["indicators"] if x in by_id]
        zh = "、".join(f"{i['label_zh']} {value_text(i)}" for i in inds[:2])
        en = "; ".join(f"{i['label_en']} {value_text(i, 'en')}" for i in inds[:2])
        if len(inds) > 2:
            zh += MESSAGES["review.decision.more"][0].format(n=len(inds) - 2)
            en += MESSAGES["review.decision.more"][1].format(n=len(inds) - 2)
        kw["what"] = (zh or "—", en or "—")
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
    lead = (  # the response asked for, once above the one-line problems
        L("review.decisions.problems_lead", tag="p")
        if any(d["key"] == "review.decision.problem" for d in r["decisions"])
        else ""
    )
    return out + f"<div class='gr-callout gr-red'>{lead}<ol>{''.join(items)}</ol></div>"


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
