"""The evidence store's tables (SQLAlchemy Core) and the triggers that make two of them append-only.

Contract: table definitions only; no engine, no I/O. :mod:`.store` creates them on first connect.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["metadata", "runs", "claims_table", "store_table", "signatures", "SQLITE_TRIGGERS", "PG_TRIGGERS"]

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

_APPEND_ONLY = ("govreport_runs", "govreport_signatures")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {t}_no_{op.lower()} BEFORE {op} ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'the evidence store is append-only'); END"
    for t in _APPEND_ONLY
    for op in ("UPDATE", "DELETE")
]
PG_TRIGGERS = [
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
