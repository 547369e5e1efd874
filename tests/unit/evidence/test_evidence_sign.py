"""The signed, anchored evidence chain (issue 18): head, signatures, adoption, anchors, sign-off.

Each attack is played as an insider would: on the database (triggers dropped first) and on the workspace's
files. Runs on SQLite always, and on PostgreSQL when GOVREPORT_TEST_PG_URL names a server (scripts/test.sh
starts one).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from govreport.core.signing import SigningConfig, generate_key
from govreport.errors import ConfigError, EvidenceError, TamperedEvidence
from govreport.evidence import EvidenceStore, RunRecord, sha256_file
from tests.conftest import ROOT, skip_or_fail

PG_URL = os.environ.get("GOVREPORT_TEST_PG_URL")


def _key(tmp_path: Path, name: str = "key") -> SigningConfig:
    path = tmp_path / "keys" / f"{name}-{uuid.uuid4().hex[:6]}.pem"
    signer = generate_key(path)
    return SigningConfig(signer.public_hex, lambda: signer, "test")


def _pg_url() -> str:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    eng = sa.create_engine(PG_URL)
    with eng.begin() as c:
        c.exec_driver_sql(f"CREATE SCHEMA {schema}")
    eng.dispose()
    return (
        sa.engine.make_url(PG_URL)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request, tmp_path: Path) -> str:
    """The store's URL: SQLite inside the workspace, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ws' / '.govreport' / 'evidence.db'}"
    if not PG_URL:
        skip_or_fail("GOVREPORT_TEST_PG_URL not set (scripts/test.sh starts a PostgreSQL server and sets it)")
    return _pg_url()


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


def _record(store: EvidenceStore, status: str = "succeeded", text: str = "report") -> RunRecord:
    out = store.root / "reports" / f"{uuid.uuid4().hex}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    rec = RunRecord(
        system_id="sys-a",
        period="2026Q3",
        template="model_risk",
        status=status,
        started_at="2026-10-01T00:00:00+00:00",
        error="" if status == "succeeded" else "AUC below floor",
    )

    def attach(r: RunRecord) -> None:
        r.outputs = {
            "html": {
                "path": out.relative_to(store.root).as_posix(),
                "sha256": sha256_file(out),
                "bytes": out.stat().st_size,
            }
        }

    return store.append(rec, before_commit=attach)


def _chain(store: EvidenceStore, n: int = 4) -> list[RunRecord]:
    """n records; record 2 failed (what a forger wants to turn into a success)."""
    return [_record(store, "failed" if i == 2 else "succeeded", f"report {i}") for i in range(1, n + 1)]


def _sql(store: EvidenceStore, *statements: tuple[str, dict] | str) -> None:
    """Tamper as a database administrator would: drop the append-only triggers, then write."""
    with store.engine.connect() as c:
        if c.dialect.name == "sqlite":
            for t in ("govreport_runs", "govreport_signatures"):
                for op in ("update", "delete"):
                    c.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_no_{op}")
        else:
            for t in ("govreport_runs", "govreport_signatures"):
                c.exec_driver_sql(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")
        for st in statements:
            sql, params = (st, {}) if isinstance(st, str) else st
            c.execute(sa.text(sql), params)
        c.commit()


def _forge(store: EvidenceStore, *, resign: SigningConfig | None = None, strip: bool = False) -> None:
    """Turn failed record 2 into a success and recompute every later hash (and the head file), as an insider
    with database and workspace access would; ``resign`` re-signs with that (new) key, ``strip`` drops every
    signature."""
    recs = store.records()
    prev = recs[0].record_hash
    statements: list = []
    signer = resign.signer() if resign else None
    for r in recs[1:]:
        if r.seq == 2:
            r.status, r.error = "succeeded", ""
        r.prev_hash = prev
        r.record_hash = r.compute_hash()
        prev = r.record_hash
        statements.append(
            (
                "UPDATE govreport_runs SET status=:s, error=:e, prev_hash=:p, record_hash=:h WHERE seq=:q",
                {"s": r.status, "e": r.error, "p": r.prev_hash, "h": r.record_hash, "q": r.seq},
            )
        )
        if signer is not None:
            statements.append(
                (
                    "UPDATE govreport_signatures SET public_key=:k, signature=:g WHERE seq=:q",
                    {"k": signer.public_hex, "g": signer.sign(r.seq, r.record_hash), "q": r.seq},
                )
            )
    if signer is not None:  # record 1 too: the whole history under the new key
        statements.append(
            (
                "UPDATE govreport_signatures SET public_key=:k, signature=:g WHERE seq=1",
                {"k": signer.public_hex, "g": signer.sign(1, recs[0].record_hash)},
            )
        )
    if strip:
        statements.append("DELETE FROM govreport_signatures")
    _sql(store, *statements)
    store.head_file.write_text(
        json.dumps({"store_id": store.store_id, "seq": recs[-1].seq, "record_hash": recs[-1].record_hash})
    )


def _first(problems) -> str:
    assert problems, "verify found nothing"
    return str(problems[0])


# -- a signed chain -----------------------------------------------------------------------------------
def test_signed_chain_verifies_and_names_its_key(backend, ws, tmp_path):
    key = _key(tmp_path)
    store = EvidenceStore(backend, ws, signing=key)
    _chain(store)
    result = store.check()
    assert result.problems == [] and result.warnings == []
    assert (result.records, result.signed, result.key_fingerprint) == (4, 4, key.fingerprint)
    assert store.head()["key_fingerprint"] == key.fingerprint and store.head()["seq"] == 4
    head = json.loads(store.head_file.read_text())
    assert head["store_id"] == store.store_id and "url" not in head
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as c:
        c.exec_driver_sql("DELETE FROM govreport_signatures")
    store.close()


# -- the Done-when cases ------------------------------------------------------------------------------
def test_truncated_store_with_head_deleted(backend, ws, tmp_path):
    store = EvidenceStore(backend, ws, signing=_key(tmp_path))
    _chain(store)
    anchor = store.anchor()
    _sql(store, "DELETE FROM govreport_runs WHERE seq = 4", "DELETE FROM govreport_signatures WHERE seq = 4")
    store.head_file.unlink()
    problems = store.verify()
    assert len(problems) == 1 and "evidence-head.json is missing" in str(problems[0]), problems
    with pytest.raises(TamperedEvidence):
        store.verify_or_raise()
    # with the anchor the removed record is named
    assert _first(store.verify(anchors=[("2026Q3.json", anchor)])).startswith(
        "record 4: missing: anchored in 2026Q3"
    )
    store.close()


def test_moved_workspace_with_newest_record_deleted(backend, ws, tmp_path):
    store = EvidenceStore(backend, ws, signing=_key(tmp_path))
    _chain(store)
    store.close()
    moved = tmp_path / "elsewhere" / "ws-restored"
    shutil.copytree(ws, moved.parent / "ws-restored")
    shutil.rmtree(ws)
    url = backend.replace(str(ws), str(moved)) if backend.startswith("sqlite") else backend
    store = EvidenceStore(url, moved, signing=None)  # and nobody names the key any more
    _sql(store, "DELETE FROM govreport_runs WHERE seq = 4", "DELETE FROM govreport_signatures WHERE seq = 4")
    assert _first(store.verify()).startswith("record 4: missing: the chain ends at record 3")
    store.close()


def test_forged_chain_rehashed_without_the_key(backend, ws, tmp_path):
    store = EvidenceStore(backend, ws, signing=_key(tmp_path))
    _chain(store)
    _forge(store)
    assert store.records()[1].status == "succeeded"
    assert _first(store.verify()).startswith("record 2: signature does not match the record")
    store.close()


def test_forged_chain_resigned_with_a_new_key(backend, ws, tmp_path):
    key = _key(tmp_path)
    store = EvidenceStore(backend, ws, signing=key)
    _chain(store)
    _record(store)
    anchor = store.anchor()
    assert anchor["key_fingerprint"] == key.fingerprint and anchor["signed_from"] == 1
    forger_key = _key(tmp_path, "forger")
    _forge(store, resign=forger_key)
    # govreport.yaml still names the bank's key: caught without the anchor
    assert _first(store.verify()).startswith("record 1: signed by key")
    # the forger also replaced the key in govreport.yaml: only the anchor (kept outside) catches it
    forged = EvidenceStore(backend, ws, signing=forger_key)
    assert forged.verify() == []
    problems = forged.verify(anchors=[("minutes-2026Q3.json", anchor)])
    assert _first(problems).startswith("record 1: signed by key") and "anchored key" in str(problems[0])
    assert any("anchor pins key" in str(p) for p in problems)
    store.close()
    forged.close()


def test_forged_chain_with_signatures_stripped(backend, ws, tmp_path):
    key = _key(tmp_path)
    store = EvidenceStore(backend, ws, signing=key)
    _chain(store)
    anchor = store.anchor()
    _forge(store, strip=True)
    # govreport.yaml names the key: every unsigned record is an error
    assert _first(store.verify()).startswith("record 1: unsigned, and govreport.yaml names a signing key")
    # the key removed from govreport.yaml too: a warning only, until the anchor is brought
    bare = EvidenceStore(backend, ws)
    result = bare.check()
    assert result.problems == [] and "not signed" in result.warnings[0]
    assert _first(bare.verify(anchors=[("a.json", anchor)])).startswith(
        "record 1: unsigned, but the chain is signed from record 1 on"
    )
    store.close()
    bare.close()


# -- head ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "content",
    [
        '{"store_id": "x", "record_hash": "0"}',
        '{"seq": "4", "record_hash": "a"}',
        "not json",
        "[1, 2]",
        '{"seq": 4, "record_hash": 7}',
    ],
)
def test_malformed_head_is_one_problem(ws, tmp_path, content):
    store = EvidenceStore(f"sqlite:///{ws / '.govreport' / 'evidence.db'}", ws)
    _chain(store, 2)
    store.head_file.write_text(content)
    problems = store.verify()
    assert len(problems) == 1 and problems[0].seq is None and "\n" not in str(problems[0])
    assert "evidence-head.json is" in str(problems[0])


def test_head_of_another_store_and_init_head(ws, tmp_path):
    store = EvidenceStore(f"sqlite:///{ws / '.govreport' / 'evidence.db'}", ws)
    _chain(store, 2)
    store.head_file.write_text(
        json.dumps({"store_id": "f" * 32, "seq": 2, "record_hash": store.records()[1].record_hash})
    )
    assert "belongs to evidence store ffffffffffff" in _first(store.verify())
    with pytest.raises(EvidenceError, match="exists"):
        store.init_head()
    store.head_file.unlink()
    assert store.init_head() == (2, store.records()[1].record_hash)
    assert store.verify() == []
    legacy = {"url": "sqlite:////somewhere/else.db", "seq": 2, "record_hash": "0" * 64}  # the old format
    store.head_file.write_text(json.dumps(legacy))
    assert _first(store.verify()).startswith("record 2: replaced")


# -- adoption and unsigned writers --------------------------------------------------------------------
def test_unsigned_chain_is_adopted_by_the_first_signed_record(backend, ws, tmp_path):
    key = _key(tmp_path)
    plain = EvidenceStore(backend, ws)
    _chain(plain, 2)
    assert plain.check().warnings and plain.verify() == []
    keyed = EvidenceStore(backend, ws, signing=key)
    assert _first(keyed.verify()).startswith("record 1: unsigned, and govreport.yaml names a signing key")
    with pytest.raises(EvidenceError, match="no signing key"):
        plain.adopt()
    rec = keyed.adopt()
    assert rec.kind == "adopt" and rec.summary["adopts_seq"] == 2
    result = keyed.check()
    assert result.problems == [] and "records 1–2 were written before signing began" in result.warnings[0]
    _record(keyed)
    with pytest.raises(EvidenceError, match="records of this evidence store are signed"):
        _record(plain)  # a writer without the key cannot append
    # a record slipped in unsigned behind the store's back is an error
    r = RunRecord(system_id="x", period="2026Q3", template="t", status="succeeded", started_at="2026-10-01")
    last = keyed.records()[-1]
    r.seq, r.version, r.prev_hash = last.seq + 1, 1, last.record_hash
    r.record_hash = r.compute_hash()
    with keyed.engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO govreport_runs ("
                + ",".join(r.to_row())
                + ") VALUES ("
                + ",".join(f":{k}" for k in r.to_row())
                + ")"
            ),
            r.to_row(),
        )
    keyed.head_file.write_text(
        json.dumps({"store_id": keyed.store_id, "seq": r.seq, "record_hash": r.record_hash})
    )
    assert _first(keyed.verify()).startswith(
        f"record {r.seq}: unsigned, but the chain is signed from record 3 on"
    )
    plain.close()
    keyed.close()


# -- keys in govreport.yaml ---------------------------------------------------------------------------
def _workspace(tmp_path: Path, signing: str = "") -> Path:
    from govreport.workspace.scaffold import init_workspace

    root = init_workspace(tmp_path / "bank", name_zh="測試銀行", name_en="Test Bank")
    if signing:
        cfg = root / "govreport.yaml"
        cfg.write_text(cfg.read_text().replace("evidence:\n", "evidence:\n" + signing, 1))
    return root


def test_key_file_inside_workspace_or_readable_is_refused(tmp_path):
    from govreport.workspace import Workspace

    root = _workspace(tmp_path)
    inside = generate_key(root / "keys" / "k.pem")
    cfg = root / "govreport.yaml"
    base = cfg.read_text()
    cfg.write_text(
        base.replace(
            "evidence:\n",
            f"evidence:\n  signing:\n    public_key: ed25519:{inside.public_hex}\n    key_file: keys/k.pem\n",
            1,
        )
    )
    with pytest.raises(ConfigError, match="inside the workspace"):
        Workspace.load(root).signing()
    outside = tmp_path / "secret" / "k.pem"
    outside.parent.mkdir()
    shutil.move(root / "keys" / "k.pem", outside)
    os.chmod(outside, 0o644)
    cfg.write_text(
        base.replace(
            "evidence:\n",
            f"evidence:\n  signing:\n    public_key: ed25519:{inside.public_hex}\n    key_file: {outside}\n",
            1,
        )
    )
    from govreport.evidence.queries import open_store

    with pytest.raises(ConfigError, match="may be read by other users"):
        open_store(Workspace.load(root))
    os.chmod(outside, 0o600)
    assert (
        open_store(Workspace.load(root)).signing.fingerprint
        == SigningConfig(inside.public_hex, None).fingerprint
    )
    other = generate_key(tmp_path / "secret" / "other.pem")
    cfg.write_text(
        base.replace(
            "evidence:\n",
            f"evidence:\n  signing:\n    public_key: ed25519:{other.public_hex}\n    key_file: {outside}\n",
            1,
        )
    )
    with pytest.raises(ConfigError, match="does not belong to public key"):
        open_store(Workspace.load(root))
    assert open_store(Workspace.load(root), writing=False).verify() == []  # a verify-only copy needs no key


def _cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govreport", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        timeout=120,
    )


def test_cli_keygen_anchor_verify_and_malformed_head(tmp_path):
    root = _workspace(tmp_path)
    key = tmp_path / "secret" / "evidence.key"
    out = _cli("evidence", "keygen", "-w", str(root), "--out", str(key))
    assert out.returncode == 0, out.stderr
    snippet = out.stdout.split("add to govreport.yaml:\n")[1]
    assert _cli("evidence", "keygen", "-w", str(root), "--out", str(root / "k.pem")).returncode == 2
    cfg = root / "govreport.yaml"
    cfg.write_text(cfg.read_text().replace("evidence:\n", "evidence:\n" + snippet.split("evidence:\n")[1], 1))
    from govreport.evidence.queries import open_store
    from govreport.workspace import Workspace

    store = open_store(Workspace.load(root))
    _chain(store, 3)
    anchor = tmp_path / "audit" / "2026Q3.json"
    assert _cli("evidence", "anchor", "-w", str(root), "--out", str(anchor)).returncode == 0
    ok = _cli("evidence", "verify", "-w", str(root), "--anchor", str(anchor))
    assert ok.returncode == 0 and "3 signed by key SHA256:" in ok.stdout and "1 anchor(s) held" in ok.stdout
    store.head_file.write_text('{"seq": "3"}')
    bad = _cli("evidence", "verify", "-w", str(root))
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stderr.splitlines()[-1].startswith(
        "error: evidence chain check failed at the chain head .govreport/evidence-head.json is malformed"
    )
    store.head_file.unlink()
    assert _cli("evidence", "init-head", "-w", str(root)).returncode == 0
    assert _cli("evidence", "verify", "-w", str(root), "--anchor", str(anchor)).returncode == 0
    anchor.write_text("{")
    broken = _cli("evidence", "verify", "-w", str(root), "--anchor", str(anchor))
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1


# -- sign-off -----------------------------------------------------------------------------------------
def _signed_workspace(tmp_path: Path) -> Path:
    key = tmp_path / "secret" / "evidence.key"
    signer = generate_key(key)
    return _workspace(
        tmp_path, f"  signing:\n    public_key: ed25519:{signer.public_hex}\n    key_file: {key}\n"
    )


def _review_run(store: EvidenceStore, period: str = "2026Q3") -> RunRecord:
    """A review run as the runner records it (the report itself is built by the slow end-to-end tests)."""
    from govreport.present.review import recorded_signoffs

    folder = store.root / "reports" / period / "_portfolio" / "review" / uuid.uuid4().hex[:6]
    folder.mkdir(parents=True)
    page = folder / "report.html"
    page.write_text(f"<html><body><h1>review</h1>{recorded_signoffs([])}</body></html>", encoding="utf-8")
    rec = RunRecord(
        system_id="_portfolio",
        period=period,
        template="review",
        status="succeeded",
        started_at="2026-10-02T00:00:00+00:00",
        outputs={
            "html": {
                "path": page.relative_to(store.root).as_posix(),
                "sha256": sha256_file(page),
                "bytes": page.stat().st_size,
            }
        },
    )
    return store.append(rec)


def test_signoff_recorded_then_stale_when_the_review_is_rerun(tmp_path):
    from govreport.errors import ConfigError as CE
    from govreport.evidence.queries import open_store
    from govreport.evidence.signoff import record_signoff, signoffs_for
    from govreport.publish.site import _print_copy
    from govreport.workspace import Workspace

    root = _signed_workspace(tmp_path)
    ws = Workspace.load(root)
    store = open_store(ws)
    with pytest.raises(Exception, match="no succeeded review for 2026Q3"):
        record_signoff(ws, "2026Q3", "risk", "王小明 風險管理處", "approved")
    v1 = _review_run(store)
    so = record_signoff(ws, "2026Q3", "risk", "王小明 風險管理處", "approved; follow up F-3")
    assert so.kind == "signoff" and so.summary["review_seq"] == v1.seq and so.summary["review_version"] == 1
    assert so.summary["head_seq"] == v1.seq and so.summary["key_fingerprint"] == ws.signing().fingerprint
    assert store.signatures()[so.seq][0] == ws.signing().public_hex
    [s] = signoffs_for(store.records(), "2026Q3")
    assert s["stale"] is False and s["role"] == "risk"
    v2 = _review_run(store)  # the review re-run after it was approved
    assert v2.version == 2
    record_signoff(ws, "2026Q3", "compliance", "陳法遵", "no objection")
    listed = {s["role"]: s for s in signoffs_for(store.records(), "2026Q3")}
    assert listed["risk"]["stale"] is True and listed["compliance"]["stale"] is False
    # the PDF's print copy shows them, the stale one marked
    page = root / v2.outputs["html"]["path"]
    copy = _print_copy(page, store.records(), "2026Q3")
    text = copy.read_text(encoding="utf-8")
    assert (
        'data-stale="true"' in text
        and 'data-stale="false"' in text
        and "approved v1, since superseded" in text
    )
    assert "陳法遵" in text
    # evidence list shows sign-offs, the superseded one as STALE
    out = _cli("evidence", "list", "-w", str(root))
    lines = [ln for ln in out.stdout.splitlines() if "signoff:" in ln]
    assert len(lines) == 2 and "STALE" in lines[0] and "STALE" not in lines[1], out.stdout
    assert store.verify() == []
    # a workspace without a key cannot sign off
    plain = _workspace(tmp_path / "plain")
    with pytest.raises(CE, match="a sign-off is a signed record"):
        record_signoff(Workspace.load(plain), "2026Q3", "risk", "x", "y")
