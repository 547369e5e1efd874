"""evidence — the hash-chained evidence store (Art. 10) and the queries every reader shares.

Contract: the store depends only on ``errors``; the queries add the workspace (where the store lives).
"""

from . import store as _store
from .store import GENESIS, EvidenceStore, Problem, RunRecord, redact, sha256_file

__all__ = ["EvidenceStore", "RunRecord", "Problem", "sha256_file", "redact", "GENESIS"]


def __getattr__(name: str) -> object:
    """Every other public name of ``govreport.evidence`` before the package layout, from :mod:`.store`."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_store, name)
