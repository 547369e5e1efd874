"""Queries every reader of the evidence store shares: the workspace's store.

Contract: read-only helpers over :class:`~govreport.evidence.store.EvidenceStore`; the store's location
comes from the workspace (``evidence.url`` in ``govreport.yaml``, default SQLite under ``.govreport/``).
"""

from __future__ import annotations

from pathlib import Path

from ..workspace.config import Workspace, as_workspace
from .store import EvidenceStore

__all__ = ["open_store"]


def open_store(workspace: Workspace | str | Path, *, writing: bool = True) -> EvidenceStore:
    """The evidence store of ``workspace`` (a :class:`Workspace` or its folder); ``writing``: its signing key
    (if named) is checked now, before any job."""
    ws = as_workspace(workspace)
    store = EvidenceStore(ws.evidence_url, ws.root, signing=ws.signing())
    if writing and store.signing is not None:
        store.signing.signer()
    return store
