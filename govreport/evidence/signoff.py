"""Recorded sign-off of the periodic review (Art. 9): who approved which version of the review, on which
chain.

``govreport signoff --period P --role R --name N --opinion O`` appends a signed evidence record
(``kind="signoff"``, ``system_id="_portfolio"``, ``template="review"``) naming the review it approves — the
period's latest succeeded review: its RUN_ID, version, record hash and report SHA-256 — and the chain head
the signer saw (after :meth:`EvidenceStore.verify` found it intact). A sign-off needs the signing key: an
unsigned sign-off would prove nothing.

:func:`signoffs_for` lists a period's sign-offs for the review, its PDF and the site; a sign-off for a review
version that a later review of the period superseded is *stale*: it approved a report that is no longer the
period's review.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from ..errors import ConfigError, InputError, TamperedEvidence
from ..workspace.config import Workspace
from .store import RunRecord

__all__ = ["ROLES", "record_signoff", "signoffs_for", "latest_review"]

#: The roles of the review's sign-off block, in its order.
ROLES = ("infosec", "compliance", "risk", "committee")
PORTFOLIO = "_portfolio"
REVIEW = "review"


def latest_review(records: Iterable[RunRecord], period: str) -> RunRecord | None:
    """The period's current review: its latest succeeded ``review`` run."""
    ok = [
        r
        for r in records
        if r.kind == "run"
        and r.system_id == PORTFOLIO
        and r.template == REVIEW
        and r.period == period
        and r.status == "succeeded"
    ]
    return max(ok, key=lambda r: r.seq) if ok else None


def signoffs_for(records: Iterable[RunRecord], period: str) -> list[dict[str, Any]]:
    """The period's recorded sign-offs, oldest first, each with ``stale`` (its review was superseded)."""
    records = list(records)
    current = latest_review(records, period)
    reviews = {
        r.seq: r for r in records if r.kind == "run" and r.template == REVIEW and r.system_id == PORTFOLIO
    }
    out = []
    for r in records:
        if r.kind != "signoff" or r.period != period:
            continue
        s = r.summary
        stale = current is None or s.get("review_seq") != current.seq
        out.append(
            {
                "seq": r.seq,
                "time": r.finished_at,
                "role": s.get("role"),
                "name": s.get("name"),
                "opinion": s.get("opinion"),
                "review_seq": s.get("review_seq"),
                "review_version": s.get("review_version"),
                "head_seq": s.get("head_seq"),
                "head_hash": s.get("head_hash"),
                "key_fingerprint": s.get("key_fingerprint"),
                "stale": stale,
                "current_version": current.version if current else None,
                "review_known": s.get("review_seq") in reviews,
            }
        )
    return out


def record_signoff(ws: Workspace, period: str, role: str, name: str, opinion: str) -> RunRecord:
    """Append the signed sign-off of ``role`` for the period's current review (see the module docstring)."""
    from ..core.periods import parse_period
    from .queries import open_store

    label = parse_period(period).label
    if role not in ROLES:
        raise InputError(
            f"role '{role}' is not one of {', '.join(ROLES)}",
            field="--role",
            fix="use infosec, compliance, risk or committee",
        )
    name, opinion = " ".join(name.split()), opinion.strip()
    if not name or len(name) > 200:
        raise InputError(
            "the name must be 1–200 characters", field="--name", fix="give the signer's name and unit"
        )
    if not opinion or len(opinion) > 2000:
        raise InputError(
            "the opinion must be 1–2000 characters",
            field="--opinion",
            fix="write the opinion, e.g. --opinion 'approved; follow up finding F-3 by 2026-12'",
        )
    store = open_store(ws)
    if store.signing is None:
        raise ConfigError(
            "a sign-off is a signed record, and govreport.yaml names no signing key",
            file=ws.root / "govreport.yaml",
            field="evidence.signing",
            fix="make one with `govreport evidence keygen --out FILE` (docs/evidence.md)",
        )
    problems = store.verify()
    if problems:
        raise TamperedEvidence(
            f"evidence chain check failed at {problems[0]}",
            fix="a review is signed off on an intact chain only: `govreport evidence verify`",
        )
    review = latest_review(store.records(period=label), label)
    if review is None:
        raise InputError(
            f"no succeeded review for {label} in the evidence store: there is nothing to sign off",
            field="--period",
            fix=f"run `govreport review --period {label}` first",
        )
    head = store.head()
    return store.append(
        RunRecord(
            system_id=PORTFOLIO,
            period=label,
            template=REVIEW,
            kind="signoff",
            status="signed",
            started_at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            summary={
                "role": role,
                "name": name,
                "opinion": opinion,
                "review_seq": review.seq,
                "review_version": review.version,
                "review_record_hash": review.record_hash,
                "review_sha256": review.outputs.get("html", {}).get("sha256"),
                "head_seq": head["seq"],
                "head_hash": head["record_hash"],
                "key_fingerprint": store.signing.fingerprint,
            },
        )
    )
