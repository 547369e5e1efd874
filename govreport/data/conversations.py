"""Reading a generative assistant's conversation log, line by line, without giving up on bad lines.

Banks export transcripts from several systems, so a log is rarely clean. :func:`load_conversations`
reads JSON Lines or CSV and keeps going where a whole-file reader would stop:

* **malformed lines** (not JSON, not an object, a missing ``conversation_id`` / ``turn`` / ``role`` /
  ``text``, a turn that is not a whole number, a CSV row with the wrong number of fields) are skipped,
  counted and reported with their line numbers; the rest of the log is still assessed;
* **mixed encodings**: every line is decoded on its own — UTF-8 (a byte-order mark on any line is
  dropped and counted), then the dataset's declared encoding, then cp950 (Big5 as Windows writes it);
  a line that none of these decodes is read as UTF-8 with replacement characters. Lines not in the
  declared encoding (UTF-8 unless the dataset says otherwise) are counted and reported with their line
  numbers; nothing crashes;
* **empty conversations**: a conversation whose turns all have empty text (``no turns``; in the nested
  layout, an empty ``turns`` list) or in which the assistant never spoke (``no assistant turns``) is
  counted and reported, and left out of the per-conversation checks (AI disclosure);
* a **required column** missing from the whole file is a :class:`~govreport.errors.DataError` naming the
  file and the column.

Two JSON Lines layouts are accepted: one turn per line (the documented format, docs/genai.md), or one
conversation per line with its turns in a ``turns`` (or ``messages``) list.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError

__all__ = [
    "ConversationLog",
    "load_conversations",
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "ASSISTANT_ROLES",
    "CUSTOMER_ROLES",
    "MAX_LISTED",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("conversation_id", "turn", "role", "text")
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "channel",
    "handed_to_human",
    "latency_ms",
    "feedback",
    "reference_answer",
)
ASSISTANT_ROLES = frozenset({"assistant", "bot", "ai", "agent_ai"})
CUSTOMER_ROLES = frozenset({"customer", "user", "client"})
#: At most this many line numbers / conversation ids are listed in a note (all are counted).
MAX_LISTED = 20
_FIX = "export one JSON object per line with conversation_id, turn, role and text (see docs/genai.md)"


@dataclass
class ConversationLog:
    """A conversation log as read: the usable turns, and what could not be used and why."""

    frame: pd.DataFrame
    file: str
    lines: int = 0
    malformed: list[tuple[int, str]] = field(default_factory=list)
    fallback: dict[str, list[int]] = field(default_factory=dict)  # encoding -> line numbers
    bom_lines: list[int] = field(default_factory=list)
    no_turns: list[str] = field(default_factory=list)
    no_assistant: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # the columns the file itself has, in order

    @property
    def readable_rate(self) -> float | None:
        """Share of the log's non-blank lines that were read (malformed ones were not)."""
        used = self.frame["_line"].nunique() if "_line" in self.frame.columns else 0
        total = used + len({n for n, _ in self.malformed})
        return used / total if total else None

    @property
    def empty_conversations(self) -> list[str]:
        return [*self.no_turns, *self.no_assistant]

    def source_frame(self) -> pd.DataFrame:
        """The readable turns with only the file's own columns (for its data contract)."""
        return self.frame[self.columns]

    def to_dict(self) -> dict[str, Any]:
        """The ``genai.log`` section of results.json (line numbers capped at :data:`MAX_LISTED`)."""
        return {
            "file": self.file,
            "lines": self.lines,
            "turns": int(len(self.frame)),
            "malformed": len(self.malformed),
            "malformed_lines": [{"line": n, "reason": r} for n, r in self.malformed[:MAX_LISTED]],
            "encoding_fallback": {
                enc: {"count": len(ns), "lines": ns[:MAX_LISTED]} for enc, ns in self.fallback.items()
            },
            "bom_lines": len(self.bom_lines),
            "empty_conversations": {
                "no_turns": len(self.no_turns),
                "no_assistant_turns": len(self.no_assistant),
                "ids": self.empty_conversations[:MAX_LISTED],
            },
        }

    def notes(self) -> list[str]:
        """One English sentence per data-quality problem, for results.json ``notes``."""
        out = []
        if self.malformed:
            out.append(
                f"{self.file}: {len(self.malformed)} malformed line(s) skipped (line "
                f"{_listed([n for n, _ in self.malformed])}); the other lines were assessed."
            )
        for enc, ns in self.fallback.items():
            what = (
                "could not be decoded and were read with replacement characters"
                if enc == "replaced"
                else f"were not UTF-8 and were decoded as {enc}"
            )
            out.append(f"{self.file}: {len(ns)} line(s) {what} (line {_listed(ns)}).")
        if self.bom_lines:
            out.append(
                f"{self.file}: {len(self.bom_lines)} line(s) began with a UTF-8 byte-order mark, removed "
                f"(line {_listed(self.bom_lines)})."
            )
        if self.no_turns or self.no_assistant:
            out.append(
                f"{self.file}: {len(self.empty_conversations)} empty conversation(s) left out of the "
                f"per-conversation checks ({len(self.no_turns)} without turns, {len(self.no_assistant)} "
                f"without an assistant turn: {_listed(self.empty_conversations)})."
            )
        return out


def _listed(items: list[Any]) -> str:
    shown = ", ".join(map(str, items[:MAX_LISTED]))
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


# -- decoding, one line at a time -------------------------------------------------------------------
def _decoder_chain(declared: str) -> tuple[str, list[str]]:
    """UTF-8 first (strict UTF-8 practically never decodes other text by accident), then the declared
    encoding, then cp950."""
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise DataError(
            f"unknown encoding {declared!r}",
            field="encoding",
            fix="declare an encoding Python knows, e.g. utf-8 or cp950",
        ) from None
    chain = ["utf-8"]
    if name not in ("utf-8", "utf-8-sig"):
        chain.append(name)
    if "cp950" not in chain:
        chain.append("cp950")
    return ("utf-8" if name == "utf-8-sig" else name), chain


def _decode(raw: bytes, chain: list[str]) -> tuple[str, str, bool]:
    """The text of one line, the encoding that decoded it (``replaced`` if none did) and whether it had
    a byte-order mark."""
    bom = raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw = raw[len(codecs.BOM_UTF8) :]
    for enc in chain:
        try:
            return raw.decode(enc), enc, bom
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace"), "replaced", bom


def _physical_lines(path: Path, encoding: str, log: ConversationLog) -> list[tuple[int, str]]:
    """Every line decoded on its own; lines not in the declared encoding are recorded in
    ``log.fallback`` (pure ASCII lines are in every encoding)."""
    declared, chain = _decoder_chain(encoding)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(
            f"cannot read the file ({e.strerror})", file=path, fix="check the path and permissions"
        ) from None
    out = []
    raw_lines = data.split(b"\n")
    if raw_lines and raw_lines[-1] == b"":
        raw_lines.pop()
    for n, raw in enumerate(raw_lines, start=1):
        text, enc, bom = _decode(raw.rstrip(b"\r"), chain)
        if bom:
            log.bom_lines.append(n)
        if enc != declared and not raw.isascii():
            log.fallback.setdefault(enc, []).append(n)
        out.append((n, text))
    log.lines = len(raw_lines)
    return out


# -- parsing ----------------------------------------------------------------------------------------
def _turn_number(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    return int(str(value).strip())


def _clean(rec: dict[str, Any], line: int) -> dict[str, Any]:
    """One turn with required fields checked; raises ValueError with a short reason."""
    for col in REQUIRED_COLUMNS:
        if col not in rec:
            raise ValueError(f"lacks {col}")
    cid = rec["conversation_id"]
    if cid is None or str(cid).strip() == "":
        raise ValueError("empty conversation_id")
    try:
        turn = _turn_number(rec["turn"])
    except (TypeError, ValueError):
        raise ValueError(f"turn {str(rec['turn'])[:20]!r} is not a whole number") from None
    text = rec["text"]
    out = {
        **rec,
        "conversation_id": str(cid),
        "turn": turn,
        "role": "" if rec["role"] is None else str(rec["role"]).strip().lower(),
        "text": "" if text is None else str(text),
    }
    out["_line"] = line
    return out


def _json_records(
    lines: Iterable[tuple[int, str]], log: ConversationLog
) -> tuple[list[dict[str, Any]], set[str]]:
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, text in lines:
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            log.malformed.append((n, f"not JSON ({e.msg} at column {e.colno})"))
            continue
        if not isinstance(obj, dict):
            log.malformed.append((n, f"a JSON {type(obj).__name__}, not an object"))
            continue
        nested = obj.get("turns", obj.get("messages")) if "text" not in obj else None
        if isinstance(nested, list):  # one conversation per line
            seen |= set(obj) - {"turns", "messages"}
            cid = obj.get("conversation_id")
            if cid is None or str(cid).strip() == "":
                log.malformed.append((n, "lacks conversation_id"))
                continue
            if not nested:
                log.no_turns.append(str(cid))
                continue
            for i, t in enumerate(nested, start=1):
                if not isinstance(t, dict):
                    log.malformed.append((n, f"turn {i} is not an object"))
                    break
                rec = {**{k: v for k, v in obj.items() if k not in ("turns", "messages")}, "turn": i, **t}
                seen |= set(rec)
                try:
                    rows.append(_clean(rec, n))
                except ValueError as e:
                    log.malformed.append((n, f"turn {i} {e}"))
                    break
            continue
        seen |= set(obj)
        try:
            rows.append(_clean(obj, n))
        except ValueError as e:
            log.malformed.append((n, str(e)))
    return rows, seen


def _csv_records(
    lines: list[tuple[int, str]], log: ConversationLog, path: Path, delimiter: str
) -> tuple[list[dict[str, Any]], set[str]]:
    starts = [n for n, _ in lines]
    reader = csv.reader(io.StringIO("\n".join(t for _, t in lines)), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DataError(
            "the file is empty", file=path, fix="check that the export for this period completed"
        ) from None
    except csv.Error as e:
        raise DataError(f"cannot read the CSV header ({e})", file=path, line=1, fix=_FIX) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise _missing(missing, path, header)
    rows: list[dict[str, Any]] = []
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            log.malformed.append((starts[min(reader.line_num, len(starts)) - 1], f"not CSV ({e})"))
            continue
        n = starts[min(reader.line_num, len(starts)) - 1]
        if not values or not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            log.malformed.append((n, f"{len(values)} fields, the header has {len(header)}"))
            continue
        rec: dict[str, Any] = {h: (v if v != "" else None) for h, v in zip(header, values, strict=True)}
        try:
            rows.append(_clean(rec, n))
        except ValueError as e:
            log.malformed.append((n, str(e)))
    return rows, set(header)


def _missing(missing: list[str], path: Path, present: Iterable[str]) -> DataError:
    have = ", ".join(sorted(map(str, present))[:12]) or "none"
    return DataError(
        f"the conversation log lacks the column(s) {', '.join(missing)} (it has: {have})",
        file=path,
        field=missing[0],
        fix=_FIX,
    )


def _bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes", "y", "t", "是")
    return bool(v) and v == v  # NaN is not a hand-over


def load_conversations(
    path: str | Path, fmt: str = "auto", encoding: str = "utf-8", delimiter: str = ","
) -> ConversationLog:
    """Read a conversation log (JSON Lines or CSV; see the module docstring for what is tolerated)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(
            "conversation log not found",
            file=path,
            fix="check the dataset path (role: conversations) in the system record",
        )
    kind = (
        fmt
        if fmt not in ("auto", None)
        else ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson", ".json") else "csv")
    )
    if kind not in ("jsonl", "csv"):
        raise DataError(
            f"a conversation log must be JSON Lines or CSV, not {kind}",
            file=path,
            field="format",
            fix="export the log as .jsonl or .csv",
        )
    log = ConversationLog(pd.DataFrame(), file=path.name)
    lines = _physical_lines(path, encoding or "utf-8", log)
    if kind == "jsonl":
        rows, seen = _json_records(lines, log)
        missing = [c for c in REQUIRED_COLUMNS if c not in seen]
        if missing and seen:
            raise _missing(missing, path, seen)
    else:
        rows, seen = _csv_records(lines, log, path, delimiter)
    if not rows:
        if log.malformed:
            n, why = log.malformed[0]
            raise DataError(
                f"no readable turn: all {len(log.malformed)} line(s) are malformed (first: {why})",
                file=path,
                line=n,
                fix=_FIX,
            )
        if log.no_turns:
            raise DataError(
                f"every conversation ({len(log.no_turns)}) is empty",
                file=path,
                fix="check that the export for this period completed",
            )
        raise DataError(
            "the conversation log has no turns",
            file=path,
            fix="check that the export for this period completed",
        )
    df = pd.DataFrame(rows)
    log.columns = [c for c in df.columns if c != "_line" and c in seen]
    for col in OPTIONAL_COLUMNS:
        if col not in df.columns and col != "handed_to_human":  # no flag: escalation is not assessed
            df[col] = None
    if "handed_to_human" in df.columns:
        df["handed_to_human"] = df["handed_to_human"].map(_bool)
    for col in ("latency_ms", "feedback"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
    df = df.sort_values(["conversation_id", "turn", "_line"], kind="stable").reset_index(drop=True)
    has_text = df["text"].str.strip() != ""
    flags = (
        pd.DataFrame(
            {
                "cid": df["conversation_id"],
                "spoke": has_text,
                "assistant": has_text & df["role"].isin(ASSISTANT_ROLES),
            }
        )
        .groupby("cid", sort=False)
        .any()
    )
    log.no_turns += [str(c) for c in flags.index[~flags["spoke"]]]
    log.no_assistant += [str(c) for c in flags.index[flags["spoke"] & ~flags["assistant"]]]
    log.frame = df
    return log
