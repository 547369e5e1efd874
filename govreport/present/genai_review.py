"""HTML blocks of the generative-AI review: the log's data-quality notes, the vendor's attestation (Art. 10),
example labels and the methods note. Built from results.json only (never from the transcripts); text from
the message catalogue (``govreport/messages/genai.py``), Chinese first with English beneath; all escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..assessments.genai_kinds import EXAMPLE_KINDS  # names only: no pandas, no pydantic (issue 22)
from .charts import badge
from .html import quoted_lang
from .i18n import fmt_date, pair, t
from .messages.terms import term

__all__ = ["log_panel", "vendor_panel", "side_by_side", "example_labels", "methods", "numeric_claims"]

e = html.escape


def _bi(key: str, tag: str = "p", **kw: Any) -> str:
    return f"<{tag}>{pair(t(key, **kw), t(key, 'en', **kw))}</{tag}>"


def _h3(key: str) -> str:
    return f"<h3>{pair(t(key), t(key, 'en'))}</h3>"


def _lines(items: list[Any], total: int) -> str:
    shown = ", ".join(map(str, items))
    return shown if total <= len(items) else f"{shown} … ({total})"


def _row(key: str, value: str) -> str:
    return f"<tr><th>{pair(t(key), t(key, 'en'))}</th><td>{value}</td></tr>"


def log_panel(results: Mapping[str, Any]) -> str:
    """The period's log: size, and every line that could not be used as it was, with line numbers."""
    g = results.get("genai") or {}
    log = g.get("log") or {}
    rows = [
        _row("genai.log.file", e(str(log.get("file", "—")))),
        _row("genai.log.lines", e(f"{log.get('lines', 0):,}")),
        _row("genai.log.turns", e(f"{log.get('turns', 0):,}")),
        _row("genai.log.conversations", e(f"{g.get('conversations', 0):,}")),
    ]
    notes = []
    if log.get("malformed"):
        nums = [m["line"] for m in log.get("malformed_lines", [])]
        notes.append(
            _bi("genai.log.malformed", "li", n=log["malformed"], lines=_lines(nums, log["malformed"]))
        )
    for enc, info in (log.get("encoding_fallback") or {}).items():
        key = "genai.log.replaced" if enc == "replaced" else "genai.log.encoding"
        notes.append(_bi(key, "li", n=info["count"], enc=enc, lines=_lines(info["lines"], info["count"])))
    if log.get("bom_lines"):
        notes.append(_bi("genai.log.bom", "li", n=log["bom_lines"]))
    empty = log.get("empty_conversations") or {}
    n_empty = empty.get("no_turns", 0) + empty.get("no_assistant_turns", 0)
    if n_empty:
        notes.append(
            _bi(
                "genai.log.empty",
                "li",
                n=n_empty,
                none=empty.get("no_turns", 0),
                noasst=empty.get("no_assistant_turns", 0),
                ids=_lines(empty.get("ids", []), n_empty),
            )
        )
    status = "amber" if notes else "green"
    body = f"<ul>{''.join(notes)}</ul>" if notes else _bi("genai.log.clean")
    return (
        f"{_h3('genai.log.title')}<table>{''.join(rows)}</table>"
        f"<div class='gr-callout gr-{status}'>{body}</div>"
    )


def vendor_panel(results: Mapping[str, Any]) -> str:
    """The vendor's trace-log attestation (Art. 10) with its status, or a line saying none is needed."""
    v = (results.get("genai") or {}).get("vendor")
    title = _h3("genai.vendor.title")
    if not v:
        return title + _bi("genai.vendor.none")
    ind = next((i for i in results.get("indicators", []) if i["id"] == "vendor_attestation"), None)
    status = ind["status"] if ind else ("green" if v.get("provided") else "red")
    provided = t("genai.vendor.yes" if v.get("provided") else "genai.vendor.no")
    provided_en = t("genai.vendor.yes" if v.get("provided") else "genai.vendor.no", "en")
    age = v.get("age_days")
    rows = [
        _row("genai.vendor.name", e(f"{v['name']}" + (f" ({v['country']})" if v.get("country") else ""))),
        _row(
            "genai.vendor.provided",
            f"{badge(status)} {pair(provided, provided_en)}",
        ),
        _row("genai.vendor.date", pair(fmt_date(v.get("date")), fmt_date(v.get("date"), "en"))),
        _row("genai.vendor.age", pair(f"{age} 天", f"{age} days") if age is not None else "—"),
        _row("genai.vendor.document", e(v.get("document") or "—")),
        _row("genai.vendor.clauses", _clauses(v.get("contract_clauses") or [])),
        _row(
            "genai.vendor.approved",
            {True: pair("是", "yes"), False: pair("否", "no")}.get(v.get("outsourcing_approved"), "—"),
        ),
    ]
    if not v.get("provided"):
        note = f"<div class='gr-callout gr-red'>{_bi('genai.vendor.missing', 'span')}</div>"
    elif v.get("stale"):
        note = f"<div class='gr-callout gr-amber'>{_bi('genai.vendor.stale', 'span')}</div>"
    else:
        note = _bi("genai.vendor.ok")
    return f"{title}<table>{''.join(rows)}</table>{note}"


def _clauses(codes: list[str]) -> str:
    """The contract's clauses by their names in the catalogue."""
    if not codes:
        return "—"
    names = [term("clause", c) for c in codes]
    return pair("、".join(n[0] for n in names), ", ".join(n[1] for n in names))


def side_by_side(*parts: str) -> str:
    """Blocks next to each other on a wide page, stacked on a narrow one."""
    cells = "".join(f"<div style='flex:1 1 340px;min-width:0'>{p}</div>" for p in parts)
    return f"<div style='display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start'>{cells}</div>"


def example_labels() -> dict[str, tuple[str, str]]:
    """Bilingual headings of the example groups, for :func:`govreport.present.html.examples_table`."""
    return {k: (t(f"genai.ex.{k}"), t(f"genai.ex.{k}", "en")) for k in EXAMPLE_KINDS}


def numeric_claims(results: Mapping[str, Any]) -> str:
    """The answers whose numbers contradict their source, or that no source states: the masked answer with
    each claim and what the source states, beside the masked reference answer or passage it was checked
    against."""
    g = results.get("genai") or {}
    n = (g.get("counts") or {}).get("numeric_claims", 0)
    ex = (g.get("numeric_claims") or {}).get("examples") or {}
    if not n:
        return _bi("genai.numbers.notchecked")
    parts = [_bi("genai.numbers.lead")]
    for kind in ("contradicting", "unsupported"):
        rows = ex.get(kind) or []
        if not rows:
            continue
        body = []
        for r in rows:
            claims = "<br>".join(
                e(c["claim"]) + (f" → {e(c['stated'])}" if c.get("stated") else " → —") for c in r["claims"]
            )
            body.append(
                f"<tr><td>{e(r['conversation_id'])} #{int(r['turn'])}</td>"
                f"<td lang='{quoted_lang(r['text'])}'>{e(r['text'])}</td><td><b>{claims}</b></td>"
                f"<td><span lang='{quoted_lang(r['passage'])}'>{e(r['passage'])}</span><br>"
                f"<code>{e(r['source'])}</code></td></tr>"
            )
        head = "".join(
            f"<th>{pair(t(k), t(k, 'en'))}</th>"
            for k in (
                "genai.numbers.conversation",
                "genai.numbers.answer",
                "genai.numbers.claim",
                "genai.numbers.source",
            )
        )
        parts.append(f"{_h3('genai.numbers.' + kind)}<table><tr>{head}</tr>{''.join(body)}</table>")
    if len(parts) == 1:
        parts.append(_bi("genai.numbers.none"))
    return "".join(parts)


def methods(results: Mapping[str, Any]) -> str:
    """How the checks were made: pattern sources, knowledge base, measures and the ungrounded cut."""
    g = results.get("genai") or {}
    rules = g.get("rules") or {}
    grounded = g.get("groundedness") or {}
    kb = grounded.get("knowledge_base")
    kb_text = (
        f"{kb['source']}，{kb['passages']} 個段落，SHA-256 {kb['sha256'][:12]}…"
        if kb
        else t("genai.methods.nokb")
    )
    kb_en = (
        f"{kb['source']}, {kb['passages']} passages, SHA-256 {kb['sha256'][:12]}…"
        if kb
        else t("genai.methods.nokb", "en")
    )
    cut = grounded.get("ungrounded_below", 0.4)
    sources = ", ".join(rules.get("sources") or ["default"])
    return (
        _bi("genai.methods.rules", n=rules.get("count", 0), sources=sources)
        + _bi("genai.methods.numbers")
        + "<p>"
        + pair(
            t("genai.methods.grounded", kb=kb_text, cut=f"{cut:g}"),
            t("genai.methods.grounded", "en", kb=kb_en, cut=f"{cut:g}"),
        )
        + "</p>"
    )
