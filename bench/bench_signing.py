"""What signing the evidence chain costs (issue 18): per appended record, and for `verify` over many records.

    python bench/bench_signing.py [--records 10000] [--appends 500] [--pg URL]

1. ``append``: ``--appends`` records appended one by one through :meth:`EvidenceStore.append` (each its own
   transaction, as the runner does), unsigned and signed; the difference is what signing adds to each run.
2. ``verify``: a chain of ``--records`` records (written in one transaction, each hashed and, for the signed
   chain, signed exactly as ``append`` does) checked by :meth:`EvidenceStore.check` without output files
   (the file hashing is the same with or without signatures), unsigned and signed.

SQLite in a temporary folder (or PostgreSQL with ``--pg``). Prints one line per measurement and a JSON
summary.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from govreport.core.signing import SigningConfig, generate_key
from govreport.evidence import GENESIS, EvidenceStore, RunRecord, runs, signatures


def _record(i: int) -> RunRecord:
    return RunRecord(
        system_id=f"sys-{i % 20:02d}",
        period="2026Q3",
        template="model_risk",
        status="succeeded",
        started_at="2026-10-01T00:00:00+00:00",
        batch_id="bench",
        parameters={"period": "2026Q3", "system_id": f"sys-{i % 20:02d}"},
        inputs=[{"name": "scoring", "role": "scoring", "path": "data/x.parquet", "sha256": "a" * 64}],
        outputs={
            k: {"path": f"reports/x/{i}/{k}", "sha256": "b" * 64, "bytes": 2_000_000}
            for k in ("html", "notebook", "results", "log")
        },
        environment={"govreport": "0", "python": "3.12"},
        summary={"status": "green"},
    )


def _store(url: str | None, root: Path, signing: SigningConfig | None) -> EvidenceStore:
    if url is None:
        url = f"sqlite:///{root / f'{uuid.uuid4().hex}.db'}"
    else:
        import sqlalchemy as sa

        schema = f"bench_{uuid.uuid4().hex[:8]}"
        eng = sa.create_engine(url)
        with eng.begin() as c:
            c.exec_driver_sql(f"CREATE SCHEMA {schema}")
        eng.dispose()
        url = (
            sa.engine.make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    return EvidenceStore(url, root / uuid.uuid4().hex, signing=signing)


def bench_append(url: str | None, root: Path, n: int, signing: SigningConfig | None) -> float:
    store = _store(url, root, signing)
    store.append(_record(0))  # connect and create the schema outside the timing
    t0 = time.perf_counter()
    for i in range(1, n + 1):
        store.append(_record(i))
    dt = time.perf_counter() - t0
    store.close()
    return dt / n


def bench_verify(url: str | None, root: Path, n: int, signing: SigningConfig | None) -> tuple[float, int]:
    store = _store(url, root, signing)
    signer = signing.signer() if signing else None
    rows, sigs, prev = [], [], GENESIS
    for i in range(1, n + 1):
        r = _record(i)
        r.seq, r.version, r.prev_hash = i, i, prev
        r.record_hash = prev = r.compute_hash()
        rows.append(r.to_row())
        if signer:
            sigs.append(
                {"seq": i, "public_key": signer.public_hex, "signature": signer.sign(i, r.record_hash)}
            )
    with store.engine.begin() as c:
        c.execute(runs.insert(), rows)
        if sigs:
            c.execute(signatures.insert(), sigs)
    store._write_head(n, prev)  # as append does (init_head would look for the output files)
    t0 = time.perf_counter()
    result = store.check(check_files=False)
    dt = time.perf_counter() - t0
    assert not result.problems, result.problems[:3]
    store.close()
    return dt, result.signed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--appends", type=int, default=500)
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="govreport-bench-sign-") as tmp:
        root = Path(tmp)
        signer = generate_key(root / "keys" / "bench.pem")
        key = SigningConfig(signer.public_hex, lambda: signer, "bench")
        t0 = time.perf_counter()
        for i in range(2000):
            signer.sign(i, "c" * 64)
        sign_us = (time.perf_counter() - t0) / 2000 * 1e6
        out = {"backend": "postgresql" if a.pg else "sqlite", "sign_us": round(sign_us, 1)}
        out["append_ms_unsigned"] = round(bench_append(a.pg, root, a.appends, None) * 1e3, 3)
        out["append_ms_signed"] = round(bench_append(a.pg, root, a.appends, key) * 1e3, 3)
        print(
            f"append: {out['append_ms_unsigned']} ms unsigned, {out['append_ms_signed']} ms signed per "
            f"record ({a.appends} appends); one signature {out['sign_us']} µs"
        )
        v0, _ = bench_verify(a.pg, root, a.records, None)
        v1, signed = bench_verify(a.pg, root, a.records, key)
        out.update(
            records=a.records, verify_s_unsigned=round(v0, 3), verify_s_signed=round(v1, 3), signed=signed
        )
        print(
            f"verify {a.records} records (chain, head, signatures; no output files): {v0:.2f} s unsigned, "
            f"{v1:.2f} s signed (+{(v1 - v0) / a.records * 1e6:.0f} µs a record)"
        )
        print(json.dumps(out))


if __name__ == "__main__":
    main()
