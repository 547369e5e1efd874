"""The periodic review's sections in the Word edition, in the order of the HTML review: cover and sign-off,
summary, risks and decisions, changes, inventory, scorecards, Art. 11/12/14, sustainability, findings, the
article coverage and the appendix.

Contract: reads the review dict only (nothing recomputed); every label from the message catalogue through
:class:`~govreport.publish.docx_writer.DocxWriter`, every status text and clause check shared with the HTML
review (:mod:`govreport.present.review`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.status import DIMENSIONS
from ..present.i18n import DIMENSION_LABELS, MESSAGES, article
from ..present.notes import note_texts
from ..present.numbers import fmt_change, fmt_time, fmt_value
from ..present.review import CHANGE_TEXT, STATUS_TEXT, decision_kwargs, missing_clauses, value_text
from ..present.review_base import rule_text
from ..present.review_sections import clause_names, default_rule
from .docx_writer import DocxWriter

__all__ = ["add_sections"]


def add_sections(
    w: DocxWriter,
    r: Mapping[str, Any],
    *,
    signoffs: Sequence[Mapping[str, Any]],
    chain: Mapping[str, Any] | None,
    history_png: Path | None,
    findings_png: Path | None,
    html_report: str,
) -> None:
    """Every section of review ``r`` into ``w``; a chart whose PNG is ``None`` names ``html_report``."""
    _cover(w, r, chain)
    _signoff(w, r, signoffs)
    w.toc()
    _summary(w, r)
    _risks_and_decisions(w, r)
    _changes(w, r, history_png, html_report)
    _inventory(w, r)
    _scorecards(w, r)
    _articles_11_12_14(w, r)
    _sustainability(w, r)
    _findings(w, r, findings_png, html_report)
    _articles(w, r)
    _appendix(w, r)


def _note(w: DocxWriter, text: str) -> str:
    """A recorded note or reason in the document's language (as recorded when the catalogue lacks it)."""
    return note_texts(text)[0 if w.lang == "zh-TW" else 1]


def _ind_label(w: DocxWriter, i: Mapping[str, Any]) -> str:
    return w.pair(i.get("label_zh") or i["id"], i.get("label_en") or i["id"])


def _cover(w: DocxWriter, r: Mapping[str, Any], chain: Mapping[str, Any] | None) -> None:
    w.doc.add_heading(f"{w.t('review.title')} {r['period']}", 0)
    w.para(w.t("review.subtitle"), italic=True)
    period = (
        f"{r['period']}（{w.date(r['period_start'])}至{w.date(r['period_end'])}）"
        if w.lang == "zh-TW"
        else f"{r['period']} ({w.date(r['period_start'])} – {w.date(r['period_end'])})"
    )
    bad = len(r["evidence_problems"])
    rows = [
        (w.t("review.cover.bank"), w.pair(r["bank_zh"], r["bank_en"])),
        (w.t("review.cover.period"), period),
        (
            w.t("review.cover.norms"),
            w.pair(
                r["norms_version"],
                "TBA 'Operational norms for financial institutions using AI technology' (amended 2025-05-29)",
            ),
        ),
        (w.t("review.cover.preparer"), r["preparer"] or "—"),
        (
            w.t("review.cover.generated"),
            f"{_when(w, r, r['generated_at'])} · govreport {r['govreport_version']}",
        ),
        (w.t("review.cover.overall"), w.status(r["overall"])),
        (
            w.t("review.cover.evidence"),
            w.t("review.cover.evidence.ok") if not bad else w.t("review.cover.evidence.bad", n=bad),
        ),
    ]
    tbl = w.table(None, rows)
    w.status_cell(tbl.rows[5].cells[1], r["overall"])
    if chain:
        if chain.get("seq") is not None:
            w.para(w.t("docx.chain", seq=chain["seq"], hash=chain.get("hash", "")), size=8)
        if chain.get("fingerprint"):
            w.para(w.t("docx.key", fingerprint=chain["fingerprint"]), size=8)
    w.para(w.t("docx.edition"), italic=True, size=8)


def _signoff(w: DocxWriter, r: Mapping[str, Any], signoffs: Sequence[Mapping[str, Any]]) -> None:
    w.heading(w.t("review.signoff"), 1)
    w.para(w.t("review.signoff.lead"))
    roles = {
        "infosec": "review.signoff.infosec",
        "compliance": "review.signoff.compliance",
        "risk": "review.signoff.risk",
    }
    committees = "、".join(r["committees"]) or "—"

    def role_label(role: str) -> str:
        return w.t(roles[role]) if role in roles else w.t("review.signoff.accountable", name=committees)

    w.heading(w.t("docx.signoff.recorded"), 2)
    if signoffs:
        rows = [
            (
                role_label(s.get("role", "")),
                s.get("name", ""),
                s.get("opinion", ""),
                _when(w, r, s.get("time")),
                (f"v{s['review_version']}" if s.get("review_version") is not None else "—")
                + (f" · {w.t('docx.signoff.stale')}" if s.get("stale") else ""),
            )
            for s in signoffs
        ]
        w.table(
            [
                w.t("review.signoff.role"),
                w.t("review.signoff.name"),
                w.t("review.signoff.opinion"),
                w.t("docx.signoff.time"),
                w.t("docx.signoff.version"),
            ],
            rows,
        )
    else:
        w.para(w.t("docx.signoff.none"), italic=True)
    blank = [(role_label(k), "", "", "") for k in ("infosec", "compliance", "risk", "committee")]
    w.doc.add_paragraph()
    w.table(
        [
            w.t("review.signoff.role"),
            w.t("review.signoff.name"),
            w.t("review.signoff.opinion"),
            w.t("review.signoff.date"),
        ],
        blank,
    )


def _when(w: DocxWriter, r: Mapping[str, Any], iso: str | None) -> str:
    """A time in the workspace's time zone (the review's ``timezone``), as the HTML review writes it."""
    return fmt_time(iso, w.lang, r.get("timezone"))


def _summary(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.summary"), 1)
    c = dict.fromkeys(STATUS_TEXT, 0)
    for row in r["matrix"].values():
        for v in row.values():
            c[v] = c.get(v, 0) + 1
    w.para(
        w.t(
            "review.summary.lead",
            n=len(r["matrix"]),
            green=c["green"],
            amber=c["amber"],
            red=c["red"],
            na=c["not_assessed"],
            failed=c["failed"],
        ),
        bold=True,
    )
    w.heading(w.t("review.section.matrix"), 2)
    systems = {s["id"]: s for s in r["systems"]}
    head = [w.t("review.matrix.system"), w.t("review.matrix.tier")] + [
        w.pair(*DIMENSION_LABELS[d]) for d in DIMENSIONS
    ]
    rows = [
        [w.name(systems[sid]), _tier(w, systems[sid]["tier"])] + [row[d] for d in DIMENSIONS]
        for sid, row in r["matrix"].items()
    ]
    w.table(head, rows, status_cols=range(2, 2 + len(DIMENSIONS)))
    w.para(w.t("review.matrix.note"), size=8)


def _tier(w: DocxWriter, tier: str) -> str:
    key = f"tier.{tier}"
    return w.t(key) if key in MESSAGES else tier


def _risks_and_decisions(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.risks"), 2)
    if r["top_risks"]:
        w.table(
            [
                w.t("review.col.status"),
                w.t("review.col.system"),
                w.t("review.col.indicator"),
                w.t("review.col.value"),
                w.t("review.col.rule"),
            ],
            [
                (x["status"], w.name(x), _ind_label(w, x), value_text(x, w.lang), rule_text(x, w.lang))
                for x in r["top_risks"]
            ],
            status_cols=(0,),
        )
    else:
        w.para(w.t("review.risks.none"))
    w.heading(w.t("review.section.decisions"), 2)
    if not r["decisions"]:
        w.para(w.t("review.decisions.none"))
        return
    systems = {s["id"]: s for s in r["systems"]}
    items = [w.t(d["key"], **decision_kwargs(d, systems)) for d in r["decisions"]]
    if any(d["key"] == "review.decision.problem" for d in r["decisions"]):
        w.para(w.t("review.decisions.problems_lead"))
    w.bullets(items, numbered=True)


def _changes(w: DocxWriter, r: Mapping[str, Any], png: Path | None, where: str) -> None:
    w.heading(w.t("review.section.changes"), 1)
    if not r["previous_period"]:
        w.para(w.t("review.changes.none"))
    else:
        cs = r["changes"]
        n = {k: sum(1 for c in cs if c["change"] == k) for k in ("worsened", "improved", "new", "same")}
        w.para(
            w.t(
                "review.changes.lead",
                previous=r["previous_period"],
                worsened=n["worsened"],
                improved=n["improved"],
                new=n["new"],
            )
        )
        systems = {s["id"]: s for s in r["systems"]}
        order = {"worsened": 0, "new": 1, "improved": 2}
        shown = sorted((c for c in cs if c["change"] != "same"), key=lambda c: order[c["change"]])
        if shown:

            def label(c: Mapping[str, Any]) -> str:
                if c["kind"] == "article":
                    num = int(c["key"])
                    return f"{article(num, w.lang)} {w.t(f'review.art.{num}')}"
                name = w.name(systems.get(c["key"], {"id": c["key"]}))
                return f"{name} · {w.pair(*DIMENSION_LABELS[c['item']])}"

            tbl = w.table(
                [
                    w.t("review.col.item"),
                    f"{w.t('review.col.before')} {r['previous_period']}",
                    f"{w.t('review.col.now')} {r['period']}",
                    w.t("review.col.change"),
                ],
                [
                    (label(c), c["before"] or "not_assessed", c["now"], w.pair(*CHANGE_TEXT[c["change"]]))
                    for c in shown
                ],
                status_cols=(1, 2),
            )
            for row, c in zip(tbl.rows[1:], shown, strict=True):
                if not c["before"]:
                    row.cells[1].text = "—"
        w.para(w.t("review.changes.unchanged", n=n["same"]))
    w.heading(w.t("review.section.trends"), 2)
    if len(r["status_history"]) > 1:
        w.image(png, where)
    else:
        w.para(w.t("docx.trend.none"))


def _inventory(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.inventory"), 1)
    ic = r["inventory_changes"]
    if not ic.get("compared"):
        w.para(w.t("review.inventory.none"))
        return
    items = [
        f"{w.t(label)}：{', '.join(ic[key])}"
        for key, label in (("new", "review.inventory.new"), ("retired", "review.inventory.retired"))
        if ic[key]
    ]
    items += [
        f"{w.t('review.inventory.retiered')}：{x['system']} {_tier(w, x['before'])} → {_tier(w, x['now'])}"
        for x in ic["retiered"]
    ]
    items += [f"{w.t('review.inventory.scope')}：{x['system']}" for x in ic["scope"]]
    if items:
        w.bullets(items)
    else:
        w.para(w.t("review.inventory.same", previous=ic["previous"]))


def _scorecards(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.scorecards"), 1)
    for s in r["systems"]:
        if s["state"] == "retired":
            continue
        w.heading(f"{w.name(s)} · {_tier(w, s['tier'])} · {w.t('review.scorecard.state.' + s['state'])}", 2)
        if s["reason"]:
            w.para(f"{w.t('review.scorecard.reason')}：{_note(w, s['reason'])}")
        w.table(
            [w.pair(*DIMENSION_LABELS[d]) for d in DIMENSIONS],
            [[s["dimensions"].get(d, "not_assessed") for d in DIMENSIONS]],
            status_cols=range(len(DIMENSIONS)),
        )
        bad = sorted(
            (i for i in s["indicators"] if i["status"] in ("red", "amber")),
            key=lambda i: (i["status"] != "red", i["id"]),
        )[:10]
        if bad:
            w.para(w.t("review.scorecard.indicators"), bold=True)
            w.table(
                [
                    w.t("review.col.status"),
                    w.t("review.col.indicator"),
                    w.t("review.col.value"),
                    w.t("review.col.rule"),
                ],
                [(i["status"], _ind_label(w, i), value_text(i, w.lang), rule_text(i, w.lang)) for i in bad],
                status_cols=(0,),
            )
        elif s["state"] == "assessed":
            w.para(w.t("review.scorecard.allgreen"))


def _yes(w: DocxWriter, v: Any) -> str:
    return w.status("green" if v else "red")


def _articles_11_12_14(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.disclosure"), 1)
    rows = [
        (
            w.name(s),
            c["name"],
            _yes(w, c.get("ai_disclosure")),
            _yes(w, c.get("opt_out")),
            f"{_yes(w, c.get('alternative'))} {c.get('alternative') or ''}".strip(),
        )
        for s in r["systems"]
        for c in s["channels"]
        if c.get("customer_facing", True)
    ]
    if rows:
        w.table(
            [
                w.t("review.col.system"),
                w.t("review.disclosure.channel"),
                w.t("review.disclosure.ai"),
                w.t("review.disclosure.optout"),
                w.t("review.disclosure.alt"),
            ],
            rows,
        )
    else:
        w.para(w.t("review.disclosure.none"))
    w.heading(w.t("review.section.assessments"), 1)
    rows = []
    for s in r["systems"]:
        if s["state"] == "retired" or not s["prelaunch"]:
            continue
        gaps = s["prelaunch"].get("gaps", [])
        pre = (
            f"{w.status('green')} {w.t('review.assess.complete')}"
            if not gaps
            else f"{w.status('amber')} {'; '.join(gaps)}"
        )
        status = (
            f"{w.status('red')} {w.t('review.assess.overdue')}"
            if s["overdue"]
            else f"{w.status('green')} {w.t('review.assess.ontime')}"
        )
        rows.append(
            (
                w.name(s),
                _tier(w, s["tier"]),
                w.t("review.assess.months", n=s["review_months"]),
                w.date(s["prelaunch"].get("go_live")),
                pre,
                s["last_review"] or "—",
                w.date(s["next_due"]),
                status,
            )
        )
    w.table(
        [
            w.t("review.col.system"),
            w.t("review.matrix.tier"),
            w.t("review.assess.frequency"),
            w.t("review.assess.golive"),
            w.t("review.assess.prelaunch"),
            w.t("review.assess.last"),
            w.t("review.assess.due"),
            w.t("review.col.status"),
        ],
        rows,
    )
    w.heading(w.t("review.section.vendors"), 1)
    rows = []
    for s in r["systems"]:
        v = s.get("vendor")
        if not v:
            continue
        att = v.get("trace_log_attestation") or {}
        missing = missing_clauses(v)
        rows.append(
            (
                w.name(s),
                f"{v['name']} ({v.get('country') or '—'})",
                f"{_yes(w, att.get('provided'))} {w.date(att.get('date')) if att.get('date') else ''} "
                f"{att.get('document') or ''}".strip(),
                w.status("green")
                if not missing
                else f"{w.status('amber')} "
                f"{w.t('review.vendors.missing', items=w.pair(*clause_names(missing)))}",
            )
        )
    if rows:
        w.table(
            [
                w.t("review.col.system"),
                w.t("review.vendors.vendor"),
                w.t("review.vendors.attestation"),
                w.t("review.vendors.clauses"),
            ],
            rows,
        )
    else:
        w.para(w.t("review.vendors.none"))


def _sustainability(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.sustainability"), 1)
    st = r.get("sustainability")
    if not st:
        w.para(w.t("review.sustainability.none"))
        return
    rows = []
    for x in st["rows"]:
        unit = x.get("unit", "")
        rows.append(
            (
                f"{w.pair(x['label_zh'], x['label_en'])} (GRI {x.get('gri') or ''})",
                fmt_value(x["value"], unit, w.lang),
                fmt_change(x.get("change_abs"), x.get("change_pct"), unit, w.lang),
                "—" if x.get("target") is None else fmt_value(x["target"], unit, w.lang),
                x["status"],
                x.get("basis") or "",
            )
        )
    w.table(
        [
            w.t("review.col.indicator"),
            w.t("review.col.value"),
            w.t("review.col.change_prev"),
            w.t("review.col.target"),
            w.t("review.col.status"),
            w.t("review.sustainability.factor"),
        ],
        rows,
        status_cols=(4,),
    )


def _findings(w: DocxWriter, r: Mapping[str, Any], png: Path | None, where: str) -> None:
    w.heading(w.t("review.section.findings"), 1)
    fs = r.get("findings")
    if fs is None or not fs:
        w.para(w.t("review.findings.none" if fs is None else "review.findings.empty"))
        return
    tbl = w.table(
        [
            w.t("review.col.status"),
            w.t("review.col.id"),
            w.t("review.col.title"),
            w.t("review.col.severity"),
            w.t("review.col.owner"),
            w.t("review.col.due"),
            w.t("review.findings.age"),
            w.t("review.findings.overdue_days"),
        ],
        [
            (
                f["indicator_status"],
                f["id"],
                w.pair(f["title_zh"], f["title_en"])
                + (f" · {article(f['article'], w.lang)}" if f.get("article") else ""),
                w.t("review.severity." + f["severity"]),
                f["owner"],
                w.date(f["due"]),
                f["age_days"],
                f["days_overdue"] or "—",
            )
            for f in fs
        ],
        status_cols=(0,),
    )
    for row, f in zip(tbl.rows[1:], fs, strict=True):
        row.cells[0].paragraphs[0].add_run(f" {w.t('review.finding.status.' + f['status'])}")
    if any(f["open_at_end"] for f in fs):
        w.image(png, where)


def _articles(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.articles"), 1)
    w.para(w.t("review.articles.lead"))
    w.table(
        [
            w.t("review.articles.article"),
            w.t("review.articles.topic"),
            w.t("review.col.status"),
            w.t("review.articles.evidence"),
            w.t("review.articles.missing"),
        ],
        [
            (
                article(a["article"], w.lang),
                w.t(f"review.art.{a['article']}"),
                a["status"],
                "\n".join(a["evidence"]) or "—",
                a["missing"] or "—",
            )
            for a in r["articles"]
        ],
        status_cols=(2,),
    )


def _appendix(w: DocxWriter, r: Mapping[str, Any]) -> None:
    w.heading(w.t("review.section.appendix"), 1)
    w.para(w.t("review.appendix.methods"))
    w.heading(w.t("review.appendix.thresholds"), 2)
    w.table(
        [w.t("review.col.indicator"), w.t("review.col.rule")],
        [
            (
                w.t(f"indicator.{x['indicator']}")
                if f"indicator.{x['indicator']}" in MESSAGES
                else x["indicator"],
                default_rule(x, w.lang),
            )
            for x in r["thresholds"]
            if "green" in x
        ],
    )
    w.heading(w.t("review.appendix.runs"), 2)
    runs = [
        *(x for s in r["systems"] for x in [*s["runs"], *s["failed_runs"]]),
        *([r["sustainability"]["run"]] if r.get("sustainability") else []),
    ]
    w.table(
        [
            "RUN_ID",
            w.t("review.col.system"),
            w.t("review.col.template"),
            w.t("review.col.version"),
            w.t("review.col.status"),
            w.t("review.col.hash"),
        ],
        [
            (
                x["seq"],
                x["system_id"],
                x["template"],
                f"v{x['version']}",
                x["status"],
                x["record_hash"][:16] + "…",
            )
            for x in runs
        ],
    )
    notes = [*r["evidence_problems"], *r["notes"]]
    if notes:
        w.heading(w.t("review.appendix.notes"), 2)
        w.bullets(_note(w, n) for n in notes)
