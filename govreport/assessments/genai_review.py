"""The generative-AI review of one system and period, from the workspace: what the ``genai_review``
template runs (the library computes; the notebook presents).

:func:`assess_genai` reads the period's conversation log (:mod:`govreport.data.conversations`, tolerating bad
lines), the workspace's prohibited patterns and knowledge base (:mod:`govreport.assessments.genai_rules`),
runs the checks (:mod:`govreport.assessments.genai_checks`), validates the readable turns against the log's
data contract (Great Expectations), and adds the governance indicators and the vendor's trace-log attestation
(Art. 10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..contracts import load_contract, validate
from ..core.status import Indicator, threshold_for
from ..data.conversations import MAX_LISTED, ConversationLog, load_conversations
from ..errors import ContractError, InputError
from .genai_checks import ConversationChecks, check_conversations
from .genai_rules import (
    DEFAULT_RULES,
    find_knowledge_base,
    find_prohibited_file,
    load_knowledge_base,
    load_prohibited,
)
from .governance import governance_indicators

__all__ = ["GenaiAssessment", "assess_genai", "vendor_summary"]

#: An attestation older than this at the end of the period is flagged for renewal.
ATTESTATION_MAX_AGE_DAYS = 365


@dataclass
class GenaiAssessment:
    indicators: list[Indicator]
    sections: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    log: ConversationLog | None = None
    checks: ConversationChecks | None = None


def vendor_summary(system: Any, period_end: date) -> dict[str, Any] | None:
    """The vendor and its trace-log attestation (Art. 10) as results.json records it; None when the
    system is not third-party."""
    v = system.vendor
    if v is None:
        return None
    att = v.trace_log_attestation
    age = (period_end - att.date).days if att.date else None
    return {
        "name": v.name,
        "country": v.country,
        "provided": att.provided,
        "date": att.date.isoformat() if att.date else None,
        "document": att.document,
        "age_days": age,
        "stale": bool(age is not None and age > ATTESTATION_MAX_AGE_DAYS),
        "contract_clauses": list(v.contract_clauses),
        "outsourcing_approved": v.outsourcing_approved,
    }


def assess_genai(ctx: Any) -> GenaiAssessment:
    """Everything the ``genai_review`` template shows, for ``ctx`` (a
    :class:`govreport.run.context.TemplateContext`)."""
    system, ws = ctx.system, ctx.ws
    ds = system.dataset("conversations")
    if ds is None:
        raise InputError(
            f"system '{system.id}' declares no dataset with role 'conversations'",
            file=ws.systems_dir / f"{system.id}.yaml",
            field="datasets",
            fix="add a dataset with role: conversations (see docs/genai.md)",
        )
    log = load_conversations(ctx.dataset_path("conversations"), ds.format, ds.encoding)
    rules_file = find_prohibited_file(ws.root, system.datasets)
    rules = load_prohibited(rules_file) if rules_file else list(DEFAULT_RULES)
    kb_path = find_knowledge_base(ws.root, system.id, system.datasets)
    kb = load_knowledge_base(kb_path, ws.root) if kb_path else None
    checks = check_conversations(
        log.frame,
        prohibited=rules,
        thresholds=system.thresholds,
        knowledge_base=kb,
        exclude=log.empty_conversations,
    )
    indicators = [
        Indicator(
            "log_readable_rate",
            "data_quality",
            7,
            log.readable_rate,
            "對話紀錄可讀取行數比率",
            "Readable lines of the conversation log",
            threshold_for("log_readable_rate", system.thresholds),
            unit="share of lines",
            details={"malformed": len(log.malformed), "lines": [n for n, _ in log.malformed[:MAX_LISTED]]},
        ),
        *checks.indicators(),
    ]
    sections: dict[str, Any] = {}
    if ds.contract:
        path = ws.contracts_dir / f"{ds.contract}.contract.yaml"
        if not path.is_file():
            raise ContractError(
                f"contract '{ds.contract}' not found",
                file=path,
                field="datasets.contract",
                fix="add it to data_contracts/ or remove `contract:` from the dataset",
            )
        # the readable turns, not the file: malformed and re-encoded lines are reported above instead
        result = validate(load_contract(path), ws.root, data=log.source_frame(), period=ctx.period.label)
        indicators += result.indicators()
        sections["data_quality"] = {ds.contract: result.to_dict()}
    indicators += governance_indicators(system)
    genai = checks.to_dict()
    genai["log"] = log.to_dict()
    genai["vendor"] = vendor_summary(system, ctx.period.end)
    genai["prohibited_file"] = ws.relative(rules_file) if rules_file else None
    sections["genai"] = genai
    notes = log.notes()
    if rules_file is None:
        notes.append(
            "No genai_prohibited.yaml in the workspace: the packaged prohibited-statement patterns apply."
        )
    if kb is None:
        notes.append(
            "No knowledge base for this system: answers without a reference answer are not scored for "
            "groundedness."
        )
    return GenaiAssessment(indicators, sections, notes, log, checks)
