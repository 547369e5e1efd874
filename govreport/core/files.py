"""Small helpers every package shares, defined once: the time stamp, atomic text writes, a file's SHA-256,
and URL masking for messages.

Contract: standard library only; each function does one thing and raises only OSError.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

__all__ = ["now", "atomic_write_text", "sha256_file", "mask_url"]

_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^/\s@]+@")


def now(timespec: Literal["seconds", "milliseconds"] = "milliseconds") -> str:
    """The current UTC time in ISO 8601 (``2026-10-01T02:00:00.123+00:00``)."""
    return datetime.now(UTC).isoformat(timespec=timespec)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename: readers see the old file or
    the new one, never a half-written one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def sha256_file(path: Path | str, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    return _URL_PASSWORD.sub(r"\1***@", str(url))
