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

The record, its hashing and the redaction of secrets live in :mod:`.records`, the tables in :mod:`.schema`,
the checks of the chain, head and anchors in :mod:`.chain`; every name is importable from here as before.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..core.files import mask_url, now, sha256_file
from ..errors import EvidenceError, TamperedEvidence
from .chain import check_chain, fingerprint
from .records import ANCHOR_FORMAT, GENESIS, Problem, RunRecord, Verification, redact
from .schema import PG_TRIGGERS, SQLITE_TRIGGERS, claims_table, metadata, runs, signatures, store_table

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
                    for stmt in SQLITE_TRIGGERS:
                        conn.exec_driver_sql(stmt)
                elif engine.dialect.name == "postgresql":
                    for stmt in PG_TRIGGERS:
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
            "key_fingerprint": fingerprint(sig[0]) if sig else None,
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
            "key_fingerprint": fingerprint(pub) if pub else None,
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

        ``anchors`` are (name, parsed JSON) pairs from :meth:`anchor`. Problems come first-bad-record first
        (:func:`govreport.evidence.chain.check_chain`).
        """
        recs = self.records()
        return check_chain(
            recs,
            self.signatures(),
            store_id=self.store_id,
            configured=self.signing.public_hex if self.signing is not None else None,
            anchors=anchors,
            resolve=self._resolve if check_files else None,
            head_file=self.head_file if head else None,
            head_name=self._head_name(),
            adopting=adopting,
        )

    def _head_name(self) -> str:
        try:
            return self.head_file.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.head_file)

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


def _first_line(e: BaseException) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__
