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

from ..core.labels import relabel
from ..core.periods import Period, add_months, parse_period
from ..core.results import build_results, write_results
from ..core.status import (
    CONTEXT_ONLY,
    DEFAULT_THRESHOLDS,
    DIMENSIONS,
    PORTFOLIO,
    RunStatus,
    Threshold,
    roll_up,
)
from ..core.version import __version__
from ..evidence.queries import open_store
from ..evidence.signoff import signoffs_for
from ..evidence.store import EvidenceStore, RunRecord, sha256_file
from ..workspace.config import Workspace, as_workspace
from ..workspace.findings import age_findings, load_findings
from ..workspace.inventory import AISystem, Inventory
from .review_articles import ArticleCoverage, articles
from .review_decisions import TIER_ORDER, decisions, inventory_changes, top_risks
from .review_history import (
    _SEVERITY,
    FAILED,
    _status_history,
    _trends,
    _worst,
    compare_reviews,
    indicator_moves,
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
_TIER_ORDER = TIER_ORDER


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
    #: the status of the run's results (green / amber / red / not_assessed), apart from the run's own status
    result_status: str = ""

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
    #: per dimension whose cell is not green: its status, the reason code when not assessed (no_evidence,
    #: no_contract, not_judged, failed) and the ids of the indicators behind it (see :func:`_fill_dimensions`)
    basis: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_review: str | None = None
    next_due: str | None = None
    overdue: bool = False


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
    #: the workspace's time zone (govreport.yaml ``timezone``): every time in the report is written in it
    timezone: str = "Asia/Taipei"
    #: key indicators that crossed a status line or moved by more than a stated share since the previous
    #: review, and how many held steady (:func:`~govreport.assessments.review_history.indicator_moves`)
    moves: dict[str, Any] = field(default_factory=dict)

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
    """The system's indicators, its cell per dimension (:func:`govreport.core.status.roll_up`, the rule every
    report uses) and, for every cell that is not green, the indicators behind it (``sr.basis``)."""
    for ref in sr.runs:
        res = _results(ws, ref, notes)
        if res is None:
            ref.result_status = "not_assessed"
            continue
        ref.result_status = str(res.get("status") or "not_assessed")
        for ind in res.get("indicators", []):
            th = ind.get("threshold") or None
            zh, en = relabel(ind, res.get("labels"))  # columns by the names the run's contracts gave them
            sr.indicators.append(
                {
                    "template": ref.template,
                    "id": ind["id"],
                    "dimension": ind.get("dimension"),
                    "article": ind.get("article"),
                    "status": ind.get("status"),
                    "value": ind.get("value"),
                    "label_zh": zh,
                    "label_en": en,
                    "unit": ind.get("unit", ""),
                    "threshold": {k: v for k, v in th.items() if k != "rule"} if th else None,
                    "rule": (th or {}).get("rule", ""),
                }
            )
    for row in sust_rows:  # the sustainability report's rows of this system (Art. 4)
        if row.get("scope") != sr.id or row.get("status") in (None, "not_assessed"):
            continue
        judged = row.get("judged_value", row.get("value"))
        th = row.get("threshold") or None
        sr.indicators.append(
            {
                "template": "sustainability",
                "id": f"sustainability.{row['indicator']}",
                "dimension": "sustainability",
                "article": row.get("article") or 4,
                "status": row["status"],
                "value": judged,
                "label_zh": row.get("label_zh"),
                "label_en": row.get("label_en"),
                "unit": row.get("judged_unit", row.get("unit", "")),
                "threshold": {k: v for k, v in th.items() if k != "rule"} if th else None,
                "rule": row.get("rule", ""),
            }
        )
    if sr.state == "failed":
        sr.dimensions = dict.fromkeys(DIMENSIONS, FAILED)
        sr.overall = FAILED
        sr.basis = {d: {"status": FAILED, "reason": "failed", "indicators": []} for d in DIMENSIONS}
        return
    statuses, reasons = roll_up(sr.indicators, {"consumer_protection": "transparency"})
    sr.dimensions = {d: statuses.get(d, "not_assessed") for d in DIMENSIONS}
    sr.overall = _worst(sr.dimensions.values())
    sr.basis = {}
    for d, st in sr.dimensions.items():
        if st == "green":
            continue
        mine = [
            i
            for i in sr.indicators
            if {"consumer_protection": "transparency"}.get(i.get("dimension") or "", i.get("dimension")) == d
        ]
        if st in ("red", "amber"):
            behind = [i["id"] for i in mine if i["status"] == st and i["id"] not in CONTEXT_ONLY]
            sr.basis[d] = {"status": st, "reason": "", "indicators": behind}
        else:  # not assessed: the reason, and whatever was measured stays visible as context
            sr.basis[d] = {
                "status": st,
                "reason": reasons.get(d, "no_evidence"),
                "indicators": [i["id"] for i in mine],
            }


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
        timezone=ws.config.timezone,
    )
    review.articles = articles(review, inventory, all_records)
    review.top_risks = top_risks(review)
    review.decisions = decisions(review)
    review.inventory_changes = inventory_changes(review, previous)
    review.changes = compare_reviews(review.to_dict(), previous) if previous else []
    review.moves = indicator_moves(review.trends, systems, review.previous_period, p.label)
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


def _threshold_row(key: str, th: Threshold) -> dict[str, Any]:
    """A default threshold as review.json keeps it: its parts (rendered per language and unit) and rule."""
    return {"indicator": key, **th.to_dict()}


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
    ref.result_status = str(res.get("status") or "not_assessed")
    return {
        "run": asdict(ref),
        "status": res.get("status", "not_assessed"),
        "rows": portfolio,
        "factors_used": res.get("sustainability", {}).get("factors_used"),
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
        timezone=review.timezone,
    )

    def plain(v: str) -> str:
        return "red" if v == FAILED else v

    data["status"] = plain(review.overall)
    for d in DIMENSIONS:
        cells = [row[d] for row in review.matrix.values()]
        rolled = plain(_worst(cells))
        # nothing green without evidence: a dimension some system has no evidence for is not green overall
        if rolled == "green" and "not_assessed" in cells:
            rolled = "not_assessed"
        data["dimensions"][d] = rolled
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
