"""Generative-AI output checks on logged conversations (Art. 8, 11, 13), offline, zh-TW and English.

Conversation log format (JSON Lines or CSV, one row per turn; read by :mod:`govreport.data.conversations`):
``conversation_id``, ``turn``, ``role`` (``customer`` / ``assistant``; ``user`` and ``bot`` are accepted),
``text``, ``timestamp``, ``channel``, ``handed_to_human``; optional ``latency_ms``, ``feedback``,
``reference_answer``. See docs/genai.md.

Checks, each a rate per period with a status (thresholds in :data:`govreport.core.status.DEFAULT_THRESHOLDS`):

* **personal-data leakage** (Art. 8): assistant turns containing a Taiwan national ID or resident
  certificate (with checksum), a card number passing Luhn, a phone number, an e-mail address
  (:mod:`govreport.data.masking`) or a bank account number (10–16 digits after 帳號 / 帳戶 / account number);
* **AI disclosure** (Art. 11): the first assistant turn of each conversation says it is AI;
* **human alternative** (Art. 11): when a customer asks for a person, the next assistant turn offers one
  (or the conversation was handed over);
* **prohibited statements** (Art. 13): patterns the compliance team configures, with severities
  (:mod:`govreport.assessments.genai_rules`); a high-severity statement makes the indicator red whatever its
  rate;
* **groundedness** (Art. 13): per answer, character-bigram F1 against its reference answer, or else the
  character-bigram containment in the knowledge-base passage BM25 ranks first
  (:mod:`govreport.assessments.genai_rules` documents both); the indicator is the mean, and answers under the
  red line are examples;
* **numeric claims** (Art. 13): every fee, rate, date, time and count an answer states, compared with the
  same source — agreeing, contradicting or unsupported (:mod:`govreport.assessments.genai_claims`);
  ``numeric_claim_error_rate`` is contradicting ÷ checked claims, ``numeric_claim_unsupported_rate``
  unsupported ÷ checked claims; contradictions and unsupported claims are examples, claim beside passage;
* **refusal rate**: replies that decline (「抱歉」「無法提供」… / "I can't", "unable to" …);
* **escalation rate**: conversations handed to a person;
* **latency**: median and 95th percentile of the assistant's reply time in seconds (``latency_ms``, or
  else the time between the customer's turn and the reply from the timestamps).

Replies are assistant turns that follow a customer turn; answers are replies that are neither refusals
nor the reply to a request for a person. Negated phrases do not count (see
:func:`govreport.assessments.genai_rules.negated`). Offending turns are returned as examples with personal
data masked, never raw.

What a single turn says (disclosure, a person asked for or offered, refusal, identifiers) is
:mod:`.genai_turns`; numeric claims are :mod:`.genai_claims`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.status import Indicator, Status, Threshold, threshold_for
from ..data.conversations import ASSISTANT_ROLES, CUSTOMER_ROLES, REQUIRED_COLUMNS
from ..errors import DataError
from .genai_claims import ClaimCheck, compare_claims, extract_claims
from .genai_rules import (
    DEFAULT_RULES,
    EXAMPLE_KINDS,
    KnowledgeBase,
    ProhibitedRule,
    bigram_containment,
    bigram_f1,
    bigrams,
    language_of,
)
from .genai_turns import (
    asks_for_human,
    discloses_ai,
    find_account_numbers,
    is_refusal,
    leaked_kinds,
    mask_turn,
    offers_human,
)

__all__ = [
    "ConversationChecks",
    "check_conversations",
    "bigram_f1",
    "DEFAULT_PROHIBITED",
    "REQUIRED_COLUMNS",
    "find_account_numbers",
    "mask_turn",
    "leaked_kinds",
    "is_refusal",
    "asks_for_human",
    "offers_human",
    "discloses_ai",
    "EXAMPLE_KINDS",
]
#: (pattern, severity, label) — the packaged defaults as tuples; see genai_rules.DEFAULT_RULES.
DEFAULT_PROHIBITED = [(r.pattern, r.severity, r.label) for r in DEFAULT_RULES]
#: The kinds of example the checks keep, in report order.


@dataclass
class ConversationChecks:
    conversations: int
    assistant_turns: int
    rates: dict[str, float | None]
    counts: dict[str, Any]
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    latency_p95_ms: float | None = None
    thresholds: dict[str, Any] = field(default_factory=dict)
    latency: dict[str, Any] = field(default_factory=dict)
    groundedness: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    numeric_claims: dict[str, Any] = field(default_factory=dict)

    def indicators(self) -> list[Indicator]:
        r, c = self.rates, self.counts

        def th(key: str) -> Threshold:
            return threshold_for(key, self.thresholds)

        prohibited = Indicator(
            "prohibited_statement_rate",
            "model_quality",
            13,
            r["prohibited_statement_rate"],
            "違規陳述比率",
            "Prohibited statement rate",
            th("prohibited_statement_rate"),
            unit="share of turns",
            details={"turns": c["prohibited"], "by_severity": c["prohibited_by_severity"]},
        )
        if c["prohibited_by_severity"].get("high"):
            prohibited.status = Status.RED
            prohibited.note = (
                f"{c['prohibited_by_severity']['high']} high-severity statement(s): red whatever the rate"
            )
        return [
            Indicator(
                "pii_leak_rate",
                "system_security",
                8,
                r["pii_leak_rate"],
                "個資外洩比率（助理回覆）",
                "Personal-data leak rate (assistant turns)",
                th("pii_leak_rate"),
                unit="share of turns",
                details={"turns": c["pii_leaks"], "by_kind": c["pii_by_kind"]},
            ),
            Indicator(
                "ai_disclosure_rate",
                "transparency",
                11,
                r["ai_disclosure_rate"],
                "AI 身分揭露比率",
                "AI disclosure rate",
                th("ai_disclosure_rate"),
                unit="share of conversations",
                details={"missing": c["no_disclosure"], "conversations": c["assessed_conversations"]},
            ),
            Indicator(
                "human_alternative_rate",
                "consumer_protection",
                11,
                r["human_alternative_rate"],
                "要求真人時提供替代方案比率",
                "Human alternative offered when asked",
                th("human_alternative_rate"),
                unit="share of requests",
                details={"requests": c["human_requests"], "offered": c["human_offered"]},
            ),
            prohibited,
            Indicator(
                "groundedness",
                "model_quality",
                13,
                r["groundedness"],
                "回覆依據一致度",
                "Groundedness (reference answers / knowledge base)",
                th("groundedness"),
                details={
                    "answers_with_reference": c["with_reference"],
                    "answers_vs_kb": c["with_kb"],
                    "ungrounded": c["ungrounded"],
                },
            ),
            Indicator(
                "numeric_claim_error_rate",
                "model_quality",
                13,
                r.get("numeric_claim_error_rate"),
                "數字陳述錯誤比率（費用、利率、日期時間）",
                "Numeric claims contradicting the source",
                th("numeric_claim_error_rate"),
                unit="share of checked claims",
                details={
                    "contradicting": c["numeric_contradicting"],
                    "checked": c["numeric_claims"],
                    "by_kind": c["numeric_contradicting_by_kind"],
                },
            ),
            Indicator(
                "numeric_claim_unsupported_rate",
                "model_quality",
                13,
                r.get("numeric_claim_unsupported_rate"),
                "數字陳述無依據比率",
                "Numeric claims no source states",
                th("numeric_claim_unsupported_rate"),
                unit="share of checked claims",
                details={"unsupported": c["numeric_unsupported"], "checked": c["numeric_claims"]},
            ),
            Indicator(
                "refusal_rate",
                "model_quality",
                13,
                r["refusal_rate"],
                "拒答比率",
                "Refusal rate",
                th("refusal_rate"),
                unit="share of replies",
                details={"refusals": c["refusals"], "replies": c["replies"]},
            ),
            Indicator(
                "escalation_rate",
                "model_quality",
                13,
                r["escalation_rate"],
                "轉接真人比率",
                "Escalation (hand-over) rate",
                th("escalation_rate"),
                unit="share of conversations",
                details={"handed_over": c["handed_over"]},
            ),
            Indicator(
                "latency_p50_s",
                "model_quality",
                13,
                self.latency.get("p50_s"),
                "回覆時間中位數（秒）",
                "Reply latency, median (s)",
                th("latency_p50_s"),
                unit="seconds",
                details={"source": self.latency.get("source"), "replies": self.latency.get("n")},
            ),
            Indicator(
                "latency_p95_s",
                "model_quality",
                13,
                self.latency.get("p95_s"),
                "回覆時間第95百分位（秒）",
                "Reply latency, 95th percentile (s)",
                th("latency_p95_s"),
                unit="seconds",
                details={"source": self.latency.get("source"), "replies": self.latency.get("n")},
            ),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "assistant_turns": self.assistant_turns,
            "rates": self.rates,
            "counts": self.counts,
            "latency_p95_ms": self.latency_p95_ms,
            "latency": self.latency,
            "groundedness": self.groundedness,
            "rules": self.rules,
            "examples": self.examples,
            "numeric_claims": self.numeric_claims,
        }


def _as_rules(prohibited: Sequence[ProhibitedRule | tuple[str, str, str]] | None) -> list[ProhibitedRule]:
    if prohibited is None:
        return list(DEFAULT_RULES)
    out = []
    for r in prohibited:
        if isinstance(r, ProhibitedRule):
            out.append(r)
        else:
            pattern, severity, label = r
            out.append(ProhibitedRule(pattern, severity, label, label, "any", source="argument"))  # type: ignore[arg-type]
    return out


def _latency(d: pd.DataFrame, replies: list[dict[str, Any]]) -> dict[str, Any]:
    ms = (
        pd.to_numeric(d.loc[d["role"].isin(ASSISTANT_ROLES), "latency_ms"], errors="coerce").dropna()
        if "latency_ms" in d.columns
        else pd.Series(dtype=float)
    )
    source = "latency_ms"
    if ms.empty and "timestamp" in d.columns:
        gaps = []
        for q, a in ((r["_question"], r) for r in replies):
            t0, t1 = (
                pd.to_datetime(q.get("timestamp"), errors="coerce"),
                pd.to_datetime(a.get("timestamp"), errors="coerce"),
            )
            if pd.notna(t0) and pd.notna(t1) and t1 >= t0:
                gaps.append((t1 - t0).total_seconds() * 1000)
        ms, source = pd.Series(gaps, dtype=float), "timestamps"
    if ms.empty:
        return {"p50_s": None, "p95_s": None, "n": 0, "source": None}
    return {
        "p50_s": round(float(ms.quantile(0.5)) / 1000, 3),
        "p95_s": round(float(ms.quantile(0.95)) / 1000, 3),
        "n": int(len(ms)),
        "source": source,
    }


def check_conversations(
    df: pd.DataFrame,
    *,
    prohibited: Sequence[ProhibitedRule | tuple[str, str, str]] | None = None,
    thresholds: dict[str, Any] | None = None,
    max_examples: int = 3,
    knowledge_base: KnowledgeBase | None = None,
    exclude: Sequence[str] = (),
) -> ConversationChecks:
    """Run every check over one period's conversation log (turns as rows; see the module docstring).

    ``exclude``: ids of empty conversations, left out of the per-conversation checks (they are found by
    :func:`govreport.data.conversations.load_conversations`; conversations without an assistant turn are left
    out here anyway).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(
            f"conversation log lacks the column(s) {', '.join(missing)}",
            field=missing[0],
            fix=f"export the columns {', '.join(REQUIRED_COLUMNS)} (see docs/genai.md)",
        )
    d = df.copy()
    d["conversation_id"] = d["conversation_id"].astype(str)
    d["role"] = d["role"].fillna("").astype(str).str.lower().str.strip()
    d["text"] = d["text"].fillna("").astype(str)
    d = d.sort_values(["conversation_id", "turn"], kind="stable")
    rules = _as_rules(prohibited)
    thresholds = thresholds or {}
    ungrounded_below = threshold_for("groundedness", thresholds).red
    examples: dict[str, list[dict[str, Any]]] = {k: [] for k in EXAMPLE_KINDS}

    def example(kind: str, row: dict[str, Any], why: str) -> None:
        if len(examples[kind]) < max_examples:
            examples[kind].append(
                {
                    "conversation_id": str(row["conversation_id"]),
                    "turn": int(row["turn"]),
                    "text": mask_turn(row["text"]),
                    "why": why,
                }
            )

    leaks = prohibited_hits = refusals = 0
    pii_kinds: Counter[str] = Counter()
    shown_kinds: set[str] = set()
    severities: Counter[str] = Counter()
    rule_hits: Counter[str] = Counter()
    requests = offered = handed = assessed = 0
    no_disc: list[str] = []
    replies: list[dict[str, Any]] = []
    ref_scores: list[float] = []
    kb_scores: list[float] = []
    ungrounded = 0
    n_asst = 0
    verdicts: Counter[str] = Counter()
    wrong_by_kind: Counter[str] = Counter()
    claim_examples: dict[str, list[dict[str, Any]]] = {"contradicting": [], "unsupported": []}
    claims_of: dict[str, Any] = {}  # text -> its claims: answers and passages repeat

    def claims(text: str) -> Any:
        if text not in claims_of:
            claims_of[text] = extract_claims(text)
        return claims_of[text]

    def check_numbers(reply: dict[str, Any], source: str, source_id: str) -> None:
        said = claims(reply["text"])
        if not said:
            return
        checks: list[ClaimCheck] = compare_claims(said, claims(source))
        for ch in checks:
            verdicts[ch.verdict] += 1
            if ch.verdict == "contradict":
                wrong_by_kind[ch.claim.kind] += 1
        for verdict, key in (("contradict", "contradicting"), ("unsupported", "unsupported")):
            hit = [ch for ch in checks if ch.verdict == verdict]
            if hit and len(claim_examples[key]) < max_examples:
                claim_examples[key].append(
                    {
                        "conversation_id": str(reply["conversation_id"]),
                        "turn": int(reply["turn"]),
                        "text": mask_turn(reply["text"]),
                        "source": source_id,
                        "passage": mask_turn(source),
                        "claims": [
                            {
                                "claim": mask_turn(ch.claim.text),
                                "kind": ch.claim.kind,
                                "stated": mask_turn(ch.counterpart.text) if ch.counterpart else None,
                            }
                            for ch in hit
                        ],
                    }
                )

    skip = set(map(str, exclude))
    # one conversion to records, grouped in Python: a per-group DataFrame.to_dict took 4 s on 1,200 turns
    by_conv: dict[str, list[dict[str, Any]]] = {}
    for rec in d.to_dict("records"):
        by_conv.setdefault(rec["conversation_id"], []).append(rec)
    has_handed = "handed_to_human" in d.columns
    for cid, conv in by_conv.items():
        rows = [r for r in conv if r["text"].strip()]
        asst = [r for r in rows if r["role"] in ASSISTANT_ROLES]
        n_asst += len(asst)
        for row in asst:
            kinds = leaked_kinds(row["text"])
            if kinds:
                leaks += 1
                pii_kinds.update(set(kinds))
                new_kind = not set(kinds) <= shown_kinds
                if new_kind or len(examples["pii_leak"]) < max_examples:
                    shown_kinds.update(
                        kinds
                    )  # every kind found gets an example, beyond max_examples if need be
                    examples["pii_leak"].append(
                        {
                            "conversation_id": str(row["conversation_id"]),
                            "turn": int(row["turn"]),
                            "text": mask_turn(row["text"]),
                            "why": "personal data in an assistant reply: " + ", ".join(sorted(set(kinds))),
                        }
                    )
            lang = language_of(row["text"])
            for rule in rules:
                if rule.search(row["text"], lang):
                    prohibited_hits += 1
                    severities[rule.severity] += 1
                    rule_hits[rule.label] += 1
                    example("prohibited", row, f"{rule.label} ({rule.severity})")
                    break
        if cid in skip or not asst:
            continue
        assessed += 1
        if not discloses_ai(asst[0]["text"]):
            no_disc.append(str(cid))
            example("no_disclosure", asst[0], "first reply does not say it is AI")
        conv_handed = has_handed and any(
            bool(r["handed_to_human"]) for r in conv if pd.notna(r["handed_to_human"])
        )
        handed += conv_handed
        for i, row in enumerate(rows):
            if row["role"] not in CUSTOMER_ROLES:
                continue
            reply = rows[i + 1] if i + 1 < len(rows) and rows[i + 1]["role"] in ASSISTANT_ROLES else None
            wants_person = asks_for_human(row["text"])
            if wants_person:
                requests += 1
                if (reply is not None and offers_human(reply["text"])) or (reply is None and conv_handed):
                    offered += 1
                else:
                    example("no_alternative", reply or row, "asked for a person; no alternative offered")
            if reply is None:
                continue
            replies.append({**reply, "_question": row})
            if is_refusal(reply["text"]):
                refusals += 1
                example("refusal", reply, "the assistant declined to answer")
                continue
            if wants_person:
                continue
            ref = reply.get("reference_answer")
            if isinstance(ref, str) and ref.strip():
                score = bigram_f1(reply["text"], ref)
                ref_scores.append(score)
                why = f"bigram F1 {score:.2f} against the reference answer"
                check_numbers(reply, ref, "reference answer")
            elif knowledge_base is not None:
                pid, _ = knowledge_base.search(reply["text"])
                score = (
                    bigram_containment(bigrams(reply["text"]), knowledge_base.grams_of(pid)) if pid else 0.0
                )
                kb_scores.append(score)
                why = (
                    f"bigram containment {score:.2f} in the knowledge-base passage BM25 ranks first ({pid})"
                    if pid
                    else "no knowledge-base passage shares a term with it"
                )
                check_numbers(reply, knowledge_base.text_of(pid) if pid else "", pid or "knowledge base")
            else:
                continue
            if score < ungrounded_below:
                ungrounded += 1
                example("ungrounded", reply, why + f" < {ungrounded_below:g}")

    scores = ref_scores + kb_scores
    latency = _latency(d, replies)
    rates = {
        "pii_leak_rate": leaks / n_asst if n_asst else None,
        "ai_disclosure_rate": 1 - len(no_disc) / assessed if assessed else None,
        "human_alternative_rate": offered / requests if requests else None,
        "prohibited_statement_rate": prohibited_hits / n_asst if n_asst else None,
        "groundedness": sum(scores) / len(scores) if scores else None,
        "refusal_rate": refusals / len(replies) if replies else None,
        "escalation_rate": (handed / assessed if assessed else None)
        if "handed_to_human" in d.columns
        else None,
    }
    n_claims = sum(verdicts.values())
    rates["numeric_claim_error_rate"] = verdicts["contradict"] / n_claims if n_claims else None
    rates["numeric_claim_unsupported_rate"] = verdicts["unsupported"] / n_claims if n_claims else None
    counts = {
        "pii_leaks": leaks,
        "pii_by_kind": dict(sorted(pii_kinds.items())),
        "no_disclosure": len(no_disc),
        "assessed_conversations": assessed,
        "human_requests": requests,
        "human_offered": offered,
        "prohibited": prohibited_hits,
        "prohibited_by_severity": dict(severities),
        "prohibited_by_rule": dict(rule_hits),
        "with_reference": len(ref_scores),
        "with_kb": len(kb_scores),
        "ungrounded": ungrounded,
        "replies": len(replies),
        "refusals": refusals,
        "handed_over": handed,
        "numeric_claims": n_claims,
        "numeric_agreeing": verdicts["agree"],
        "numeric_contradicting": verdicts["contradict"],
        "numeric_unsupported": verdicts["unsupported"],
        "numeric_contradicting_by_kind": dict(sorted(wrong_by_kind.items())),
    }
    grounded = {
        "reference_f1_mean": sum(ref_scores) / len(ref_scores) if ref_scores else None,
        "kb_containment_mean": sum(kb_scores) / len(kb_scores) if kb_scores else None,
        "ungrounded_below": ungrounded_below,
        "knowledge_base": knowledge_base.to_dict() if knowledge_base is not None else None,
    }
    rules_info = {"count": len(rules), "sources": sorted({r.source for r in rules})}
    p95 = latency["p95_s"] * 1000 if latency.get("p95_s") is not None else None
    n_conv = int(d["conversation_id"].nunique())
    numeric = {"examples": claim_examples, "retrieval": "bm25" if knowledge_base is not None else None}
    return ConversationChecks(
        n_conv, n_asst, rates, counts, examples, p95, thresholds, latency, grounded, rules_info, numeric
    )
