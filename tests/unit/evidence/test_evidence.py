"""The evidence store's hash chain: appends, verification and tamper detection.

Runs on SQLite always, and on PostgreSQL when GOVREPORT_TEST_PG_URL names a server (.ci/run starts one).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from govreport.errors import EvidenceError, TamperedEvidence
from govreport.evidence.store import GENESIS, EvidenceStore, RunRecord, redact, sha256_file
from tests.conftest import skip_or_fail

PG_URL = os.environ.get("GOVREPORT_TEST_PG_URL")


def _pg_store(tmp_path: Path) -> EvidenceStore:
    # a fresh schema per test keeps tests independent on one server
    schema = f"t_{uuid.uuid4().hex[:10]}"
    eng = sa.create_engine(PG_URL)
    with eng.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    eng.dispose()
    url = sa.engine.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return EvidenceStore(url.render_as_string(hide_password=False), tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path) -> EvidenceStore:
    if request.param == "sqlite":
        s = EvidenceStore(f"sqlite:///{tmp_path / 'ev.db'}", tmp_path)
    else:
        if not PG_URL:
            skip_or_fail(
                "GOVREPORT_TEST_PG_URL not set (scripts/test.sh starts a PostgreSQL server and sets it)"
            )
        s = _pg_store(tmp_path)
    yield s
    s.close()


def _record(
    store: EvidenceStore, tmp_path: Path, system="sys-a", period="2026Q3", text="report"
) -> RunRecord:
    out = tmp_path / f"{uuid.uuid4().hex}.html"
    out.write_text(text)
    rec = RunRecord(
        system_id=system,
        period=period,
        template="model_risk",
        status="succeeded",
        started_at="2026-10-01T00:00:00+00:00",
        parameters={"period": period, "db_password": "hunter2"},
    )

    def attach(r: RunRecord) -> None:
        r.outputs = {"html": {"path": out.name, "sha256": sha256_file(out), "bytes": out.stat().st_size}}

    return store.append(rec, before_commit=attach)


def _raw_exec(store: EvidenceStore, sql: str, params: dict | None = None) -> None:
    """Tamper as an attacker with database access would: bypass the append-only triggers first."""
    with store.engine.connect() as c:
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("DROP TRIGGER IF EXISTS govreport_runs_no_update")
            c.exec_driver_sql("DROP TRIGGER IF EXISTS govreport_runs_no_delete")
        else:
            c.exec_driver_sql("DROP TRIGGER IF EXISTS govreport_runs_append_only ON govreport_runs")
        c.execute(sa.text(sql), params or {})
        c.commit()


def test_chain_links_and_versions(store, tmp_path):
    a = _record(store, tmp_path)
    b = _record(store, tmp_path)
    c = _record(store, tmp_path, system="sys-b")
    assert (a.seq, b.seq, c.seq) == (1, 2, 3)
    assert a.prev_hash == GENESIS and b.prev_hash == a.record_hash and c.prev_hash == b.record_hash
    assert (a.version, b.version, c.version) == (1, 2, 1)
    assert store.verify() == []
    assert store.get(2).parameters["db_password"] == "***"


def test_store_refuses_update_and_delete(store, tmp_path):
    _record(store, tmp_path)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
        c.exec_driver_sql("UPDATE govreport_runs SET status = 'failed'")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM govreport_runs")


@pytest.mark.parametrize(
    "attack", ["change", "remove_middle", "remove_last", "reorder", "file_changed", "file_removed"]
)
def test_tamper_is_detected_and_named(store, tmp_path, attack):
    recs = [_record(store, tmp_path, text=f"report {i}") for i in range(4)]
    if attack == "change":
        _raw_exec(store, "UPDATE govreport_runs SET status = 'succeeded', error = 'edited' WHERE seq = 2")
        expect = "record 2"
    elif attack == "remove_middle":
        _raw_exec(store, "DELETE FROM govreport_runs WHERE seq = 3")
        expect = "record 4"
    elif attack == "remove_last":
        _raw_exec(store, "DELETE FROM govreport_runs WHERE seq = 4")
        expect = "record 4"
    elif attack == "reorder":  # swap the contents of records 2 and 3, keeping seq numbers
        _raw_exec(store, "UPDATE govreport_runs SET seq = -2 WHERE seq = 2")
        _raw_exec(store, "UPDATE govreport_runs SET seq = 2 WHERE seq = 3")
        _raw_exec(store, "UPDATE govreport_runs SET seq = 3 WHERE seq = -2")
        expect = "record 2"
    elif attack == "file_changed":
        (tmp_path / recs[1].outputs["html"]["path"]).write_text("edited report")
        expect = "record 2: output html changed"
    else:
        (tmp_path / recs[2].outputs["html"]["path"]).unlink()
        expect = "record 3: output html missing"
    problems = [str(p) for p in store.verify()]
    assert problems, attack
    assert any(expect in p for p in problems), problems
    with pytest.raises(TamperedEvidence) as e:
        store.verify_or_raise()
    assert e.value.exit_code == 1 and "\n" not in str(e.value)


def test_concurrent_appends_never_fork_the_chain(store, tmp_path):
    errors = []

    def work():
        try:
            for _ in range(5):
                _record(store, tmp_path)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    recs = store.records()
    assert [r.seq for r in recs] == list(range(1, 21))
    assert sorted(r.version for r in recs) == list(range(1, 21))
    assert store.verify() == []


def test_sqlite_file_edit_outside_sqlalchemy_detected(tmp_path):
    s = EvidenceStore(f"sqlite:///{tmp_path / 'ev.db'}", tmp_path)
    _record(s, tmp_path)
    _record(s, tmp_path)
    s.close()
    con = sqlite3.connect(tmp_path / "ev.db")
    con.execute("DROP TRIGGER govreport_runs_no_update")
    con.execute("UPDATE govreport_runs SET parameters = ? WHERE seq = 1", (json.dumps({"period": "2026Q2"}),))
    con.commit()
    con.close()
    s = EvidenceStore(f"sqlite:///{tmp_path / 'ev.db'}", tmp_path)
    assert any("record 1" in str(p) and "changed" in str(p) for p in s.verify())


def test_bad_url_is_a_clear_error(tmp_path):
    with pytest.raises(EvidenceError, match="not a database URL"):
        EvidenceStore("not a url", tmp_path).records()
    with pytest.raises(
        EvidenceError, match="cannot open the evidence store postgresql\\+psycopg://u:\\*\\*\\*@"
    ):
        EvidenceStore("postgresql+psycopg://u:secret@127.0.0.1:1/db", tmp_path).records()


def test_redact():
    r = redact(
        {"password": "x", "url": "postgresql://me:pw@h/db", "nested": {"api_key": "k"}, "period": "2026Q3"}
    )
    assert r == {
        "password": "***",
        "url": "postgresql://me:***@h/db",
        "nested": {"api_key": "***"},
        "period": "2026Q3",
    }


def test_schedule_claim_is_exactly_once(store, tmp_path):
    results = []

    def work():
        results.append(
            store.claim(
                "quarterly", "2026Q3", due_at="2026-10-01T09:00:00+08:00", late=False, claimed_by="test"
            )
        )

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]
    assert store.claim("quarterly", "2026Q4", due_at="x", late=True, claimed_by="t")
    assert [(c["period"], c["late"]) for c in store.claims("quarterly")] == [
        ("2026Q3", False),
        ("2026Q4", True),
    ]
