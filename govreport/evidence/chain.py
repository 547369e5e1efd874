"""Checking the evidence chain: hashes and sequence, signatures, the head file and external anchors.

Contract: pure functions over records already read (:class:`~govreport.evidence.records.RunRecord`) and
their signatures; they return :class:`~govreport.evidence.records.Problem` lists, first bad record first, and
never raise on bad evidence. :meth:`govreport.evidence.store.EvidenceStore.check` reads and calls them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.files import sha256_file
from .records import ANCHOR_FORMAT, GENESIS, Problem, RunRecord, Verification

__all__ = ["check_chain", "check_head", "fingerprint"]


def check_chain(
    recs: Sequence[RunRecord],
    sigs: Mapping[int, tuple[str, str]],
    *,
    store_id: str,
    configured: str | None,
    anchors: Sequence[tuple[str, Any]] = (),
    resolve: Callable[[str], Path] | None = None,
    head_file: Path | None = None,
    head_name: str = "",
    adopting: bool = False,
) -> Verification:
    """Every check of the chain ``recs`` (in seq order) with signatures ``sigs`` (seq → key, signature).

    ``configured`` is the public key govreport.yaml names (hex, or ``None``); ``anchors`` are (name, parsed
    JSON) pairs; ``resolve`` maps an output's stored path to a file to re-hash (``None``: files not checked);
    ``head_file`` is the head to compare (``None``: not checked); ``adopting`` allows a configured key with
    no signed record yet (the adopt record is about to be written).
    """
    problems: list[Problem] = []
    warnings: list[str] = []
    good_anchors = [(n, a) for n, a in anchors if not _anchor_problem(n, a, problems)]
    anchored_key = next((a["public_key"] for _, a in reversed(good_anchors) if a.get("public_key")), None)
    expected = anchored_key or configured
    if anchored_key and configured and anchored_key != configured:
        problems.append(
            Problem(
                None,
                f"govreport.yaml names signing key {_short(configured)} but the anchor "
                f"pins key {_short(anchored_key)} (the key in the workspace was replaced)",
            )
        )
    signed_from = min((a["signed_from"] for _, a in good_anchors if a.get("signed_from")), default=None)
    first_signed = min((r.seq for r in recs if r.seq in sigs), default=None)
    if signed_from is not None and (first_signed is None or signed_from < first_signed):
        first_signed = signed_from  # the anchor says signing began here: a record after it must be signed
    prev, expected_seq = GENESIS, 1
    first_key: str | None = None
    for rec in recs:
        if rec.seq != expected_seq:
            problems.append(Problem(rec.seq, f"sequence gap: expected record {expected_seq} before it"))
        if rec.prev_hash != prev:
            problems.append(Problem(rec.seq, "chain broken: prev_hash does not match the previous record"))
        if rec.compute_hash() != rec.record_hash:
            problems.append(Problem(rec.seq, "record changed after it was written (hash mismatch)"))
        sig = sigs.get(rec.seq)
        if sig is not None:
            key = expected or first_key or sig[0]
            first_key = first_key or sig[0]
            if sig[0] != key:
                whose = "the anchored" if anchored_key else "the configured" if configured else "the chain’s"
                problems.append(
                    Problem(
                        rec.seq,
                        f"signed by key {_short(sig[0])}, not by {whose} key {_short(key)} "
                        "(history re-signed with another key)",
                    )
                )
            elif not _check_signature(sig[0], sig[1], rec.seq, rec.record_hash):
                problems.append(
                    Problem(
                        rec.seq,
                        "signature does not match the record (changed or re-hashed without the private key)",
                    )
                )
        elif first_signed is not None and rec.seq >= first_signed:
            problems.append(
                Problem(
                    rec.seq,
                    f"unsigned, but the chain is signed from record {first_signed} on "
                    "(signature removed, or written without the key)",
                )
            )
        if resolve is not None:
            for name, out in rec.outputs.items():
                path = resolve(out["path"])
                if not path.is_file():
                    problems.append(Problem(rec.seq, f"output {name} missing: {out['path']}"))
                elif sha256_file(path) != out["sha256"]:
                    problems.append(Problem(rec.seq, f"output {name} changed: {out['path']}"))
        prev = rec.record_hash
        expected_seq = rec.seq + 1
    by_seq = {r.seq: r for r in recs}
    for n, a in good_anchors:
        problems.extend(_anchor_check(n, a, by_seq, sigs, store_id, expected_seq - 1))
    if recs and first_signed is None:
        if configured and not adopting:
            problems.append(
                Problem(
                    recs[0].seq,
                    "unsigned, and govreport.yaml names a signing key: no signed "
                    "record adopts the chain (run `govreport evidence adopt`)",
                )
            )
        else:
            warnings.append(
                f"the {len(recs)} record(s) are not signed (no evidence.signing in govreport.yaml): "
                "anyone who can write the store could rewrite them and recompute the hashes — "
                "see docs/evidence.md"
            )
    elif recs and first_signed is not None and first_signed > recs[0].seq and first_signed in sigs:
        warnings.append(
            f"records {recs[0].seq}–{first_signed - 1} were written before signing began; "
            f"record {first_signed}'s signature covers them"
        )
    if head_file is not None:
        problems.extend(check_head(head_file, head_name, store_id, recs, expected_seq - 1))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    fp = fingerprint(expected or first_key) if (expected or first_key) else None
    return Verification(
        len(recs), problems, warnings, signed=len(set(sigs) & set(by_seq)), key_fingerprint=fp
    )


def check_head(
    head_file: Path, name: str, store_id: str, recs: Sequence[RunRecord], last_seq: int
) -> list[Problem]:
    """Does the head file ``head_file`` (shown as ``name``) still name the newest record of ``recs``?"""
    fix = "restore it from backup and check with `govreport evidence verify --anchor FILE`"
    if not head_file.exists():
        if not recs:
            return []
        return [
            Problem(
                None,
                f"the chain head {name} is missing while the store holds {len(recs)} record(s): "
                f"newest records may have been removed — {fix}, or run `govreport evidence "
                "init-head` if this store never had one",
            )
        ]
    try:
        head = json.loads(head_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return [Problem(None, f"the chain head {name} is unreadable ({type(e).__name__}) — {fix}")]
    what = _head_shape(head)
    if what:
        return [Problem(None, f"the chain head {name} is malformed: {what} — {fix}")]
    if "store_id" in head and head["store_id"] != store_id:
        return [
            Problem(
                None,
                f"the chain head {name} belongs to evidence store {head['store_id'][:12]}…, "
                f"not to this one ({store_id[:12]}…): the store was replaced — {fix}",
            )
        ]
    seq, h = head["seq"], head["record_hash"]
    if seq > last_seq:
        return [
            Problem(
                last_seq + 1,
                f"missing: the chain ends at record {last_seq} but its head ({name}) "
                f"records {seq} (newest records removed)",
            )
        ]
    rec = next((r for r in recs if r.seq == seq), None)
    if seq == 0 and h == GENESIS:
        return []
    if rec is None or rec.record_hash != h:
        return [Problem(seq, f"replaced: its hash differs from the chain head in {name}")]
    return []


def fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def _short(public_hex: str) -> str:
    return f"SHA256:{fingerprint(public_hex)[:16]}…"


def _check_signature(public_hex: str, signature_hex: str, seq: int, record_hash: str) -> bool:
    from ..core.signing import (
        check_signature,  # imports cryptography: only when there is a signature to check
    )

    return check_signature(public_hex, signature_hex, seq, record_hash)


def _is_hex(v: Any, n: int) -> bool:
    return isinstance(v, str) and len(v) == n and all(c in "0123456789abcdef" for c in v)


def _head_shape(head: Any) -> str:
    """What is wrong with a parsed head file ('' when nothing)."""
    if not isinstance(head, dict):
        return "not a JSON object"
    if "seq" not in head or "record_hash" not in head:
        return "no seq or record_hash"
    if isinstance(head["seq"], bool) or not isinstance(head["seq"], int) or head["seq"] < 0:
        return f"seq is {head['seq']!r}, not a record number"
    if not _is_hex(head["record_hash"], 64):
        return "record_hash is not a SHA-256"
    if "store_id" in head and not isinstance(head["store_id"], str):
        return "store_id is not text"
    return ""


def _anchor_problem(name: str, a: Any, problems: list[Problem]) -> bool:
    """Append a problem and return True when anchor ``a`` (from file ``name``) is malformed."""
    what = _head_shape(a)
    if not what:
        if a.get("format") != ANCHOR_FORMAT:
            what = f"format is {a.get('format')!r}, not {ANCHOR_FORMAT}"
        elif not isinstance(a.get("store_id"), str):
            what = "no store_id"
        elif a.get("public_key") is not None and not (
            _is_hex(a["public_key"], 64) and _is_hex(a.get("signature"), 128)
        ):
            what = "public_key or signature is not hex of the right length"
        elif a.get("public_key") is not None and a.get("key_fingerprint") != fingerprint(a["public_key"]):
            what = "key_fingerprint does not match public_key"
        elif a.get("signed_from") is not None and (
            isinstance(a["signed_from"], bool) or not isinstance(a["signed_from"], int)
        ):
            what = "signed_from is not a record number"
    if what:
        problems.append(Problem(None, f"anchor {name} is malformed: {what}"))
    return bool(what)


def _anchor_check(
    name: str,
    a: Mapping[str, Any],
    by_seq: Mapping[int, RunRecord],
    sigs: Mapping[int, tuple[str, str]],
    store_id: str,
    last_seq: int,
) -> list[Problem]:
    """Does the store still hold anchored head ``a``, signed by the anchored key?"""
    when = str(a.get("anchored_at", ""))[:10]
    if a["store_id"] != store_id:
        return [
            Problem(
                None,
                f"anchor {name} ({when}) pins evidence store {a['store_id'][:12]}…, but this store is "
                f"{store_id[:12]}… (the store was replaced)",
            )
        ]
    seq = a["seq"]
    rec = by_seq.get(seq)
    if rec is None:
        return [
            Problem(seq, f"missing: anchored in {name} ({when}), but the chain ends at record {last_seq}")
        ]
    if rec.record_hash != a["record_hash"]:
        return [
            Problem(
                seq, f"differs from the head anchored in {name} ({when}): the history up to it was rewritten"
            )
        ]
    if a.get("public_key"):
        sig = sigs.get(seq)
        if (
            sig is None
            or sig[0] != a["public_key"]
            or not _check_signature(sig[0], sig[1], seq, rec.record_hash)
        ):
            return [Problem(seq, f"not signed by the key anchored in {name} ({_short(a['public_key'])})")]
    return []
