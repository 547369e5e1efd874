"""What the evidence store holds: a run record (hashed as canonical JSON), the problems a check finds, and
the redaction of secrets from parameters before a record is written.

Contract: plain data and pure functions over it; the only dependency is the table layout (:mod:`.schema`),
whose columns are a record's hashed fields.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.files import now
from .schema import runs

__all__ = ["GENESIS", "ANCHOR_FORMAT", "RunRecord", "Problem", "Verification", "redact"]

GENESIS = "0" * 64
#: keys whose values are secrets whatever they hold (``pwd``, ``mailpw``, ``private_key``, ``auth``…)
_SECRET_KEY = re.compile(
    r"(pass(word|wd|phrase)?|pwd|(^|[^a-z])pw([^a-z]|$)|[a-z]pw$|secret|token|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|priv[_-]?key|credential|auth(orization)?$|^auth[_-]|cookie|session[_-]?id|signature"
    r"|client[_-]?secret|dsn$|conn(ection)?[_-]?str)",
    re.I,
)
#: values that carry a secret whatever their key: (pattern, replacement keeping the non-secret part)
_SECRET_VALUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(://[^/\s:@]+:)[^/\s@]+@"), r"\1***@"),  # password inside a URL
    (
        re.compile(
            r"\b(bearer|authorization\s*[:=]\s*(?:bearer|basic|digest|negotiate|token)?)\s*[A-Za-z0-9._~+/=-]{6,}",
            re.I,
        ),
        r"\1 ***",
    ),  # an Authorization header's credentials (not the words "basic" or "token")
    (
        re.compile(
            r"\b((?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|sslpassword)\s*[=:]\s*)"
            r"('[^']*'|\"[^\"]*\"|[^\s;&,]+)",
            re.I,
        ),
        r"\1***",
    ),  # libpq / query-string key=value
    (
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
        "-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY-----",
    ),  # PEM key
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "***"),  # AWS access key id
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"), "***"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "***"),  # JWT
)

ANCHOR_FORMAT = "govreport-evidence-anchor/1"
_JSON_FIELDS = ("parameters", "inputs", "outputs", "environment", "summary")


def redact(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as stored: secrets replaced by ``***``.

    A value is a secret when its key looks like one (:data:`_SECRET_KEY`: ``password``, ``pwd``,
    ``mailpw``, ``private_key``, ``token``…) or when its text has a secret's shape (:data:`_SECRET_VALUES`:
    a URL with a password, ``Authorization: Bearer …``, a libpq ``password=…`` string, a PEM private key,
    well-known token formats). Dicts and lists are followed all the way down.
    """
    return {k: _redact_value(k, v) for k, v in params.items()}


def _redact_value(key: Any, value: Any) -> Any:
    if key is not None and _SECRET_KEY.search(str(key)):
        return "***"
    if isinstance(value, Mapping):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return [_redact_value(None, v) for v in value]
    if isinstance(value, str):
        for rx, repl in _SECRET_VALUES:
            value = rx.sub(repl, value)
    return value


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass
class RunRecord:
    """One record of the store. ``seq`` (the RUN_ID), hashes and version are set when appended."""

    system_id: str
    period: str
    template: str
    status: str
    started_at: str
    finished_at: str = field(default_factory=now)
    batch_id: str = ""
    kind: str = "run"
    template_sha256: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    environment: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    seq: int = 0
    version: int = 0
    prev_hash: str = ""
    record_hash: str = ""

    def hashed_fields(self) -> dict[str, Any]:
        d = {c.name: getattr(self, c.name) for c in runs.columns if c.name != "record_hash"}
        return d

    def compute_hash(self) -> str:
        return hashlib.sha256(_canonical(self.hashed_fields()).encode("utf-8")).hexdigest()

    def to_row(self) -> dict[str, Any]:
        row = {c.name: getattr(self, c.name) for c in runs.columns}
        for k in _JSON_FIELDS:
            row[k] = _canonical(row[k])
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RunRecord:
        data = dict(row)
        for k in _JSON_FIELDS:
            data[k] = json.loads(data[k])
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {c.name: getattr(self, c.name) for c in runs.columns}


@dataclass
class Problem:
    """A finding of :meth:`EvidenceStore.verify`."""

    seq: int | None
    message: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.message}" if self.seq is not None else self.message


@dataclass
class Verification:
    """What :meth:`EvidenceStore.check` found: ``problems`` (tampering: exit 1) and ``warnings``."""

    records: int
    problems: list[Problem]
    warnings: list[str]
    signed: int = 0
    key_fingerprint: str | None = None
