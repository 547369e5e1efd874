"""What a job reads: the fingerprints (SHA-256) of a system's datasets and contracts for a period, and the
required datasets that are missing.

Contract: reads the workspace's files; writes nothing. The runner records the fingerprints in each job's
evidence record and refuses (or records as failed) a system whose required data is absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.periods import Period
from ..data.sources import fill_source_period, is_spark_text, local_files_sha256
from ..evidence.store import sha256_file
from ..workspace.config import Workspace
from ..workspace.inventory import AISystem, Dataset

__all__ = ["REQUIRED_ROLES", "missing_data"]


#: dataset roles every job of a system needs (an optional ``reference`` missing is a note in the report)
REQUIRED_ROLES = ("scoring", "conversations")


def _required(ds: Dataset) -> bool:
    """Whether a job cannot run without dataset ``ds``: scoring data and conversation logs, and a training
    set with a data contract (validated in every model_risk and data_quality run)."""
    return ds.role in REQUIRED_ROLES or (ds.role == "training" and bool(ds.contract))


def _inputs(ws: Workspace, system: AISystem | None, period: Period) -> tuple[list[dict[str, Any]], list[str]]:
    """Fingerprints of the system's datasets and contracts for the period, and the required datasets that
    are missing (one line each: dataset, expected path)."""
    inputs: list[dict[str, Any]] = []
    missing: list[str] = []
    if system is None:  # portfolio templates read the evidence store and workspace files
        for name in ("sustainability.yaml", "findings.yaml", "govreport.yaml"):
            f = ws.root / name
            if f.is_file():
                inputs.append({"name": name, "role": "workspace", "path": name, "sha256": sha256_file(f)})
        return inputs, missing
    for ds in system.datasets:
        raw = fill_source_period(ds.path, period.label)  # spark:db.t_{period}: 2026-07 → 2026_07
        lake = is_spark_text(raw)
        where = raw.split(":", 1)[1].strip() if lake else raw
        if "://" in where or raw.startswith("spark:"):  # a database, object storage or a Spark table:
            inputs.append(
                {"name": ds.name, "role": ds.role, "path": raw, "sha256": None}
            )  # the job checks it
        else:
            path = ws.resolve(where)
            if not (path.exists() if lake else path.is_file()):  # spark+parquet: a file or a folder of parts
                if _required(ds):
                    missing.append(f"dataset '{ds.name}' not found at {ws.relative(path)}")
                continue
            sha, size = local_files_sha256(path)  # a file's own SHA-256; a lake folder's over its parts
            inputs.append(
                {
                    "name": ds.name,
                    "role": ds.role,
                    "path": raw if lake else ws.relative(path),
                    "sha256": sha,
                    "bytes": size,
                }
            )
        if ds.contract:
            for f in sorted(ws.contracts_dir.glob(f"{ds.contract}.*")):
                inputs.append(
                    {
                        "name": f"{ds.contract} ({f.suffix.lstrip('.')})",
                        "role": "contract",
                        "path": ws.relative(f),
                        "sha256": sha256_file(f),
                    }
                )
    return inputs, missing


def missing_data(ws: Workspace, systems: Sequence[AISystem], period: Period) -> dict[str, list[str]]:
    """System id → one line per required dataset that is absent for ``period`` (``dataset '<name>' not
    found at <path>``), for the systems missing any. Databases, object storage and Spark
    tables are left to the job, which records a clear failure when they are unreachable."""
    return {s.id: m for s in systems if (m := _inputs(ws, s, period)[1])}
