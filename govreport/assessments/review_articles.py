"""Article coverage of the periodic review (Art. 2–15): for each article, a status and the evidence behind it.

Reads only the :class:`~govreport.assessments.review.Review` already built (its systems, indicators,
sustainability summary and findings), the inventory and the evidence records; it never runs anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..evidence.store import RunRecord
from ..workspace.inventory import Inventory
from .review_history import _worst

#: a :class:`govreport.assessments.review.Review` (not imported: that module imports this one)
Review = Any

__all__ = ["ArticleCoverage", "articles"]


@dataclass
class ArticleCoverage:
    article: int
    status: str
    evidence: list[str]
    missing: str = ""


# -- article coverage (Art. 2–15) ------------------------------------------------------------------
def _ind(review: Review, ids: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    want = set(ids)
    return [(s.id, i) for s in review.systems for i in s.indicators if i["id"] in want]


def _status_of(pairs: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    return _worst(i["status"] for _, i in pairs if i["status"] != "not_assessed") if pairs else "not_assessed"


def articles(review: Review, inventory: Inventory, records: Sequence[RunRecord]) -> list[ArticleCoverage]:
    active = [s for s in review.systems if s.state != "retired" and s.lifecycle != "unknown"]
    in_scope = [s for s in active if s.in_scope]
    out: list[ArticleCoverage] = []

    def add(n: int, status: str, evidence: list[str], missing: str = "") -> None:
        if not evidence:
            status = "not_assessed"
        out.append(ArticleCoverage(n, status, evidence, missing))

    n_inv = len(inventory.systems) + len(inventory.errors)
    # Art. 2 — each system labelled predictive or generative
    labelled = [s for s in active if s.kind in ("predictive", "generative")]
    add(
        2,
        "green" if active and len(labelled) == len(active) else "red" if active else "not_assessed",
        [f"inventory: {len(labelled)}/{len(active)} systems labelled predictive or generative"]
        if active
        else [],
        "" if active else "no AI system in the inventory",
    )
    # Art. 3 — every system tiered
    add(
        3,
        "red" if inventory.errors else ("green" if active else "not_assessed"),
        [
            f"inventory: {n_inv - len(inventory.errors)}/{n_inv} records valid and tiered "
            f"({sum(1 for s in active if s.tier == 'high')} high, "
            f"{sum(1 for s in active if s.tier == 'medium')} "
            f"medium, {sum(1 for s in active if s.tier in ('low', 'out_of_scope'))} low or out of scope)"
        ]
        if n_inv
        else [],
        "" if n_inv else "no inventory",
    )
    # Art. 4 — sustainability run
    if review.sustainability:
        st = review.sustainability
        assessed = [r["status"] for r in st["rows"] if r["status"] != "not_assessed"]
        add(
            4,
            _worst(assessed) if assessed else "not_assessed",
            [f"sustainability RUN_ID {st['run']['seq']} v{st['run']['version']}"],
        )
    else:
        add(4, "not_assessed", [], f"no succeeded sustainability run for {review.period}")
    # Art. 5 — infosec / privacy / IP sign-off (pre-launch infosec opinion on record)
    signed = [s for s in in_scope if (s.prelaunch.get("opinions") or {}).get("infosec")]
    add(
        5,
        "green" if in_scope and len(signed) == len(in_scope) else "amber",
        [f"pre-launch infosec opinion on record for {len(signed)}/{len(in_scope)} in-scope systems"]
        if in_scope
        else [],
        "" if in_scope else "no in-scope system",
    )
    # Art. 6 — fairness
    fair = [(s.id, i) for s in review.systems for i in s.indicators if i.get("dimension") == "fairness"]
    pred = [s for s in active if s.kind == "predictive"]
    covered = {sid for sid, _ in fair}
    add(
        6,
        _status_of(fair),
        [f"fairness indicators of {len(covered)}/{len(pred)} predictive systems"] if fair else [],
        ""
        if len(covered) == len(pred)
        else f"no fairness results for {', '.join(s.id for s in pred if s.id not in covered) or '—'}",
    )
    # Art. 7 — data quality, model quality, explainability
    q = [
        (s.id, i)
        for s in review.systems
        for i in s.indicators
        if i.get("dimension") in ("data_quality", "model_quality", "explainability") and i.get("article") == 7
    ]
    add(
        7,
        _status_of(q),
        [
            f"{len(q)} data-quality, model-quality and explainability indicators "
            f"from {len({sid for sid, _ in q})} systems",
            *_training_evidence(review, pred),
        ]
        if q
        else [],
        "" if q else "no model-quality or data-quality results this period",
    )
    # Art. 8 — privacy: leaks in generative outputs; reports mask personal data
    leaks = _ind(review, ["pii_leak_rate"])
    add(
        8,
        _status_of(leaks),
        [
            f"personal-data leak check of {len(leaks)} generative systems; data-check samples "
            "masked in every report"
        ]
        if leaks
        else [],
        "" if leaks else "no personal-data leak check this period",
    )
    # Art. 9 — accountable executive per system; training records
    owned = [s for s in active if s.accountable.get("name")]
    training = [
        r for r in (review.sustainability or {}).get("rows", []) if r["indicator"].startswith("ai_training")
    ]
    ev9 = [f"accountable executive or committee for {len(owned)}/{len(active)} systems"] if active else []
    if training:
        ev9.append("staff AI-training hours recorded")
    add(
        9,
        "green" if active and len(owned) == len(active) and training else "amber",
        ev9,
        "" if training else "no staff AI-training record this period (sustainability.yaml)",
    )
    # Art. 10 — evidence store intact; vendor trace-log attestations
    vend = [s for s in active if s.vendor]
    attested = [s for s in vend if (s.vendor or {}).get("trace_log_attestation", {}).get("provided")]
    ev10 = [f"evidence store: {len(records)} records, chain {'intact' if review.evidence_ok else 'BROKEN'}"]
    if vend:
        ev10.append(f"vendor trace-log attestation for {len(attested)}/{len(vend)} third-party systems")
    add(10, "red" if not review.evidence_ok else ("green" if len(attested) == len(vend) else "amber"), ev10)
    # Art. 11 — consumer disclosure
    disc = _ind(review, ["channel_compliance_rate", "ai_disclosure_rate", "human_alternative_rate"])
    add(
        11,
        _status_of(disc),
        [f"{len(disc)} disclosure indicators (channels, conversations)"] if disc else [],
        "" if disc else "no customer-facing channel recorded",
    )
    # Art. 12 — pre-launch assessment
    pre = _ind(review, ["prelaunch_completeness"])
    add(
        12,
        _status_of(pre),
        [f"pre-launch record of {len(pre)} systems"] if pre else [],
        "" if pre else "no pre-launch record assessed this period",
    )
    # Art. 13 — periodic review on time, seven dimensions assessed
    overdue = [s.id for s in in_scope if s.overdue]
    unassessed = [s.id for s in in_scope if s.state != "assessed"]
    st13 = "red" if overdue else ("amber" if unassessed else "green")
    add(
        13,
        st13 if in_scope else "not_assessed",
        [f"{len(in_scope) - len(overdue)}/{len(in_scope)} in-scope systems reviewed on time"]
        if in_scope
        else [],
        (f"overdue: {', '.join(overdue)}. " if overdue else "")
        + (f"not assessed this period: {', '.join(unassessed)}" if unassessed else ""),
    )
    # Art. 14 — outsourcing clauses
    required = {"audit_rights", "data_location", "incident_notification", "subcontracting", "exit_plan"}
    complete = [s for s in vend if required <= set((s.vendor or {}).get("contract_clauses", []))]
    add(
        14,
        ("green" if len(complete) == len(vend) else "amber") if vend else "not_assessed",
        [f"outsourcing contract clauses complete for {len(complete)}/{len(vend)} vendors"] if vend else [],
        "" if vend else "no third-party system",
    )
    # Art. 15 — findings register
    if review.findings is None:
        add(15, "not_assessed", [], "no findings register (findings.yaml)")
    else:
        high_over = [f for f in review.findings if f["overdue"] and f["severity"] == "high"]
        any_over = [f for f in review.findings if f["overdue"]]
        add(
            15,
            "red" if high_over else ("amber" if any_over else "green"),
            [
                f"findings register: {sum(f['open_at_end'] for f in review.findings)} open, "
                f"{len(any_over)} overdue"
            ],
        )
    return out


def _training_evidence(review: Review, predictive: Sequence[Any]) -> list[str]:
    """Art. 7 (data quality): the training-data audit of the data_quality reports, and what it found."""
    found = [
        (s.id, i)
        for s in review.systems
        for i in s.indicators
        if i.get("template") == "data_quality" and str(i.get("id", "")).startswith("training.")
    ]
    if not found:
        return []
    # system ids only (the review names them in the reader's language); the indicators behind a finding
    # are listed where the matrix explains its cells
    flagged = list(dict.fromkeys(sid for sid, i in found if i.get("status") in ("amber", "red")))
    return [
        f"training-data audit (data_quality report) of {len({sid for sid, _ in found})}/{len(predictive)} "
        f"predictive systems: " + (f"findings in {', '.join(flagged)}" if flagged else "no finding")
    ]
