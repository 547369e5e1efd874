"""The evidence store (Art. 10): an append-only, hash-chained record of every run.

Each record holds what an inspector needs to prove what was run on which data: system, period,
template and its SHA-256, parameters (secrets removed), SHA-256 fingerprints of every input dataset and
contract, package versions, times, status, and every output file with its SHA-256.

Records form a hash chain: ``record_hash = SHA-256(canonical JSON of the record including seq and
prev_hash)``, and ``prev_hash`` is the previous record's ``record_hash``. :meth:`EvidenceStore.verify`
recomputes the chain and re-hashes every output file, so a changed, removed or reordered row, or a
changed or missing output file, is named. On SQLite, triggers refuse UPDATE and DELETE; on PostgreSQL a
trigger does the same.

Three things make the chain hold against someone who can write the store (docs/evidence.md):

* **The head.** After every append the newest (seq, record_hash) is written to
  ``.govreport/evidence-head.json`` — a path relative to the workspace, keyed by the store's own id (a
  random id kept in the store, ``govreport_store``), never by its URL, so moving the workspace keeps it. A
  missing, unreadable, malformed or foreign head is an error of :meth:`EvidenceStore.verify` as soon as the
  store holds records; :meth:`EvidenceStore.init_head` writes one for a store that truly has none.
* **Signatures.** With ``evidence.signing`` in govreport.yaml every record is signed (Ed25519,
  :mod:`govreport.core.signing`) and the signature kept in ``govreport_signatures``. A workspace that has
  never signed appends unsigned records and ``verify`` warns; once any record is signed, or whenever a key is
  configured, an unsigned record is an error — except the unsigned records before the first signed one, which
  that record adopts (its signature covers the chain up to it).
* **Anchors.** :meth:`EvidenceStore.anchor` gives the head, its signature, the public key and the first
  signed record as a small JSON to keep outside the workspace; ``verify(anchors=…)`` proves the store still
  holds each anchored head and that every record from the first signed one on is signed by the anchored key.

Storage is SQLite under the workspace by default, or any SQLAlchemy URL (``postgresql+psycopg://…``).
Appends are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``LOCK TABLE … IN EXCLUSIVE MODE``), so
concurrent runs on one workspace never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.files import mask_url, now, sha256_file
from ..errors import EvidenceError, TamperedEvidence

if TYPE_CHECKING:  # the signing module imports cryptography: loaded only when a signature is made or checked
    from ..core.signing import SigningConfig

__all__ = [
    "EvidenceStore",
    "RunRecord",
    "Problem",
    "Verification",
    "sha256_file",
    "redact",
    "GENESIS",
    "ANCHOR_FORMAT",
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

#: The store's own id (``store_id``), which the head file and anchors name instead of the URL.
store_table = sa.Table(
    "govreport_store",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

#: One signature per signed record: Ed25519 over (seq, record_hash) by ``public_key`` (both hex).
signatures = sa.Table(
    "govreport_signatures",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("public_key", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
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


_APPEND_ONLY = ("govreport_runs", "govreport_signatures")
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {t}_no_{op.lower()} BEFORE {op} ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'the evidence store is append-only'); END"
    for t in _APPEND_ONLY
    for op in ("UPDATE", "DELETE")
]
_PG_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION govreport_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the evidence store is append-only'; END; $$ LANGUAGE plpgsql",
] + [
    stmt
    for t in _APPEND_ONLY
    for stmt in (
        f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}",
        f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION govreport_append_only()",
    )
]


class EvidenceStore:
    """Append-only hash-chained store of run records.

    ``root`` is the folder that relative output paths are resolved against (the workspace root);
    ``head_file`` is where the chain head is mirrored (default ``root/.govreport/evidence-head.json``);
    ``signing`` is the workspace's signing configuration (``None``: no key named in govreport.yaml).
    """

    def __init__(
        self, url: str, root: Path, head_file: Path | None = None, *, signing: SigningConfig | None = None
    ) -> None:
        self.url = url
        self.root = root
        self.head_file = head_file or root / ".govreport" / "evidence-head.json"
        self.signing = signing
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._store_id: str | None = None
        self._loaded_signer: Any = None

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
                f"'{mask_url(self.url)}' is not a database URL",
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
                sid = conn.execute(
                    sa.select(store_table.c.value).where(store_table.c.key == "store_id")
                ).scalar()
                if sid is None:  # a new store, or one written before stores had an id
                    sid = uuid.uuid4().hex
                    conn.execute(store_table.insert().values(key="store_id", value=sid))
                self._store_id = sid
        except ModuleNotFoundError as e:
            raise EvidenceError(
                f"the database driver '{e.name}' is not installed",
                field="evidence.url",
                fix="pip install 'govreport[postgres]' for PostgreSQL",
            ) from None
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(
                f"cannot open the evidence store {mask_url(self.url)}: {_first_line(e)}",
                field="evidence.url",
                fix="check the URL, that the server is running and that you may write to it",
            ) from None
        return engine

    @property
    def store_id(self) -> str:
        """The store's own id (random, kept in the store): what the head file and anchors name."""
        _ = self.engine
        assert self._store_id is not None
        return self._store_id

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
    def append(
        self, record: RunRecord, before_commit: Callable[[RunRecord], None] | None = None
    ) -> RunRecord:
        """Append ``record``: assign seq, version, prev_hash and record_hash, sign it, and insert.

        ``before_commit(record)`` runs inside the lock after the version is known (the runner uses it to
        move outputs into their versioned folder); if it raises, nothing is inserted. Without a signing key
        the record is appended unsigned — refused when the store already holds signed records.
        """
        record.parameters = redact(record.parameters)
        signer = self._signer()  # a one-line error when the key cannot be had, before the lock
        try:
            with self._locked() as conn:
                last = conn.execute(
                    sa.select(runs.c.seq, runs.c.record_hash).order_by(runs.c.seq.desc()).limit(1)
                ).first()
                if signer is None and conn.execute(sa.select(signatures.c.seq).limit(1)).first() is not None:
                    raise EvidenceError(
                        "the records of this evidence store are signed, and govreport.yaml names no signing "
                        "key: an unsigned record would break the chain",
                        field="evidence.signing",
                        fix="name the key (evidence.signing in govreport.yaml; see docs/evidence.md)",
                    )
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
                if signer is not None:
                    conn.execute(
                        signatures.insert().values(
                            seq=record.seq,
                            public_key=signer.public_hex,
                            signature=signer.sign(record.seq, record.record_hash),
                        )
                    )
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(
                f"cannot write to the evidence store: {_first_line(e)}",
                fix="check that the database is reachable and writable",
            ) from None
        self._write_head(record.seq, record.record_hash)
        return record

    def _signer(self) -> Any:
        """The signing key (loaded once), or ``None`` when govreport.yaml names none."""
        if self.signing is not None and self._loaded_signer is None:
            self._loaded_signer = self.signing.signer()
        return self._loaded_signer

    def _write_head(self, seq: int, record_hash: str) -> None:
        try:
            self.head_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.head_file.with_suffix(".tmp")
            tmp.write_text(
                json.dumps(
                    {"store_id": self.store_id, "seq": seq, "record_hash": record_hash, "written_at": now()}
                )
            )
            tmp.replace(self.head_file)
        except OSError:
            pass  # the head file is a second witness, never a reason to lose a record (verify then says so)

    def init_head(self) -> tuple[int, str]:
        """Write the head file of a store that has none, after checking the chain; its (seq, record_hash).

        Refused when a head file exists (a head is never replaced by a command: move it aside on purpose)
        or when the chain has problems.
        """
        if self.head_file.exists():
            raise EvidenceError(
                f"{self._head_name()} exists; init-head only writes a head for a store that has none",
                file=self._head_name(),
                fix="run `govreport evidence verify`; move the file aside only if you know why it is wrong",
            )
        result = self.check(check_files=True, head=False)
        if result.problems:
            raise TamperedEvidence(
                f"evidence chain check failed at {result.problems[0]}",
                fix="restore the store from backup; no head was written",
            )
        last = self._last()
        seq, h = (last.seq, last.record_hash) if last else (0, GENESIS)
        self._write_head(seq, h)
        if not self.head_file.is_file():
            raise EvidenceError(
                f"cannot write {self._head_name()}",
                file=self._head_name(),
                fix="check that the .govreport folder is writable",
            )
        return seq, h

    def adopt(self) -> RunRecord:
        """Sign an unsigned chain: append a signed ``adopt`` record whose signature covers the current head.

        Needs the signing key; refused when the chain has problems or is already signed.
        """
        if self.signing is None:
            raise EvidenceError(
                "govreport.yaml names no signing key: there is nothing to adopt the chain with",
                field="evidence.signing",
                fix="make a key with `govreport evidence keygen` first",
            )
        result = self.check(check_files=True, adopting=True)
        if result.problems:
            raise TamperedEvidence(
                f"evidence chain check failed at {result.problems[0]}",
                fix="only an intact chain is adopted: restore the store from backup first",
            )
        if result.signed:
            raise EvidenceError(
                "the chain is already signed; nothing to adopt", fix="run `govreport evidence verify`"
            )
        last = self._last()
        return self.append(
            RunRecord(
                system_id="_evidence",
                period="-",
                template="-",
                kind="adopt",
                status="signed",
                started_at=now(),
                summary={
                    "adopts_seq": last.seq if last else 0,
                    "adopts_hash": last.record_hash if last else GENESIS,
                },
            )
        )

    def claim(self, schedule: str, period: str, *, due_at: str, late: bool, claimed_by: str) -> bool:
        """Claim (schedule, period) for running. True for exactly one caller, ever; False if already
        claimed — also when two processes race, because the insert hits the primary key."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    claims_table.insert().values(
                        schedule=schedule,
                        period=period,
                        claimed_at=now(),
                        claimed_by=claimed_by,
                        due_at=due_at,
                        late=late,
                    )
                )
        except sa.exc.IntegrityError:
            return False
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(
                f"cannot write to the evidence store: {_first_line(e)}",
                fix="check that the database is reachable and writable",
            ) from None
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

    def signatures(self) -> dict[int, tuple[str, str]]:
        """seq → (public key hex, signature hex) of every signed record."""
        try:
            with self.engine.connect() as conn:
                return {r.seq: (r.public_key, r.signature) for r in conn.execute(sa.select(signatures))}
        except sa.exc.SQLAlchemyError as e:
            raise EvidenceError(f"cannot read the evidence store: {_first_line(e)}") from None

    def get(self, seq: int) -> RunRecord:
        found = self.records(seq=seq)
        if not found:
            raise EvidenceError(
                f"no record with RUN_ID {seq}",
                field="RUN_ID",
                fix="list records with `govreport evidence list`",
            )
        return found[0]

    def latest(self, *, system_id: str, period: str, template: str, kind: str = "run") -> RunRecord | None:
        found = self.records(system_id=system_id, period=period, template=template, kind=kind)
        return found[-1] if found else None

    def _last(self) -> RunRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(runs).order_by(runs.c.seq.desc()).limit(1)).first()
        return RunRecord.from_row(row._mapping) if row else None

    def head(self) -> dict[str, Any]:
        """The chain head as the review's cover prints it: seq, record_hash, and the signing key's
        fingerprint (``None`` when the head record is unsigned)."""
        last = self._last()
        if last is None:
            return {"seq": 0, "record_hash": GENESIS, "key_fingerprint": None, "store_id": self.store_id}
        sig = self.signatures().get(last.seq)
        return {
            "seq": last.seq,
            "record_hash": last.record_hash,
            "store_id": self.store_id,
            "key_fingerprint": _fingerprint(sig[0]) if sig else None,
        }

    def anchor(self) -> dict[str, Any]:
        """The current head as an anchor to keep outside the workspace (checked first: refused if
        tampered)."""
        result = self.check(check_files=True)
        if result.problems:
            raise TamperedEvidence(
                f"evidence chain check failed at {result.problems[0]}",
                fix="an anchor pins a good chain only: restore the store from backup first",
            )
        last = self._last()
        if last is None:
            raise EvidenceError(
                "the evidence store has no records: there is nothing to anchor", fix="run a period first"
            )
        sigs = self.signatures()
        pub, sig = sigs.get(last.seq, (None, None))
        return {
            "format": ANCHOR_FORMAT,
            "store_id": self.store_id,
            "seq": last.seq,
            "record_hash": last.record_hash,
            "record_time": last.finished_at,
            "anchored_at": now(),
            "signature": sig,
            "public_key": pub,
            "key_fingerprint": _fingerprint(pub) if pub else None,
            "signed_from": min(sigs) if sigs else None,
        }

    # -- verification -------------------------------------------------------------------------------
    def verify(self, check_files: bool = True, anchors: Sequence[tuple[str, Any]] = ()) -> list[Problem]:
        """Recompute the chain, signatures, head and output hashes. Empty list: intact (see :meth:`check`)."""
        return self.check(check_files=check_files, anchors=anchors).problems

    def check(
        self,
        check_files: bool = True,
        anchors: Sequence[tuple[str, Any]] = (),
        *,
        head: bool = True,
        adopting: bool = False,
    ) -> Verification:
        """Everything :meth:`verify` checks, with the warnings (an unsigned chain) and what was signed.

        ``anchors`` are (name, parsed JSON) pairs from :meth:`anchor`. Problems come first-bad-record first.
        """
        problems: list[Problem] = []
        warnings: list[str] = []
        recs = self.records()
        sigs = self.signatures()
        good_anchors = [(n, a) for n, a in anchors if not _anchor_problem(n, a, problems)]
        anchored_key = next((a["public_key"] for _, a in reversed(good_anchors) if a.get("public_key")), None)
        configured = self.signing.public_hex if self.signing is not None else None
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
                problems.append(
                    Problem(rec.seq, "chain broken: prev_hash does not match the previous record")
                )
            if rec.compute_hash() != rec.record_hash:
                problems.append(Problem(rec.seq, "record changed after it was written (hash mismatch)"))
            sig = sigs.get(rec.seq)
            if sig is not None:
                key = expected or first_key or sig[0]
                first_key = first_key or sig[0]
                if sig[0] != key:
                    whose = (
                        "the anchored" if anchored_key else "the configured" if configured else "the chain’s"
                    )
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
                            "signature does not match the record (changed or re-hashed "
                            "without the private key)",
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
            if check_files:
                for name, out in rec.outputs.items():
                    path = self._resolve(out["path"])
                    if not path.is_file():
                        problems.append(Problem(rec.seq, f"output {name} missing: {out['path']}"))
                    elif sha256_file(path) != out["sha256"]:
                        problems.append(Problem(rec.seq, f"output {name} changed: {out['path']}"))
            prev = rec.record_hash
            expected_seq = rec.seq + 1
        by_seq = {r.seq: r for r in recs}
        for n, a in good_anchors:
            problems.extend(_anchor_check(n, a, by_seq, sigs, self.store_id, expected_seq - 1))
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
        if head:
            problems.extend(self._check_head(recs, expected_seq - 1))
        problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
        fp = _fingerprint(expected or first_key) if (expected or first_key) else None
        return Verification(
            len(recs), problems, warnings, signed=len(set(sigs) & set(by_seq)), key_fingerprint=fp
        )

    def _head_name(self) -> str:
        try:
            return self.head_file.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.head_file)

    def _check_head(self, recs: Sequence[RunRecord], last_seq: int) -> list[Problem]:
        name = self._head_name()
        fix = "restore it from backup and check with `govreport evidence verify --anchor FILE`"
        if not self.head_file.exists():
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
            head = json.loads(self.head_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            return [Problem(None, f"the chain head {name} is unreadable ({type(e).__name__}) — {fix}")]
        what = _head_shape(head)
        if what:
            return [Problem(None, f"the chain head {name} is malformed: {what} — {fix}")]
        if "store_id" in head and head["store_id"] != self.store_id:
            return [
                Problem(
                    None,
                    f"the chain head {name} belongs to evidence store {head['store_id'][:12]}…, "
                    f"not to this one ({self.store_id[:12]}…): the store was replaced — {fix}",
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


def _fingerprint(public_hex: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()


def _short(public_hex: str) -> str:
    return f"SHA256:{_fingerprint(public_hex)[:16]}…"


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
        elif a.get("public_key") is not None and a.get("key_fingerprint") != _fingerprint(a["public_key"]):
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


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__
