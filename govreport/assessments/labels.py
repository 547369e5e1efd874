"""Display names and value labels of a system's columns, for every report (issue 17).

A data contract may declare, per column, ``label: {zh, en}`` and ``values: {code: {zh, en}}``
(``columns:`` in ``<name>.contract.yaml``, docs/contracts.md); an inventory protected attribute's ``label`` /
``values`` override them for that one system. The result goes into results.json as the ``labels`` section:
``{column: {"label": {"zh", "en"} | None, "values": {code: {"zh", "en"}}}}``; the templates name attributes
and groups from it (:func:`govreport.present.labels.group_name`).
"""

from __future__ import annotations

from typing import Any

from ..contracts import load_contract
from ..core.labels import display_label, relabel
from ..workspace.config import Workspace
from ..workspace.inventory import AISystem

__all__ = ["column_labels", "display_label", "relabel"]


def column_labels(ws: Workspace, system: AISystem) -> dict[str, dict[str, Any]]:
    """The labels of every column the system's contracts or its protected attributes name."""
    out: dict[str, dict[str, Any]] = {}
    for ds in system.datasets:
        if not ds.contract:
            continue
        path = ws.contracts_dir / f"{ds.contract}.contract.yaml"
        if not path.is_file():
            continue  # the data-quality check reports a missing contract
        for col, lab in load_contract(path).contract.columns.items():
            entry = out.setdefault(col, {"label": None, "values": {}})
            if lab.label is not None and entry["label"] is None:
                entry["label"] = lab.label.model_dump()
            for code, text in lab.values.items():
                entry["values"].setdefault(code, text.model_dump())
    for pa in system.protected_attributes:
        entry = out.setdefault(pa.column, {"label": None, "values": {}})
        if pa.label is not None:
            entry["label"] = pa.label.model_dump()
        entry["values"].update({code: text.model_dump() for code, text in pa.values.items()})
    return out
