"""The evidence store (Art. 10): an append-only, hash-chained record of every run.

Each record holds what an inspector needs to prove what was run on which data: system, period,
template and its SHA-256, parameters (secrets removed), SHA-256 fingerprints of every input dataset and
contract, package versions, times, status, and every output file with its SHA-256.

Records form a hash chain: ``record_hash = SHA-256(canonical JSON of the record including seq and
prev_hash)``, and ``prev_hash`` is the previous record's ``record_hash``. :meth:`EvidenceStore.verify`
recomputes the chain and re-hashes every output file, so a changed, removed or reordered row, or a
changed or missing output file, is named. The head of the chain is also written to
``.govreport/evidence-head.json`` so that removing the newest records is detected too. On SQLite, triggers
refuse UPDATE and DELETE; on PostgreSQL a trigger does the same.

Storage is SQLite under the workspace by default, or any SQLAlchemy URL (``postgresql+psycopg://…``).
Appends are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``), so
concurrent runs on one workspace never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .errors import EvidenceError, TamperedEvidence

__all__ = [
    "EvidenceStore",
    "RunRecord",
    "Problem",
    "sha256_file",
    "redact",
    "GENESIS",
]

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
    (re.compile(r"\b(bearer|authorization\s*[:=]\s*(?:bearer|basic|digest|negotiate|token)?)\s*[A-Za-z0-9._~+/=-]{6,}",
                re.I), r"\1 ***"),  # an Authorization header's credentials (not the words "basic" or "token")
    (re.compile(r"\b((?:password|passwd|pwd|pass|secret|token|api[_-]?key|apikey|sslpassword)\s*[=:]\s*)"
                r"('[^']*'|\"[^\"]*\"|[^\s;&,]+)", re.I), r"\1***"),  # libpq / query-string key=value
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S),
     "-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY-----"),  # PEM key
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "***"),  # AWS access key id
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"), "***"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), "***"),  # JWT
)

metadata = sa.MetaData()
runs = sa.Table(
    "govreport_runs",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("batch_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("system_id", sa.String(64), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("template", sa.String(128), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40), nullable=False),
    sa.Column("template_sha256", sa.String(64), nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("inputs", sa.Text, nullable=False),
    sa.Column("outputs", sa.Text, nullable=False),
    sa.Column("environment", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("record_hash", sa.String(64), nullable=False, unique=True),
    sa.Index("ix_govreport_runs_spt", "system_id", "period", "template"),
)

#: One row per (schedule, period) ever claimed: the primary key makes "run exactly once" hold across
#: processes and machines sharing one store.
claims_table = sa.Table(
    "govreport_schedule_claims",
    metadata,
    sa.Column("schedule", sa.String(128), primary_key=True),
    sa.Column("period", sa.String(16), primary_key=True),
    sa.Column("claimed_at", sa.String(40), nullable=False),
    sa.Column("claimed_by", sa.String(200), nullable=False),
    sa.Column("due_at", sa.String(40), nullable=False),
    sa.Column("late", sa.Boolean, nullable=False),
)

_JSON_FIELDS = ("parameters", "inputs", "outputs", "environment", "summary")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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
    finished_at: str = field(default_factory=_now)
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


_SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS govreport_runs_no_update BEFORE UPDATE ON govreport_runs "
    "BEGIN SELECT RAISE(ABORT, 'the evidence store is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS govreport_runs_no_delete BEFORE DELETE ON govreport_runs "
    "BEGIN SELECT RAISE(ABORT, 'the evidence store is append-only'); END",
]
_PG_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION govreport_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the evidence store is append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS govreport_runs_append_only ON govreport_runs",
    "CREATE TRIGGER govreport_runs_append_only BEFORE UPDATE OR DELETE ON govreport_runs "
    "FOR EACH ROW EXECUTE FUNCTION govreport_append_only()",
]


class EvidenceStore:
    """Append-only hash-chained store of run records.

    ``root`` is the folder that relative output paths are resolved against (the workspace root);
    ``head_file`` is where the chain head is mirrored (default ``root/.govreport/evidence-head.json``).
    """

    def __init__(self, url: str, root: Path, head_file: Path | None = None) -> None:
        self.url = url
        self.root = root
        self.head_file = head_file or root / ".govreport" / "evidence-head.json"
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    # -- connection ---------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        with self._engine_lock:
            if self._engine is None:
                self._engine = self._connect()
        return self._engine

    def _connect(self) -> Engine:
        try:
            url = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError:
            raise EvidenceError(
                f"'{_mask_url(self.url)}' is not a database URL",
                field="evidence.url",
                fix="use sqlite:///path/evidence.db or postgresql+psycopg://user@host/db",
            ) from None
        try:
            if url.get_backend_name() == "sqlite":
                if url.database:
                    Path(url.database).parent.mkdir(parents=True, exist_ok=True)
                engine = sa.create_engine(url, connect_args={"timeout": 120})

                @sa.event.listens_for(engine, "connect")
                def _sqlite_connect(dbapi_conn: Any, _rec: Any) -> None:
                    dbapi_conn.isolation_level = None  # let BEGIN IMMEDIATE below control transactions

                @sa.event.listens_for(engine, "begin")
                def _sqlite_begin(conn: Connection) -> None:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")

            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            with engine.begin() as conn:
                if engine.dialect.name == "postgresql":  # serialise schema creation across processes
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(741000001)")
                metadata.create_all(conn)
                if engine.dialect.name == "sqlite":
                    for stmt in _SQLITE_TRIGGERS:
                        conn.exec_driver_sql(stmt)
                elif engine.dialect.name == "postgresql":
                    for stmt in _PG_TRIGGERS:
                        conn.exec_driver_sql(stmt)
        except ModuleNotFoundError as e:
            raise EvidenceError(
                f"the database driver '{e.name}' is not installed",
                field="evidence.url",
                fix="pip install 'govreport[postgres]' for PostgreSQL",
            ) from None
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(
                f"cannot open the evidence store {_mask_url(self.url)}: {_first_line(e)}",
                field="evidence.url",
                fix="check the URL, that the server is running and that you may write to it",
            ) from None
        return engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def _locked(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("LOCK TABLE govreport_runs IN EXCLUSIVE MODE")
            yield conn

    # -- writing ------------------------------------------------------------------------------------
    def append(self, record: RunRecord, before_commit: Callable[[RunRecord], None] | None = None) -> RunRecord:
        """Append ``record``: assign seq, version, prev_hash and record_hash, and insert.

        ``before_commit(record)`` runs inside the lock after the version is known (the runner uses it to
        move outputs into their versioned folder); if it raises, nothing is inserted.
        """
        record.parameters = redact(record.parameters)
        try:
            with self._locked() as conn:
                last = conn.execute(
                    sa.select(runs.c.seq, runs.c.record_hash).order_by(runs.c.seq.desc()).limit(1)
                ).first()
                record.seq = (last.seq if last else 0) + 1
                record.prev_hash = last.record_hash if last else GENESIS
                record.version = (
                    conn.execute(
                        sa.select(sa.func.max(runs.c.version)).where(
                            runs.c.system_id == record.system_id,
                            runs.c.period == record.period,
                            runs.c.template == record.template,
                            runs.c.kind == record.kind,
                        )
                    ).scalar()
                    or 0
                ) + 1
                if before_commit is not None:
                    before_commit(record)
                record.record_hash = record.compute_hash()
                conn.execute(runs.insert().values(**record.to_row()))
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(
                f"cannot write to the evidence store: {_first_line(e)}",
                fix="check that the database is reachable and writable",
            ) from None
        self._write_head(record.seq, record.record_hash)
        return record

    def _write_head(self, seq: int, record_hash: str) -> None:
        try:
            self.head_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.head_file.with_suffix(".tmp")
            tmp.write_text(json.dumps({"url": _mask_url(self.url), "seq": seq, "record_hash": record_hash}))
            tmp.replace(self.head_file)
        except OSError:
            pass  # the head file is a second witness, never a reason to lose a record

    def claim(self, schedule: str, period: str, *, due_at: str, late: bool, claimed_by: str) -> bool:
        """Claim (schedule, period) for running. True for exactly one caller, ever; False if already
        claimed — also when two processes race, because the insert hits the primary key."""
        try:
            with self.engine.begin() as conn:
                conn.execute(claims_table.insert().values(schedule=schedule, period=period, claimed_at=_now(),
                                                    claimed_by=claimed_by, due_at=due_at, late=late))
        except sa.exc.IntegrityError:
            return False
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(f"cannot write to the evidence store: {_first_line(e)}",
                                fix="check that the database is reachable and writable") from None
        return True

    def claims(self, schedule: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(claims_table).order_by(claims_table.c.claimed_at)
        if schedule is not None:
            q = q.where(claims_table.c.schedule == schedule)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- reading ------------------------------------------------------------------------------------
    def records(self, **filters: Any) -> list[RunRecord]:
        """Records in chain order, filtered by column equality (e.g. ``period="2026Q3"``)."""
        q = sa.select(runs).order_by(runs.c.seq)
        for k, v in filters.items():
            if v is not None:
                q = q.where(runs.c[k] == v)
        try:
            with self.engine.connect() as conn:
                return [RunRecord.from_row(r._mapping) for r in conn.execute(q)]
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(f"cannot read the evidence store: {_first_line(e)}") from None

    def get(self, seq: int) -> RunRecord:
        found = self.records(seq=seq)
        if not found:
            raise EvidenceError(
                f"no record with RUN_ID {seq}", field="RUN_ID", fix="list records with `govreport evidence list`"
            )
        return found[0]

    def latest(self, *, system_id: str, period: str, template: str, kind: str = "run") -> RunRecord | None:
        found = self.records(system_id=system_id, period=period, template=template, kind=kind)
        return found[-1] if found else None

    # -- verification -------------------------------------------------------------------------------
    def verify(self, check_files: bool = True) -> list[Problem]:
        """Recompute the chain and output hashes. Empty list: intact."""
        problems: list[Problem] = []
        prev = GENESIS
        expected_seq = 1
        for rec in self.records():
            if rec.seq != expected_seq:
                problems.append(Problem(rec.seq, f"sequence gap: expected record {expected_seq} before it"))
            if rec.prev_hash != prev:
                problems.append(Problem(rec.seq, "chain broken: prev_hash does not match the previous record"))
            if rec.compute_hash() != rec.record_hash:
                problems.append(Problem(rec.seq, "record changed after it was written (hash mismatch)"))
            if check_files:
                for name, out in rec.outputs.items():
                    path = self._resolve(out["path"])
                    if not path.is_file():
                        problems.append(Problem(rec.seq, f"output {name} missing: {out['path']}"))
                    elif sha256_file(path) != out["sha256"]:
                        problems.append(Problem(rec.seq, f"output {name} changed: {out['path']}"))
            prev = rec.record_hash
            expected_seq = rec.seq + 1
        problems.extend(self._check_head(expected_seq - 1, prev))
        return problems

    def _check_head(self, last_seq: int, last_hash: str) -> list[Problem]:
        try:
            head = json.loads(self.head_file.read_text())
        except (OSError, ValueError):
            return []
        if head.get("url") != _mask_url(self.url):
            return []
        if head["seq"] > last_seq:
            return [Problem(head["seq"], f"missing: the chain ends at record {last_seq} but record {head['seq']} "
                            "was written (newest records removed)")]
        if head["seq"] == last_seq and head["record_hash"] != last_hash:
            return [Problem(last_seq, "newest record replaced (hash differs from the recorded chain head)")]
        return []

    def verify_or_raise(self) -> None:
        problems = self.verify()
        if problems:
            raise TamperedEvidence(
                f"evidence chain check failed at {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                fix="restore the store and reports from backup; do not edit evidence by hand",
            )

    def _resolve(self, path: str) -> Path:
        p = Path(path)
        return p if p.is_absolute() else self.root / p


def _mask_url(url: str) -> str:
    return re.sub(r"(://[^/\s:@]+:)[^/\s@]+@", r"\1***@", url)


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__
