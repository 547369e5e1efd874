"""The periodic review for senior management (Art. 9, 11–15): one report per period for the whole portfolio.

:func:`build_review` gathers what the other capabilities recorded — it never runs a notebook or recomputes
an indicator. Sources, all read-only:

* the evidence store: for each system, the latest record of each template in the period (succeeded runs
  give their ``results.json``, checked against the SHA-256 the store recorded; failed and interrupted runs
  are shown with their reason); the portfolio's sustainability run; every earlier period's records for the
  trend lines; the previous period's review (``review.json``) for "what changed";
* the inventory (``systems/*.yaml``) for names, tiers, owners, channels, pre-launch records and vendors;
* the findings register (``findings.yaml``, :mod:`govreport.workspace.findings`).

The status matrix has a row per system and a column per Art. 13 dimension. A cell is the worst status of
that dimension over the system's succeeded runs of the period (the *transparency* column also takes the
Art. 11 consumer-disclosure indicators; *sustainability* comes from the sustainability run's per-system
rows). A cell with no evidence is ``not_assessed`` — nothing is green without a run behind it — and a
system whose runs failed shows ``failed`` with the reason.

The result (:class:`Review`) is JSON-serialisable (``review.json``): the next period's review compares
against it, and the site links to it. Rendering is in :mod:`govreport.present.review`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..core.periods import Period, add_months, parse_period
from ..core.results import build_results, write_results
from ..core.status import DEFAULT_THRESHOLDS, DIMENSIONS, PORTFOLIO, RunStatus
from ..core.version import __version__
from ..evidence.queries import open_store
from ..evidence.signoff import signoffs_for
from ..evidence.store import EvidenceStore, RunRecord, sha256_file
from ..workspace.config import Workspace, as_workspace
from ..workspace.findings import age_findings, load_findings
from ..workspace.inventory import AISystem, Inventory
from .review_history import (
    _SEVERITY,
    FAILED,
    _status_history,
    _trends,
    _worst,
    compare_reviews,
    latest_period,
    statuses_from_store,
)

__all__ = [
    "latest_period",
    "Review",
    "SystemReview",
    "RunRef",
    "ArticleCoverage",
    "build_review",
    "compare_reviews",
    "NORMS_VERSION",
    "REVIEW_TEMPLATE",
    "FAILED",
    "statuses_from_store",
    "export",
    "report_links",
]

#: The norms' version the review assesses against.
NORMS_VERSION = "中華民國銀行商業同業公會全國聯合會「金融機構運用人工智慧技術作業規範」（2025-05-29 修正）"
REVIEW_TEMPLATE = "review"
_TIER_ORDER = {"high": 0, "medium": 1, "low": 2, "out_of_scope": 3, "unassessed": 4}


@dataclass
class RunRef:
    """One evidence record the review used."""

    seq: int
    system_id: str
    template: str
    period: str
    version: int
    status: str
    finished_at: str
    record_hash: str
    error: str = ""
    report: str | None = None
    results: str | None = None
    results_sha256: str | None = None

    @classmethod
    def of(cls, r: RunRecord) -> RunRef:
        out = r.outputs or {}
        return cls(
            r.seq,
            r.system_id,
            r.template,
            r.period,
            r.version,
            r.status,
            r.finished_at,
            r.record_hash,
            r.error,
            out.get("html", {}).get("path"),
            out.get("results", {}).get("path"),
            out.get("results", {}).get("sha256"),
        )


@dataclass
class SystemReview:
    id: str
    name_zh: str
    name_en: str
    kind: str
    tier: str
    risk_score: int | None
    review_months: int
    lifecycle: str
    in_scope: bool
    accountable: dict[str, Any]
    owner: dict[str, Any]
    vendor: dict[str, Any] | None
    channels: list[dict[str, Any]]
    prelaunch: dict[str, Any]
    state: str  # assessed | failed | not_assessed | retired
    reason: str = ""
    runs: list[RunRef] = field(default_factory=list)
    failed_runs: list[RunRef] = field(default_factory=list)
    dimensions: dict[str, str] = field(default_factory=dict)
    overall: str = "not_assessed"
    indicators: list[dict[str, Any]] = field(default_factory=list)
    last_review: str | None = None
    next_due: str | None = None
    overdue: bool = False


@dataclass
class ArticleCoverage:
    article: int
    status: str
    evidence: list[str]
    missing: str = ""


@dataclass
class Review:
    period: str
    period_start: str
    period_end: str
    generated_at: str
    govreport_version: str
    norms_version: str
    bank_zh: str
    bank_en: str
    preparer: str
    committees: list[str]
    systems: list[SystemReview]
    missing_systems: list[str]
    matrix: dict[str, dict[str, str]]
    overall: str
    articles: list[ArticleCoverage]
    top_risks: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    inventory_changes: dict[str, Any]
    previous_period: str | None
    changes: list[dict[str, Any]]
    trends: dict[str, dict[str, list[Any]]]
    status_history: list[dict[str, Any]]
    sustainability: dict[str, Any] | None
    findings: list[dict[str, Any]] | None
    thresholds: list[dict[str, Any]]
    evidence_ok: bool
    evidence_problems: list[str]
    notes: list[str] = field(default_factory=list)
    #: the chain head the review was built on (seq, record_hash, key_fingerprint, store_id): printed on the
    #: cover, so a signed paper review is itself an anchor
    evidence_head: dict[str, Any] = field(default_factory=dict)
    #: sign-offs already recorded for the period (govreport.evidence.signoff): all of earlier versions, so
    #: stale here
    signoffs: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def write(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(
            json.dumps(self.to_dict(), ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8"
        )
        return p

    def system(self, sid: str) -> SystemReview:
        return next(s for s in self.systems if s.id == sid)

    def counts(self) -> dict[str, int]:
        """How many matrix cells are in each status (failed included)."""
        out = dict.fromkeys(_SEVERITY, 0)
        for row in self.matrix.values():
            for v in row.values():
                out[v] += 1
        return out


# -- reading evidence -------------------------------------------------------------------------------
def _results(ws: Workspace, ref: RunRef, notes: list[str]) -> dict[str, Any] | None:
    """The run's results.json, only if it still matches the SHA-256 the evidence store recorded."""
    if not ref.results:
        return None
    path = ws.resolve(ref.results)
    if not path.is_file():
        notes.append(
            f"{ref.system_id}/{ref.template} RUN_ID {ref.seq}: results file {ref.results} is missing; "
            "its indicators are not used"
        )
        return None
    if ref.results_sha256 and sha256_file(path) != ref.results_sha256:
        notes.append(
            f"{ref.system_id}/{ref.template} RUN_ID {ref.seq}: results file {ref.results} no longer "
            "matches its recorded SHA-256; its indicators are not used"
        )
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _latest_by_template(records: Iterable[RunRecord]) -> dict[str, RunRecord]:
    """Per template, the latest record (highest seq)."""
    out: dict[str, RunRecord] = {}
    for r in records:
        if r.kind != "run":
            continue
        if r.template not in out or r.seq > out[r.template].seq:
            out[r.template] = r
    return out


def _system_row(sys: AISystem | None, sid: str, records: list[RunRecord], period: Period) -> SystemReview:
    if sys is not None:
        s = sys.public_summary()
        sr = SystemReview(
            id=sid,
            name_zh=sys.name_zh,
            name_en=sys.name_en,
            kind=sys.kind,
            tier=s["tier"],
            risk_score=s.get("risk_score"),
            review_months=s.get("review_months") or 12,
            lifecycle=sys.lifecycle,
            in_scope=bool(s.get("in_scope")),
            accountable=sys.accountable.model_dump(mode="json"),
            owner=sys.owner.model_dump(mode="json"),
            vendor=sys.vendor.model_dump(mode="json") if sys.vendor else None,
            channels=[c.model_dump(mode="json") for c in sys.channels],
            prelaunch={**sys.prelaunch.model_dump(mode="json"), "gaps": sys.prelaunch.gaps()},
            state="not_assessed",
        )
    else:  # in the evidence store but no longer in the inventory
        sr = SystemReview(
            id=sid,
            name_zh=sid,
            name_en=sid,
            kind="unknown",
            tier="unassessed",
            risk_score=None,
            review_months=12,
            lifecycle="unknown",
            in_scope=False,
            accountable={},
            owner={},
            vendor=None,
            channels=[],
            prelaunch={},
            state="not_assessed",
            reason="not in the inventory (systems/*.yaml)",
        )
    latest = _latest_by_template(r for r in records if r.period == period.label)
    sr.runs = [RunRef.of(r) for t, r in sorted(latest.items()) if r.status == RunStatus.SUCCEEDED]
    sr.failed_runs = [RunRef.of(r) for t, r in sorted(latest.items()) if r.status != RunStatus.SUCCEEDED]
    if sys is not None and sys.lifecycle == "retired":
        sr.state, sr.reason = "retired", "retired: not reviewed"
    elif sr.runs:
        sr.state = "assessed"
    elif sr.failed_runs:
        sr.state = "failed"
        sr.reason = "; ".join(f"{f.template}: {f.error or f.status}" for f in sr.failed_runs)
    elif sys is not None:
        sr.reason = f"no run recorded for {period.label}"
    # review calendar (Art. 13): the last period with a succeeded run, and when the next is due
    done = sorted(
        (parse_period(r.period) for r in records if r.status == RunStatus.SUCCEEDED), key=lambda p: p.end
    )
    done = [p for p in done if p.end <= period.end]
    if done:
        last = done[-1]
        sr.last_review = last.label
        due = add_months(last.end, sr.review_months)
        sr.next_due = due.isoformat()
        sr.overdue = sr.lifecycle == "active" and sr.in_scope and due < period.end
    elif sys is not None and sys.lifecycle == "active" and sys.scope.in_scope:
        live = sys.prelaunch.go_live
        due = add_months(live, sr.review_months) if live else period.start
        sr.next_due = due.isoformat()
        sr.overdue = due < period.end
    return sr


def _fill_dimensions(
    ws: Workspace, sr: SystemReview, sust_rows: Sequence[Mapping[str, Any]], notes: list[str]
) -> None:
    dims: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    for ref in sr.runs:
        res = _results(ws, ref, notes)
        if res is None:
            continue
        for d, v in res.get("dimensions", {}).items():
            target = "transparency" if d == "consumer_protection" else d
            if target in dims and v != "not_assessed":
                dims[target].append(v)
        for ind in res.get("indicators", []):
            sr.indicators.append(
                {
                    "template": ref.template,
                    "id": ind["id"],
                    "dimension": ind.get("dimension"),
                    "article": ind.get("article"),
                    "status": ind.get("status"),
                    "value": ind.get("value"),
                    "label_zh": ind.get("label_zh"),
                    "label_en": ind.get("label_en"),
                    "unit": ind.get("unit", ""),
                    "rule": (ind.get("threshold") or {}).get("rule", ""),
                }
            )
    for row in sust_rows:
        if row.get("scope") == sr.id and row.get("status") not in (None, "not_assessed"):
            dims["sustainability"].append(row["status"])
    if sr.state == "failed":
        sr.dimensions = dict.fromkeys(DIMENSIONS, FAILED)
        sr.overall = FAILED
        return
    sr.dimensions = {d: _worst(v) for d, v in dims.items()}
    sr.overall = _worst(sr.dimensions.values())


# -- the review -------------------------------------------------------------------------------------
def build_review(
    workspace: Workspace | str | Path, period: str, *, store: EvidenceStore | None = None
) -> Review:
    """Everything the review report shows for ``period``, read from the evidence store and workspace."""
    ws = as_workspace(workspace)
    p = parse_period(period)
    if store is None:
        store = open_store(ws, writing=False)
    notes: list[str] = []
    inventory = Inventory.load(ws)
    for sid, err in inventory.errors.items():
        notes.append(f"{sid}: inventory record invalid — {err}")
    all_records = [r for r in store.records() if r.kind == "run"]
    by_system: dict[str, list[RunRecord]] = {}
    for r in all_records:
        by_system.setdefault(r.system_id, []).append(r)

    # sustainability (Art. 4): the latest succeeded portfolio run of this period
    sust_ref = _latest_succeeded(by_system.get(PORTFOLIO, []), "sustainability", p.label)
    sust = _results(ws, sust_ref, notes) if sust_ref else None
    sust_rows = [
        r for r in (sust or {}).get("sustainability", {}).get("rows", []) if r.get("period") == p.label
    ]

    systems: list[SystemReview] = []
    for sys in inventory.ordered():
        sr = _system_row(sys, sys.id, by_system.get(sys.id, []), p)
        _fill_dimensions(ws, sr, sust_rows, notes)
        systems.append(sr)
    known = {s.id for s in systems}
    for sid in sorted(by_system):
        if sid in known or sid == PORTFOLIO or sid in inventory.errors:
            continue
        if any(r.period == p.label for r in by_system[sid]):
            sr = _system_row(None, sid, by_system[sid], p)
            _fill_dimensions(ws, sr, sust_rows, notes)
            systems.append(sr)
    for sid, err in inventory.errors.items():
        sr = _system_row(None, sid, by_system.get(sid, []), p)
        sr.reason = f"inventory record invalid: {err}"
        _fill_dimensions(ws, sr, sust_rows, notes)
        systems.append(sr)
    systems.sort(key=lambda s: (_TIER_ORDER.get(s.tier, 9), s.id))
    reviewed = [s for s in systems if s.state != "retired"]
    matrix = {s.id: s.dimensions for s in reviewed}
    missing = [s.id for s in reviewed if s.state == "not_assessed"]
    if missing:
        notes.append(f"no run recorded for {p.label}: {', '.join(missing)} — shown as not assessed")

    checked = store.check(check_files=True)
    problems = [str(x) for x in checked.problems]
    head = store.head() | {"signed": checked.signed, "records": checked.records}
    signoffs = [s | {"stale": True} for s in signoffs_for(store.records(period=p.label), p.label)]
    previous = _previous_review(ws, by_system.get(PORTFOLIO, []), p, notes)
    findings = load_findings(ws.root)
    aged = [a.to_dict() for a in age_findings(findings, p.end)] if findings is not None else None

    review = Review(
        period=p.label,
        period_start=p.start.isoformat(),
        period_end=p.end.isoformat(),
        generated_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        govreport_version=__version__,
        norms_version=NORMS_VERSION,
        bank_zh=ws.config.name_zh,
        bank_en=ws.config.name_en,
        preparer=ws.config.preparer,
        committees=sorted(
            {
                s.accountable.get("committee") or s.accountable.get("role", "")
                for s in reviewed
                if s.accountable
            }
            - {""}
        ),
        systems=systems,
        missing_systems=missing,
        matrix=matrix,
        overall=_worst(v for row in matrix.values() for v in row.values()),
        articles=[],
        top_risks=[],
        decisions=[],
        inventory_changes={},
        previous_period=previous["period"] if previous else None,
        changes=[],
        trends=_trends(ws, by_system, inventory, p, notes),
        status_history=_status_history(store, all_records, p),
        sustainability=_sustainability_summary(sust_ref, sust, sust_rows),
        findings=aged,
        thresholds=[_threshold_row(k, v) for k, v in sorted(DEFAULT_THRESHOLDS.items())],
        evidence_ok=not problems,
        evidence_problems=problems,
        notes=notes,
        evidence_head=head,
        signoffs=signoffs,
    )
    review.articles = _articles(review, inventory, all_records)
    review.top_risks = _top_risks(review)
    review.decisions = _decisions(review)
    review.inventory_changes = _inventory_changes(review, previous)
    review.changes = compare_reviews(review.to_dict(), previous) if previous else []
    return review


def _latest_succeeded(records: Sequence[RunRecord], template: str, period: str) -> RunRef | None:
    ok = [
        r
        for r in records
        if r.template == template and r.period == period and r.status == RunStatus.SUCCEEDED
    ]
    return RunRef.of(max(ok, key=lambda r: r.seq)) if ok else None


def _previous_review(
    ws: Workspace, portfolio: Sequence[RunRecord], p: Period, notes: list[str]
) -> dict[str, Any] | None:
    earlier = sorted(
        {
            r.period
            for r in portfolio
            if r.template == REVIEW_TEMPLATE
            and r.status == RunStatus.SUCCEEDED
            and parse_period(r.period).end < p.start
            and parse_period(r.period).kind == p.kind
        },
        key=lambda x: parse_period(x).start,
    )
    if not earlier:
        notes.append("no earlier review in the evidence store: nothing to compare with")
        return None
    ref = _latest_succeeded(portfolio, REVIEW_TEMPLATE, earlier[-1])
    assert ref is not None
    rec = next(r for r in portfolio if r.seq == ref.seq)
    out = (rec.outputs or {}).get("review")
    if not out:
        notes.append(
            f"the {earlier[-1]} review (RUN_ID {ref.seq}) has no review.json: nothing to compare with"
        )
        return None
    path = ws.resolve(out["path"])
    if not path.is_file() or sha256_file(path) != out["sha256"]:
        notes.append(
            f"the {earlier[-1]} review's review.json is missing or changed since it was recorded: "
            "nothing to compare with"
        )
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _threshold_row(key: str, th: Any) -> dict[str, Any]:
    return {"indicator": key, "rule": th.rule if hasattr(th, "rule") else str(th)}


def _sustainability_summary(
    ref: RunRef | None, res: Mapping[str, Any] | None, rows: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    if ref is None or res is None:
        return None
    keep = (
        "energy_kwh",
        "emissions_kgco2e",
        "intensity_g_per_1k",
        "reviews_on_time",
        "ai_training_hours_per_employee",
        "energy_kwh_measured",
        "energy_kwh_declared",
        "energy_kwh_estimated",
    )
    portfolio = [dict(r) for r in rows if r.get("scope") == "portfolio" and r.get("indicator") in keep]
    return {
        "run": asdict(ref),
        "status": res.get("status", "not_assessed"),
        "rows": portfolio,
        "factors_used": res.get("sustainability", {}).get("factors_used"),
    }


# -- trends ---------------------------------------------------------------------------------------


# -- article coverage (Art. 2–15) ------------------------------------------------------------------
def _ind(review: Review, ids: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    want = set(ids)
    return [(s.id, i) for s in review.systems for i in s.indicators if i["id"] in want]


def _status_of(pairs: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    return _worst(i["status"] for _, i in pairs if i["status"] != "not_assessed") if pairs else "not_assessed"


def _articles(review: Review, inventory: Inventory, records: Sequence[RunRecord]) -> list[ArticleCoverage]:
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


# -- risks and decisions ----------------------------------------------------------------------------
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
    flagged = [f"{sid}: {i['id']} {i['status']}" for sid, i in found if i.get("status") in ("amber", "red")]
    return [
        f"training-data audit (data_quality report) of {len({sid for sid, _ in found})}/{len(predictive)} "
        f"predictive systems: " + ("; ".join(flagged) if flagged else "no finding")
    ]


def _top_risks(review: Review, limit: int = 6) -> list[dict[str, Any]]:
    risks = []
    for s in review.systems:
        if s.state == "failed":
            risks.append(
                {
                    "system": s.id,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "tier": s.tier,
                    "status": FAILED,
                    "id": "run",
                    "label_zh": "本期執行失敗",
                    "label_en": "this period's run failed",
                    "value": None,
                    "rule": s.reason,
                    "article": 13,
                }
            )
        for i in s.indicators:
            if i["status"] in ("red", "amber"):
                risks.append(
                    {"system": s.id, "name_zh": s.name_zh, "name_en": s.name_en, "tier": s.tier, **i}
                )
    risks.sort(key=lambda r: (-_SEVERITY[r["status"]], _TIER_ORDER.get(r["tier"], 9), r["system"], r["id"]))
    seen: set[tuple[str, str]] = set()
    out = []
    for r in risks:  # one line per system and dimension: the worst
        key = (r["system"], r.get("dimension") or r["id"])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out[:limit]


def _decisions(review: Review) -> list[dict[str, Any]]:
    """What management is asked to decide, each tied to the evidence that raises it."""
    out: list[dict[str, Any]] = []
    for s in review.systems:
        if s.state == "failed":
            out.append(
                {"key": "review.decision.failed", "system": s.id, "name_zh": s.name_zh, "reason": s.reason}
            )
            continue
        reds = sorted({i["dimension"] for i in s.indicators if i["status"] == "red" and i.get("dimension")})
        if reds:
            out.append(
                {"key": "review.decision.red", "system": s.id, "name_zh": s.name_zh, "dimensions": reds}
            )
        if s.overdue:
            out.append(
                {"key": "review.decision.overdue", "system": s.id, "name_zh": s.name_zh, "due": s.next_due}
            )
    if review.missing_systems:
        out.append({"key": "review.decision.missing", "systems": review.missing_systems})
    unsec = [sid for sid, row in review.matrix.items() if row.get("system_security") == "not_assessed"]
    if unsec:
        out.append({"key": "review.decision.security", "systems": unsec})
    for f in review.findings or []:
        if f["overdue"] and f["severity"] == "high":
            out.append({"key": "review.decision.finding", "finding": f["id"], "days": f["days_overdue"]})
    if not review.evidence_ok:
        out.append({"key": "review.decision.evidence", "problems": len(review.evidence_problems)})
    return out


def _inventory_changes(review: Review, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    if previous is None:
        return {"compared": False}
    before = {s["id"]: s for s in previous.get("systems", [])}
    now = {s.id: s for s in review.systems}
    new = [sid for sid in now if sid not in before and now[sid].lifecycle != "retired"]
    retired = [
        sid
        for sid in now
        if now[sid].lifecycle == "retired" and before.get(sid, {}).get("lifecycle") != "retired"
    ]
    retired += [sid for sid in before if sid not in now]
    retiered = [
        {"system": sid, "before": before[sid]["tier"], "now": now[sid].tier}
        for sid in now
        if sid in before and before[sid]["tier"] != now[sid].tier
    ]
    scope = [
        {"system": sid, "before": before[sid]["in_scope"], "now": now[sid].in_scope}
        for sid in now
        if sid in before and before[sid]["in_scope"] != now[sid].in_scope
    ]
    return {
        "compared": True,
        "previous": previous.get("period"),
        "new": new,
        "retired": sorted(set(retired)),
        "retiered": retiered,
        "scope": scope,
    }


def export(
    review: Review, output_dir: str | Path | None, workspace: Workspace | None = None
) -> dict[str, Path]:
    """Write ``review.json`` (the whole review, read by the next period's review and the site) and a
    ``results.json`` in the common schema (overall status and the worst status per dimension)."""
    if output_dir is None:
        if workspace is None:
            raise ValueError("output_dir or workspace is required")
        output_dir = workspace.state_dir / "scratch" / "review" / review.period
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"review": review.write(out / "review.json")}
    data = build_results(
        system={
            "id": "portfolio",
            "name_zh": review.bank_zh,
            "name_en": review.bank_en,
            "kind": "adhoc",
            "tier": "unassessed",
        },
        period=review.period,
        template=REVIEW_TEMPLATE,
        indicators=[],
        notes=review.notes,
    )

    def plain(v: str) -> str:
        return "red" if v == FAILED else v

    data["status"] = plain(review.overall)
    for d in DIMENSIONS:
        data["dimensions"][d] = plain(_worst(row[d] for row in review.matrix.values()))
    paths["results"] = write_results(out / "results.json", data)
    return paths


def report_links(review: Review, workspace: Workspace) -> dict[str, str]:
    """Links from the review's final folder (``reports/<period>/_portfolio/review/v<N>/``) to each report."""
    here = workspace.reports_dir / review.period / PORTFOLIO / REVIEW_TEMPLATE / "v0"
    out = {}
    for s in review.systems:
        for ref in [*s.runs, *s.failed_runs]:
            if ref.report:
                out[ref.report] = os.path.relpath(workspace.resolve(ref.report), here)
    if review.sustainability and review.sustainability["run"].get("report"):
        rep = review.sustainability["run"]["report"]
        out[rep] = os.path.relpath(workspace.resolve(rep), here)
    return out
