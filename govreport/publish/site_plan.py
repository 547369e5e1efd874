"""What the report site publishes (:mod:`govreport.publish.site`), planned from the evidence store alone:
per period, system and template the latest record and the succeeded version the site copies; the site's
file names and styles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.periods import parse_period
from ..core.status import RunStatus
from ..evidence.store import RunRecord
from ..workspace.config import Workspace

__all__ = ["Entry", "SiteResult", "plan_site", "default_out", "MANIFEST", "MARKER", "REVIEW"]

REVIEW = "review"
MANIFEST = "site.json"
#: the marker file of a folder built by ``govreport publish`` (random id + file manifest)
MARKER = ".govreport-site"
_GENERATOR = "govreport publish"
#: Recorded outputs that stay in the workspace: the executed notebook (code) and the worker's log.
_UNPUBLISHED = ("notebook", "log")
_STATUSES = ("green", "amber", "red", "not_assessed")
_HREF = re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_CSS = """
.gr-period { border-top: 3px solid var(--gr-ink); margin-top: 2.2em; }
.gr-site-review { border: 1px solid var(--gr-rule); background: #fafbfc; padding: 8px 16px; margin: 10px 0; }
.gr-site-review .gr-badge { min-width: 4.2em; }
.gr-site-nav a { margin-right: 1.2em; }
a { color: #1d4f91; }
td .gr-muted, .gr-site-note { font-size: .85em; }
"""


@dataclass
class Entry:
    """One (period, system, template): its latest record, and the succeeded version the site publishes."""

    period: str
    system_id: str
    template: str
    latest: RunRecord
    published: RunRecord | None
    history: list[RunRecord] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.latest.status != RunStatus.SUCCEEDED


@dataclass
class SiteResult:
    """What :func:`build_site` wrote."""

    out: Path
    index: Path
    periods: list[str]
    files: list[str]
    pdfs: list[Path]
    seconds: float


def default_out(ws: Workspace) -> Path:
    """``<workspace>/site``."""
    return ws.root / "site"


# -- planning: what the evidence store says -----------------------------------------------------------
def _period_key(label: str) -> tuple[Any, ...]:
    try:
        p = parse_period(label)
    except Exception:  # noqa: BLE001 - an unparsable label still gets a place (last)
        return (0, label)
    order = {"month": 0, "quarter": 1, "year": 2}
    return (1, p.end, -order[p.kind], label)


def plan_site(records: Iterable[RunRecord]) -> dict[str, list[Entry]]:
    """Per period (newest first), one :class:`Entry` per (system, template), in chain order."""
    groups: dict[tuple[str, str, str], list[RunRecord]] = {}
    for r in records:
        if r.kind != "run":
            continue
        groups.setdefault((r.period, r.system_id, r.template), []).append(r)
    out: dict[str, list[Entry]] = {}
    for (period, sid, template), recs in groups.items():
        recs.sort(key=lambda r: r.seq)
        ok = [r for r in recs if r.status == RunStatus.SUCCEEDED and "html" in r.outputs]
        out.setdefault(period, []).append(
            Entry(period, sid, template, recs[-1], ok[-1] if ok else None, recs)
        )
    return {p: out[p] for p in sorted(out, key=_period_key, reverse=True)}
