"""Validation pages beside each report: one page per data contract and language, from recorded results.

After a run's results are computed, :func:`write_validation_pages` writes ``validation-<contract>.html``
(Traditional Chinese) and ``validation-<contract>.en.html`` (English) into the run's folder for every
contract in its ``data_quality`` (:mod:`govreport.present.validation`). They are ordinary outputs of the
run — recorded in the evidence store with their SHA-256, copied into the site by ``govreport publish``
(the report links to them) — and are built only from evidence: this run's results.json and the
results.json of the same system's earlier recorded runs (the history across periods). Nothing is
validated again.

:func:`contract_history` is also what ``govreport contracts validate --html`` uses for its history.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text
from ..core.periods import parse_period
from ..core.status import RunStatus
from ..evidence.store import EvidenceStore
from ..present.validation import LANGS, page_names, validation_page
from ..workspace.config import Workspace

__all__ = ["write_validation_pages", "contract_history"]

log = logging.getLogger(__name__)


def _period_start(label: str) -> Any:
    try:
        return parse_period(label).start
    except Exception:  # noqa: BLE001 - a label of another shape sorts last, never breaks a run
        return label


def contract_history(
    ws: Workspace,
    store: EvidenceStore,
    contract: str,
    *,
    before: str | None = None,
    system_id: str | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """``(period, recorded result)`` of ``contract``, oldest first: per period the latest succeeded run
    (of ``system_id`` when given) whose results.json validated it; only periods before ``before``.
    A results.json that no longer reads is left out (``evidence verify`` reports it)."""
    limit = _period_start(before) if before else None
    by_period: dict[str, list[Any]] = {}
    for rec in store.records(system_id=system_id, kind="run", status=RunStatus.SUCCEEDED):
        if "results" in rec.outputs and (limit is None or _period_start(rec.period) < limit):
            by_period.setdefault(rec.period, []).append(rec)
    out = []
    for period, recs in by_period.items():
        for rec in reversed(recs):  # newest first: the latest run that validated the contract
            try:
                data = json.loads(Path(ws.resolve(rec.outputs["results"]["path"])).read_text("utf-8"))
            except (OSError, ValueError):
                continue
            res = (data.get("data_quality") or {}).get(contract)
            if isinstance(res, dict):
                out.append((period, res))
                break
    out.sort(key=lambda pr: _period_start(pr[0]))
    return out


def pages_for(
    result: Mapping[str, Any], history: list[tuple[str, dict[str, Any]]], back_href: str | None
) -> dict[str, str]:
    """The page of ``result`` in each language, each linking to the other: ``{file name: html}``."""
    names = page_names(str(result.get("contract")))
    return {
        names[lang]: validation_page(
            result,
            lang=lang,
            history=history,
            other_lang_href=names[LANGS[1 - LANGS.index(lang)]],
            back_href=back_href,
        )
        for lang in LANGS
    }


def write_validation_pages(
    ws: Workspace, store: EvidenceStore, folder: Path, *, period: str, system_id: str
) -> list[Path]:
    """Write the validation pages of ``folder/results.json`` into ``folder``; the files written. A page
    that cannot be built is logged and skipped: it never fails the run whose evidence it shows."""
    try:
        data = json.loads((folder / "results.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    written: list[Path] = []
    for contract, result in (data.get("data_quality") or {}).items():
        if not isinstance(result, dict):
            continue
        try:
            history = contract_history(ws, store, contract, before=period, system_id=system_id)
            for name, text in pages_for(result, history, "report.html").items():
                atomic_write_text(folder / name, text)
                written.append(folder / name)
        except Exception as e:  # noqa: BLE001 - see the docstring
            log.warning("validation page of %s not written: %s", contract, e)
    return written
