"""The five Art. 7 data-quality dimensions of a validated contract.

* **completeness**, **validity**, **uniqueness** — from the suite's expectations (see
  :data:`~govreport.contracts.DIMENSION_OF`; an expectation may set ``meta.dimension``), honouring the
  tolerance each declares. An expectation's *score* is its pass share counted against its ``mostly``:
  ``1 − max(0, unexpected share − (1 − mostly))`` — 1 when the data is within the tolerance the suite
  allows, otherwise 1 minus the share of values beyond it — where the unexpected share is Great
  Expectations' ``unexpected_percent / 100`` (of the checked, non-missing values; of all rows for
  not-null). An expectation on the whole table scores 1 if it passed, 0 if not; one that raised an error
  scores 0. The dimension's value is its lowest score, its status that value against the threshold —
  except that a dimension with a failed expectation is never green (data outside the suite's tolerance is
  at most amber). ``pass_share`` keeps the lowest raw pass share beside it. Default thresholds:
  ``completeness`` and ``validity`` green ≥ 0.99, red < 0.95; ``uniqueness`` green = 1, red < 0.999.
* **freshness** — the age in days of the newest record (``freshness.column``) or of the file
  (modification time), on the as-of day: the end of ``--period`` when given, else today. Green up to
  ``freshness.max_age_days``, red beyond twice that.
* **representativeness** — the largest PSI (population stability index) between the data and the
  contract's reference (training) data over the compared columns, with each column's largest shift in a
  category's (or bin's) share of rows. Thresholds of PSI: green < 0.10, red > 0.25.

A contract can override any of these lines under ``thresholds:``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.status import Indicator, Status, Threshold
from ..errors import DataError
from ..metrics import psi_table
from ._model import QUALITY_DIMENSIONS, Contract

__all__ = [
    "LABELS",
    "expectation_dimension",
    "expectation_score",
    "find_newest",
    "freshness_dimension",
    "representativeness_dimension",
    "indicators_for",
    "Newest",
]

LABELS: dict[str, tuple[str, str]] = {
    "completeness": ("完整性", "Completeness"),
    "validity": ("有效性", "Validity"),
    "uniqueness": ("唯一性", "Uniqueness"),
    "freshness": ("時效性（資料天數）", "Freshness (age in days)"),
    "representativeness": ("代表性（相對訓練資料之 PSI）", "Representativeness (PSI vs. reference data)"),
}
_UNITS = {
    "completeness": "share",
    "validity": "share",
    "uniqueness": "share",
    "freshness": "days",
    "representativeness": "PSI",
}


def _pass_share(e: dict[str, Any]) -> float:
    """The share of checked values that passed (1/0 for an expectation on the whole table, 0 on error)."""
    if e.get("error"):
        return 0.0
    pct = e.get("unexpected_percent")
    if pct is None:
        return 1.0 if e["success"] else 0.0
    return max(0.0, 1.0 - float(pct) / 100.0)


def _mostly(e: dict[str, Any]) -> float:
    """The expectation's ``mostly`` (1 when it sets none, or sets something unreadable)."""
    m = (e.get("kwargs") or {}).get("mostly")
    try:
        m = float(m) if m is not None else 1.0
    except (TypeError, ValueError):
        return 1.0
    return min(1.0, max(0.0, m)) if m == m else 1.0


def expectation_score(e: dict[str, Any]) -> float:
    """The pass share counted against the expectation's tolerance: ``1 − max(0, unexpected − (1 − mostly))``.

    1 for data within what the suite allows; below 1 by the share of values beyond it. An expectation on
    the whole table scores 1/0 (passed/failed); one that raised an error 0."""
    if e.get("error"):
        return 0.0
    if e.get("unexpected_percent") is None:
        return 1.0 if e["success"] else 0.0
    excess = (1.0 - _pass_share(e)) - (1.0 - _mostly(e))
    if e["success"]:  # Great Expectations' own verdict: within the tolerance (rounding never makes it worse)
        return 1.0
    return max(0.0, min(1.0, 1.0 - max(0.0, excess)))


def expectation_dimension(dim: str, exps: list[dict[str, Any]], threshold: Threshold) -> dict[str, Any]:
    """Completeness, validity or uniqueness from the expectation entries of a validation (see the module
    docstring: tolerance-aware scores; never green with a failed expectation)."""
    mine = [e for e in exps if e["dimension"] == dim]
    info: dict[str, Any] = {
        "value": None,
        "unit": _UNITS[dim],
        "expectations": len(mine),
        "failed": sum(not e["success"] for e in mine),
        "_threshold": threshold,
    }
    if not mine:
        info["note"] = "no expectation of this kind in the suite"
        return info
    scores = [(expectation_score(e), _pass_share(e), e) for e in mine]
    value, _, worst = min(scores, key=lambda t: (t[0], t[1]))
    info["value"] = round(value, 6)
    info["pass_share"] = round(min(t[1] for t in scores), 6)
    info["worst"] = {
        "type": worst["type"],
        "column": worst.get("column"),
        "index": worst["index"],
        "mostly": _mostly(worst),
    }
    if info["failed"]:
        info["_at_most"] = "amber"
        info["note"] = f"{info['failed']} expectation(s) outside the suite's tolerance: at most amber"
    return info


@dataclass
class Newest:
    """The newest record's time and where it came from (for freshness)."""

    when: datetime | None
    source: str
    note: str = ""


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    ts = pd.to_datetime(value, errors="coerce", utc=True)
    if ts is None or pd.isna(ts):
        return None
    return ts.to_pydatetime().replace(tzinfo=None)


def newest_in_column(series: pd.Series) -> datetime | None:
    if pd.api.types.is_datetime64_any_dtype(series):
        ts = series.max()
    else:
        parsed = pd.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
        if parsed.isna().all():
            parsed = pd.to_datetime(series, errors="coerce", utc=True, format="mixed")
        ts = parsed.max()
    return _as_datetime(ts)


def newest_of_file(path: Path) -> datetime:
    """The modification time of a file, or of the newest file in a folder (a Parquet dataset's parts)."""
    if path.is_dir():
        mtime = max((f.stat().st_mtime for f in path.rglob("*") if f.is_file()), default=path.stat().st_mtime)
    else:
        mtime = path.stat().st_mtime
    return datetime.fromtimestamp(mtime, UTC).replace(tzinfo=None)


def find_newest(
    contract: Contract,
    newest_in: Callable[[str], datetime | None] | None,
    path: Path | None,
    what: str,
    warn: list[str],
) -> Newest | None:
    """The newest record for freshness: ``newest_in(column)`` of ``freshness.column``, else the
    modification time of ``path``, else none (``what`` names the data without a file time); a warning
    when it cannot be told. None without a freshness rule."""
    if contract.freshness is None:
        return None
    col = contract.freshness.column
    if col and newest_in is not None:
        newest = Newest(newest_in(col), f"column {col}", note=f"column '{col}' holds no readable timestamp")
    elif path is not None:
        newest = Newest(newest_of_file(path), "file modification time")
    else:
        newest = Newest(None, "none", note=f"no file time for {what}: set freshness.column")
    if newest.when is None:
        warn.append(f"freshness of {contract.name}: {newest.note}")
    return newest


def freshness_dimension(contract: Contract, newest: Newest | None, as_of: date) -> dict[str, Any]:
    th = contract.threshold("freshness")
    if contract.freshness is None:
        return {
            "value": None,
            "unit": "days",
            "note": "no freshness rule in the contract",
            "_threshold": None,
        }
    info: dict[str, Any] = {"value": None, "unit": "days", "as_of": as_of.isoformat(), "_threshold": th}
    if newest is None or newest.when is None:
        info["source"] = newest.source if newest else None
        info["note"] = (
            newest.note if newest and newest.note else "the age of the data could not be determined"
        )
        return info
    age = (as_of - newest.when.date()).days
    info.update(
        value=float(max(0, age)), newest=newest.when.isoformat(timespec="seconds"), source=newest.source
    )
    if age < 0:
        info["note"] = "the data is newer than the as-of day (counted as 0 days old)"
    return info


def representativeness_dimension(
    contract: Contract,
    current: pd.DataFrame | None,
    reference: pd.DataFrame | None,
    *,
    columns: list[str],
    reference_info: dict[str, Any] | None,
    note: str = "",
    psi: Callable[[str, int], pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """The dimension from the two frames, or from ``psi(column, bins)`` — the
    :func:`~govreport.metrics.psi_table` of a column computed elsewhere (on Spark:
    :func:`govreport.engines.psi_on`, equal to it)."""
    th = contract.threshold("representativeness")
    info: dict[str, Any] = {"value": None, "unit": "PSI", "_threshold": th}
    if reference_info:
        info["reference"] = reference_info
    if psi is None and (current is None or reference is None):
        info["note"] = note or "no reference dataset in the contract (representativeness:)"
        info["_threshold"] = th if reference is not None else None
        return info
    if not columns:
        info["note"] = "no columns to compare (list representativeness.columns, or protected attributes)"
        return info
    rep = contract.representativeness
    bins = rep.bins if rep else 10
    per: dict[str, dict[str, Any]] = {}
    for col in columns:
        table = psi(col, bins) if psi is not None else psi_table(current[col], reference[col], bins)  # type: ignore[index]
        shift = (table["current_share"] - table["reference_share"]).abs()
        i = int(shift.to_numpy().argmax())
        per[col] = {
            "psi": round(float(table["contribution"].sum()), 6),
            "max_share_shift": round(float(shift.iloc[i]), 6),
            "bin": str(table["bin"].iloc[i]),
            "bins": len(table),
        }
    worst = max(per, key=lambda k: per[k]["psi"])
    info.update(value=per[worst]["psi"], worst=worst, columns=per)
    return info


def check_columns(columns: list[str], frames: dict[str, pd.DataFrame], *, file: Path | str | None) -> None:
    for label, df in frames.items():
        gone = [c for c in columns if c not in df.columns]
        if gone:
            raise DataError(
                f"the {label} data lacks the representativeness column(s) {', '.join(gone)}",
                file=file,
                field="representativeness.columns",
                fix="list only columns both datasets have",
            )


def indicators_for(contract: str, dims: dict[str, dict[str, Any]]) -> list[Indicator]:
    """One ``data_quality`` indicator (Art. 7) per dimension; sets each dimension's status and threshold."""
    out = []
    for d in QUALITY_DIMENSIONS:
        info = dims[d]
        th = info.pop("_threshold", None)
        zh, en = LABELS[d]
        at_most = info.pop("_at_most", None)
        status = th.evaluate(info.get("value")) if th else None
        if at_most == "amber" and status == Status.GREEN:
            status = Status.AMBER
        ind = Indicator(
            f"data_quality.{contract}.{d}",
            "data_quality",
            7,
            info.get("value"),
            f"{zh}（{contract}）",
            f"{en} ({contract})",
            th,
            status=status,
            unit=_UNITS[d],
            note=info.get("note", ""),
            details={"contract": contract, "dimension": d},
        )
        info["status"] = ind.status.value if ind.status else "not_assessed"
        info["threshold"] = th.to_dict() if th else None
        out.append(ind)
    return out
