"""The periodic review's history, read from the evidence store: what changed since the previous review,
indicator trends over the last periods, the status history, every system's statuses for a period, and the
latest reviewed period.

Contract: read-only queries over evidence records and the results files they point to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..core.periods import Period, parse_period
from ..core.status import DIMENSIONS, PORTFOLIO, RunStatus
from ..errors import InputError
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore, RunRecord
from ..workspace.config import Workspace
from ..workspace.inventory import Inventory

#: Matrix value of a cell whose system's runs all failed this period; it outranks every status.
FAILED = RunStatus.FAILED.value
_SEVERITY = {"not_assessed": 0, "green": 1, "amber": 2, "red": 3, FAILED: 4}


def _worst(values: Iterable[str]) -> str:
    best = "not_assessed"
    for v in values:
        if _SEVERITY[v] > _SEVERITY[best]:
            best = v
    return best


def compare_reviews(current: Mapping[str, Any], previous: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every matrix cell and article status against the previous review: improved, worsened, new, same."""
    out: list[dict[str, Any]] = []

    def cmp(kind: str, key: str, sub: str, now: str, before: str | None) -> None:
        if before is None or (before == "not_assessed" and now != "not_assessed"):
            change = "new" if now != "not_assessed" else "same"
        elif now == before:
            change = "same"
        elif now == "not_assessed":
            change = "worsened"  # evidence that existed is now missing
        else:
            change = "worsened" if _SEVERITY[now] > _SEVERITY[before] else "improved"
        out.append({"kind": kind, "key": key, "item": sub, "before": before, "now": now, "change": change})

    pm = previous.get("matrix", {})
    for sid, row in current["matrix"].items():
        for d, v in row.items():
            cmp("matrix", sid, d, v, pm.get(sid, {}).get(d))
    pa = {a["article"]: a["status"] for a in previous.get("articles", [])}
    for a in current["articles"]:
        cmp("article", str(a["article"]), "", a["status"], pa.get(a["article"]))
    return out


#: how far a key indicator may move, as a share of its green line (or of itself without one), before the
#: review's "changes" lists it although its status stayed the same
MOVE_SHOWN = 0.10


def indicator_moves(
    trends: Mapping[str, Mapping[str, Sequence[Sequence[Any]]]],
    systems: Iterable[Any],
    previous_period: str | None,
    period: str,
) -> dict[str, Any]:
    """Key indicators (the trends) against the previous review's period: each that crossed a status
    boundary or moved by more than :data:`MOVE_SHOWN` of its green line is ``shown``; the rest are counted
    as ``steady`` (the review says so in one line)."""
    if not previous_period:
        return {}
    green = {(s.id, i["id"]): (i.get("threshold") or {}).get("green") for s in systems for i in s.indicators}
    shown, steady = [], 0
    for sid, series in trends.items():
        for iid, pts in series.items():
            by_period = {pt[0]: pt for pt in pts}
            a, b = by_period.get(previous_period), by_period.get(period)
            if not a or not b or a[1] is None or b[1] is None:
                continue
            g = green.get((sid, iid))
            scale = abs(g) if g else max(abs(a[1]), abs(b[1]))
            crossed = a[2] != b[2]
            if crossed or (scale > 0 and abs(b[1] - a[1]) > MOVE_SHOWN * scale):
                shown.append(
                    {
                        "system": sid,
                        "indicator": iid,
                        "before": a[2],
                        "now": b[2],
                        "value_before": a[1],
                        "value_now": b[1],
                        "crossed": crossed,
                    }
                )
            else:
                steady += 1
    shown.sort(key=lambda m: (not m["crossed"], m["system"], m["indicator"]))
    return {"shown": shown, "steady": steady, "threshold": MOVE_SHOWN}


_TREND_IDS = ("model_quality.auc", "drift.psi.score", "pii_leak_rate", "ai_disclosure_rate", "groundedness")


def _trend_ids(summary_indicators: Mapping[str, Any]) -> list[str]:
    ids = [i for i in summary_indicators if i in _TREND_IDS]
    ids += [
        i
        for i in summary_indicators
        if i.startswith("fairness.") and i.endswith(".disparate_impact_ratio") and "×" not in i
    ]
    return ids


def _trends(
    ws: Workspace, by_system: Mapping[str, list[RunRecord]], inventory: Inventory, p: Period, notes: list[str]
) -> dict[str, dict[str, list[Any]]]:
    """Per system and key indicator: (period, value, status) over every past period of the same kind, from the
    summaries the evidence store recorded with each run (no file is re-read)."""
    out: dict[str, dict[str, list[Any]]] = {}
    for sid, records in by_system.items():
        if sid == PORTFOLIO:
            continue
        latest: dict[str, RunRecord] = {}
        for r in records:
            rp = parse_period(r.period)
            if r.status != RunStatus.SUCCEEDED or rp.kind != p.kind or rp.start > p.start:
                continue
            key = f"{r.period}|{r.template}"
            if key not in latest or r.seq > latest[key].seq:
                latest[key] = r
        series: dict[str, list[Any]] = {}
        for key in sorted(latest, key=lambda k: parse_period(k.split("|")[0]).start):
            r = latest[key]
            inds = (r.summary or {}).get("indicators", {})
            for iid in _trend_ids(inds):
                v = inds[iid]
                series.setdefault(iid, []).append([r.period, v.get("value"), v.get("status")])
        if series:
            out[sid] = series
    return out


def _status_history(store: EvidenceStore, records: Sequence[RunRecord], p: Period) -> list[dict[str, Any]]:
    """Matrix cells by status for every period of the same kind up to ``p``, from the recorded summaries."""
    periods = sorted(
        {
            r.period
            for r in records
            if r.system_id != PORTFOLIO
            and parse_period(r.period).kind == p.kind
            and parse_period(r.period).start <= p.start
        },
        key=lambda x: parse_period(x).start,
    )
    out = []
    for label in periods:
        counts = dict.fromkeys(_SEVERITY, 0)
        for row in statuses_from_store(store, label).values():
            for v in row.values():
                counts[v] += 1
        out.append({"period": label, **counts})
    return out


def statuses_from_store(store: EvidenceStore, period: str) -> dict[str, dict[str, str]]:
    """The matrix as the evidence store's own summaries give it — an independent path used by tests and
    ``evidence`` tooling to check the review's matrix."""
    out: dict[str, dict[str, list[str]]] = {}
    latest = {}
    sust: RunRecord | None = None
    for r in store.records(period=period):
        if r.kind != "run":
            continue
        if r.system_id == PORTFOLIO:
            if (
                r.template == "sustainability"
                and r.status == RunStatus.SUCCEEDED
                and (sust is None or r.seq > sust.seq)
            ):
                sust = r
            continue
        k = (r.system_id, r.template)
        if k not in latest or r.seq > latest[k].seq:
            latest[k] = r
    for (sid, _t), r in latest.items():
        row = out.setdefault(sid, {d: [] for d in DIMENSIONS})
        if r.status != RunStatus.SUCCEEDED:
            row["__failed__"] = ["1"]
            continue
        for d, v in (r.summary or {}).get("dimensions", {}).items():
            target = "transparency" if d == "consumer_protection" else d
            if target in row and v != "not_assessed":
                row[target].append(v)
    for sid, statuses in ((sust.summary or {}).get("sustainability_by_system", {}) if sust else {}).items():
        if sid in out:
            out[sid]["sustainability"].extend(v for v in statuses if v != "not_assessed")
    res: dict[str, dict[str, str]] = {}
    for sid, row in out.items():
        failed = "__failed__" in row and not any(row[d] for d in DIMENSIONS)
        res[sid] = {d: (FAILED if failed else _worst(row[d])) for d in DIMENSIONS}
    return res


def latest_period(workspace: Workspace, store: EvidenceStore | None = None) -> str:
    """The latest period with a system run in the evidence store (the template's default)."""
    labels = {
        r.period
        for r in (store or open_store(workspace, writing=False)).records()
        if r.system_id != PORTFOLIO and r.kind == "run"
    }
    if not labels:
        raise InputError(
            "the evidence store has no runs yet",
            field="period",
            fix="run `govreport run --period 2026Q3` first, or set the `period` parameter",
        )
    order = {"month": 0, "quarter": 1, "year": 2}
    return max(labels, key=lambda x: (parse_period(x).end, -order[parse_period(x).kind]))
