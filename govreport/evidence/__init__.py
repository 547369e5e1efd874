"""evidence — the hash-chained evidence store (Art. 10) and the queries every reader shares.

Contract: the store depends only on ``errors``; the queries add the workspace (where the store lives).
"""

from .store import GENESIS, EvidenceStore, Problem, RunRecord, redact, sha256_file

__all__ = ["EvidenceStore", "RunRecord", "Problem", "sha256_file", "redact", "GENESIS"]
