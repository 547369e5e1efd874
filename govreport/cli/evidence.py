"""``govreport evidence`` (verify, list, show, init-head, keygen, adopt, anchor) and ``govreport signoff``:
the evidence store's commands (docs/evidence.md).

Attached to the main CLI by ``govreport.cli``. Like every command, each imports what it drives inside its
function, so ``govreport --help`` starts light; errors are one line on stderr and an exit code.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import GovreportError
from .main import _err, _ws, workspace_option

__all__ = ["evidence", "signoff"]


# -- evidence -----------------------------------------------------------------------------------------
@click.group(
    short_help="The tamper-evident evidence store (Art. 10).",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
def evidence() -> None:
    """The tamper-evident evidence store (Art. 10)."""


@evidence.command("verify")
@workspace_option
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="An anchor file (`govreport evidence anchor`): the store must still hold its head, signed by "
    "its key. Repeatable.",
)
def evidence_verify(workspace: str, anchors: tuple[str, ...]) -> None:
    """Recompute the hash chain, every signature and output SHA-256, and the chain head; exit 1 naming the
    first tampered record.

    \b
    Example (an internal auditor, with the anchor kept in the committee's minutes):
      govreport evidence verify --anchor /audit/anchors/2026Q3.json
    """
    from ..evidence.queries import open_store

    parsed = []
    for a in anchors:
        try:
            parsed.append((Path(a).name, json.loads(Path(a).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as e:
            raise GovreportError(
                f"cannot read the anchor: {type(e).__name__}",
                file=a,
                field="--anchor",
                fix="give the JSON file `govreport evidence anchor` wrote",
            ) from None
    store = open_store(_ws(workspace), writing=False)
    result = store.check(anchors=parsed)
    for w in result.warnings:
        _err(f"warning: {w}")
    if result.problems:
        for p in result.problems:
            _err(f"TAMPERED {p}")
        _err(
            f"error: evidence chain check failed at {result.problems[0]}: {len(result.problems)} problem(s) "
            f"in {result.records} record(s)"
        )
        raise SystemExit(1)
    signed = f"{result.signed} signed by key SHA256:{result.key_fingerprint}" if result.signed else "unsigned"
    click.echo(
        f"evidence intact: {result.records} record(s) ({signed}), chain, head and output files verified"
        + (f", {len(parsed)} anchor(s) held" if parsed else "")
    )


@evidence.command("list")
@workspace_option
@click.option("--period", "-p", default=None, help="Only this period.")
@click.option("--system", "-s", "system_id", default=None, help="Only this system.")
@click.option("--status", type=click.Choice(["succeeded", "failed", "interrupted", "signed"]), default=None)
def evidence_list(workspace: str, period: str | None, system_id: str | None, status: str | None) -> None:
    """List records (RUN_ID, period, system, template, version, status); sign-offs with role, name and
    review version (stale when the review was re-run since)."""
    from ..evidence.queries import open_store
    from ..evidence.signoff import signoffs_for

    records = open_store(_ws(workspace), writing=False).records()
    stale = {
        s["seq"]: s
        for p in {r.period for r in records if r.kind == "signoff"}
        for s in signoffs_for(records, p)
    }
    for r in records:
        if any(
            v is not None and getattr(r, k) != v
            for k, v in (("period", period), ("system_id", system_id), ("status", status))
        ):
            continue
        what = f"{r.template:<16} v{r.version:<3}"
        if r.kind == "signoff":
            s = stale.get(r.seq, {})
            what = f"{'signoff:' + str(r.summary.get('role')):<16} v{r.version:<3}"
            extra = (
                f"  review v{r.summary.get('review_version')} (RUN_ID {r.summary.get('review_seq')})"
                f"{' STALE' if s.get('stale') else ''} · {r.summary.get('name')}: "
                f"{str(r.summary.get('opinion'))[:80]}"
            )
        elif r.kind != "run":
            what = f"{r.kind:<16} v{r.version:<3}"
            extra = f"  {json.dumps(r.summary, ensure_ascii=False)[:100]}"
        else:
            extra = f"  {r.error[:100]}" if r.error else ""
        click.echo(
            f"{r.seq:>6}  {r.period:<8} {r.system_id:<24} {what} {r.status:<11} {r.finished_at[:19]}{extra}"
        )


@evidence.command("show")
@workspace_option
@click.argument("run_id", type=int)
def evidence_show(workspace: str, run_id: int) -> None:
    """Print one record (RUN_ID from `evidence list`) as JSON, with its signature."""
    from ..evidence.queries import open_store

    store = open_store(_ws(workspace), writing=False)
    rec = store.get(run_id)
    pub, sig = store.signatures().get(run_id, (None, None))
    click.echo(
        json.dumps(rec.to_dict() | {"signature": sig, "public_key": pub}, ensure_ascii=False, indent=2)
    )


@evidence.command("init-head")
@workspace_option
def evidence_init_head(workspace: str) -> None:
    """Write the chain head file (.govreport/evidence-head.json) for a store that has none, after checking
    the chain. Refused when one exists."""
    from ..evidence.queries import open_store

    store = open_store(_ws(workspace), writing=False)
    seq, h = store.init_head()
    click.echo(f"chain head written: record {seq}, {h} ({store.head_file})")


@evidence.command("keygen")
@workspace_option
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Where to write the private key (PEM, mode 600): outside the workspace.",
)
def evidence_keygen(workspace: str, out: str) -> None:
    """Make an Ed25519 signing key and print the govreport.yaml lines that use it (docs/evidence.md)."""
    from ..core.signing import fingerprint, generate_key
    from ..errors import ConfigError

    root = Path(workspace).resolve()
    path = Path(out).resolve()
    if path.is_relative_to(root):
        raise ConfigError(
            f"{out} is inside the workspace {root}; the signing key must be kept outside it",
            field="--out",
            fix="e.g. --out /etc/govreport/evidence.key",
        )
    signer = generate_key(path)
    click.echo(f"private key written: {path} (mode 600; keep it outside the workspace and back it up safely)")
    click.echo(f"key fingerprint: SHA256:{fingerprint(signer.public_hex)}")
    click.echo(
        "add to govreport.yaml:\n"
        f"evidence:\n  signing:\n    public_key: ed25519:{signer.public_hex}\n    key_file: {path}"
    )


@evidence.command("adopt")
@workspace_option
def evidence_adopt(workspace: str) -> None:
    """Sign an existing unsigned chain: append a signed record covering the current head."""
    from ..evidence.queries import open_store

    rec = open_store(_ws(workspace)).adopt()
    click.echo(f"chain adopted: record {rec.seq} signs the chain up to record {rec.seq - 1}")


@evidence.command("anchor")
@workspace_option
@click.option(
    "--out",
    default=None,
    type=click.Path(dir_okay=False),
    help="Write the anchor here (default: print it). Keep it outside the workspace.",
)
def evidence_anchor(workspace: str, out: str | None) -> None:
    """The chain head (seq, hash, time, signature) and the signing key's fingerprint as JSON, for a place
    outside the workspace: a write-once share, the committee's minutes, an e-mail to internal audit.
    `govreport evidence verify --anchor FILE` later proves the store still holds it."""
    from ..evidence.queries import open_store

    text = json.dumps(open_store(_ws(workspace), writing=False).anchor(), indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"anchor written: {out}")


# -- signoff ------------------------------------------------------------------------------------------
@click.command(
    short_help="Record a sign-off of the period's review (Art. 9).",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@workspace_option
@click.option("--period", "-p", required=True, help="The period whose review is signed off, e.g. 2026Q3.")
@click.option("--role", required=True, type=click.Choice(["infosec", "compliance", "risk", "committee"]))
@click.option("--name", required=True, help="Who signs off: name and unit.")
@click.option("--opinion", required=True, help="The opinion, as it should appear in the review.")
def signoff(workspace: str, period: str, role: str, name: str, opinion: str) -> None:
    """Record a sign-off of the period's current review (Art. 9): a signed evidence record naming the
    review version and the chain head it approves. Shown in the review, its PDF and the site; stale once
    the review is re-run."""
    from ..evidence.signoff import record_signoff

    rec = record_signoff(_ws(workspace), period, role, name, opinion)
    s = rec.summary
    click.echo(
        f"sign-off recorded: RUN_ID {rec.seq}, {role} ({s['name']}) on the {rec.period} review "
        f"v{s['review_version']} (RUN_ID {s['review_seq']}), chain head {s['head_seq']}"
    )
