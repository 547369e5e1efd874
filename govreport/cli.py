"""The ``govreport`` command line.

Every command takes ``--workspace DIR`` (default: the current directory). Errors a user can fix are
printed as one line on stderr (``error: <file>:<line>: field '<x>': <what> — <fix>``) with exit code 2
for bad input and 1 for failed runs, failed expectations or tampered evidence; never a traceback.
Heavy libraries (Papermill, nbconvert, Great Expectations) are imported inside commands only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import GovreportError, MissingData, RunFailed, StorageError

WORKSPACE_HELP = "Workspace folder (holding govreport.yaml). Default: the current directory."


def _ws(path: str | None):  # noqa: ANN202 - returns Workspace, imported lazily
    from .workspace import Workspace

    return Workspace.load(path)


def _err(msg: str) -> None:
    click.echo(msg, err=True)


workspace_option = click.option(
    "--workspace", "-w", "workspace", type=click.Path(file_okay=False), default=".", show_default=True,
    envvar="GOVREPORT_WORKSPACE", help=WORKSPACE_HELP,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="govreport")
def cli() -> None:
    """govreport — periodic AI governance reports under 「金融機構運用人工智慧技術作業規範」.

    \b
    Start here:
      govreport demo --out demo-ws        build and run a demo workspace (4 quarters, 3 systems)
      govreport init my-ws                create an empty workspace to fill in
      govreport systems list -w my-ws     the AI-system inventory with risk tiers (Art. 3)
      govreport run --period 2026Q3       run every system's templates for a period
      govreport review --period 2026Q3    the periodic review for senior management (Art. 9, 13)
      govreport publish                   the static report site of every period (offline, file share)
      govreport schedule run-due          run what is due, exactly once (call it from cron)
      govreport evidence verify           check the tamper-evident evidence chain (Art. 10)
    """


# -- init ---------------------------------------------------------------------------------------------
@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--name-zh", default=None, help="The bank's name in Traditional Chinese (asked on a terminal when missing).")
@click.option("--name-en", default=None, help="The bank's name in English (asked on a terminal when missing).")
def init(directory: str, name_zh: str | None, name_en: str | None) -> None:
    """Create a new workspace in DIRECTORY (the folder a bank keeps in git).

    The bank's names go on every report's cover. Not given and not on a terminal, they are written as
    marked placeholders that `systems check`, `review` and `publish` warn about until govreport.yaml is
    edited.
    """
    from .scaffold import init_workspace

    if sys.stdin.isatty():
        name_zh = name_zh or click.prompt("Bank name in Traditional Chinese (銀行名稱)", default="", show_default=False) or None
        name_en = name_en or click.prompt("Bank name in English", default="", show_default=False) or None
    root = init_workspace(Path(directory), name_zh=name_zh, name_en=name_en)
    click.echo(f"created workspace {root}")
    for w in _ws(str(root)).warnings():
        _err(f"warning: {w}")
    click.echo(f"next: describe each AI system in {Path(directory) / 'systems'}/<id>.yaml "
               f"(an annotated example is in {Path(directory) / 'systems' / 'README.md'}),")
    click.echo(f"      then `govreport systems check -w {directory}`")


# -- systems ------------------------------------------------------------------------------------------
@cli.group()
def systems() -> None:
    """The AI-system inventory (systems/*.yaml)."""


@systems.command("list")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def systems_list(workspace: str, as_json: bool) -> None:
    """Show the portfolio, highest risk tier first, with review frequency (Art. 3, 13)."""
    from .inventory import Inventory

    inv = Inventory.load(_ws(workspace))
    rows = [s.public_summary() | {"warnings": s.warnings()} for s in inv.ordered()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        header = ("ID", "TIER", "SCORE", "REVIEW", "KIND", "NAME")
        table = [header] + [
            (r["id"], r["tier"], str(r["risk_score"]), f"{r['review_months']} mo", r["kind"],
             f"{r['name_zh']} / {r['name_en']}") for r in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
        for row in table:
            click.echo("  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1])
        for r in rows:
            for w in r["warnings"]:
                click.echo(f"  ! {r['id']}: {w}")
    for e in inv.errors.values():
        _err(f"error: {e}")
    if inv.errors:
        raise SystemExit(2)


@systems.command("check")
@workspace_option
def systems_check(workspace: str) -> None:
    """Validate every systems/*.yaml; print one line per problem (exit 2 if any is invalid)."""
    from .inventory import Inventory

    ws = _ws(workspace)
    for w in ws.warnings():
        _err(f"warning: {w}")
    inv = Inventory.load(ws)
    for s in inv.ordered():
        warnings = s.warnings()
        click.echo(f"ok   {s.id} ({s.tier.tier}, {s.tier.reason})" + (f", {len(warnings)} warning(s)" if warnings else ""))
        for w in warnings:
            click.echo(f"     warning: {w}")
    for e in inv.errors.values():
        _err(f"error: {e}")
    if not inv.systems and not inv.errors:
        _err(f"error: no systems found in {ws.systems_dir} — add one YAML file per AI system")
        raise SystemExit(2)
    click.echo(f"{len(inv.systems)} valid, {len(inv.errors)} invalid")
    if inv.errors:
        raise SystemExit(2)


# -- run ----------------------------------------------------------------------------------------------
@cli.command()
@workspace_option
@click.option("--period", "-p", required=True, help="Period to assess: 2026Q3, 2026-07 or 2026.")
@click.option("--system", "-s", "system_ids", multiple=True, help="Only this system id (repeatable).")
@click.option("--parallel", "-j", type=click.IntRange(1, 64), default=None,
              help="Systems run at once (default: run.parallelism in govreport.yaml).")
@click.option("--skip-missing", is_flag=True,
              help="Run the systems whose data is there; skip (and record nothing for) those missing data.")
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the final line.")
def run(workspace: str, period: str, system_ids: tuple[str, ...], parallel: int | None, skip_missing: bool,
        quiet: bool) -> None:
    """Run the applicable templates of every AI system for PERIOD through Papermill.

    Each run is recorded in the evidence store (Art. 10) and writes
    reports/<period>/<system>/<template>/v<N>/ (notebook.ipynb, report.html, results.json).

    Before anything starts, the kernel, the templates and each system's data for PERIOD (scoring data,
    conversation logs, training sets with a contract) are checked: missing data lists every missing
    dataset and exits 2 without running or recording anything (--skip-missing runs the others).
    A failing system never stops the others. Exit code: 0 when every run succeeded (whatever the
    results' colours), 1 when a run failed, 2 for bad input.
    """
    from .periods import parse_period
    from .runner import run_period

    p = parse_period(period)
    ws = _ws(workspace)

    def progress(msg: str) -> None:
        if not quiet or "✗" in msg:
            click.echo(msg, err=True)

    try:
        summary = run_period(ws, p, list(system_ids) or None, progress=progress, parallelism=parallel,
                             missing="skip" if skip_missing else "error")
    except MissingData as e:
        for line in e.missing:
            _err(f"missing: {line}")
        raise
    ok = len(summary.results) - len(summary.failed)
    click.echo(f"{p.label}: {ok} succeeded, {len(summary.failed)} failed (batch {summary.batch_id})")
    for r in summary.results:
        if r.report:
            click.echo(f"  {r.system_id}/{r.template}: {ws.resolve(r.report)}")
    summary.raise_for_failures()


# -- review -----------------------------------------------------------------------------------------
@cli.command()
@workspace_option
@click.option("--period", "-p", required=True, help="Period to review, e.g. 2026Q3 (its system runs come first).")
@click.option("--no-sustainability", is_flag=True,
              help="Reuse the period's latest sustainability run instead of running the sustainability template.")
def review(workspace: str, period: str, no_sustainability: bool) -> None:
    """Build the periodic review for senior management (Art. 9, 11–15) for PERIOD.

    Runs the portfolio templates — `sustainability` (Art. 4), then `review` — which read the evidence
    store, the inventory and findings.yaml and re-run nothing. Run `govreport run --period P` first.
    The report lands in reports/<period>/_portfolio/review/v<N>/report.html (Traditional Chinese, with an
    English switch), with review.json for the next period's comparison and `govreport publish`.

    \b
    Example:
      govreport run --period 2026Q3 && govreport review --period 2026Q3
    """
    from .periods import parse_period
    from .runner import run_portfolio

    ws = _ws(workspace)
    for w in ws.warnings():
        _err(f"warning: {w}")
    p = parse_period(period)
    templates = ("review",) if no_sustainability else ("sustainability", "review")
    summary = run_portfolio(ws, p, templates, progress=lambda m: click.echo(m, err=True))
    for r in summary.results:
        if r.report:
            click.echo(f"{r.template}: {ws.resolve(r.report)}")
    summary.raise_for_failures()


# -- assess -----------------------------------------------------------------------------------------
def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


@cli.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--label", required=True, help="Column with the observed outcome.")
@click.option("--label-favourable", required=True, help="Value of --label that is good for the customer.")
@click.option("--prediction", required=True, help="Column with the model's decision.")
@click.option("--prediction-favourable", required=True, help="Value of --prediction that is good for the customer.")
@click.option("--protected", required=True, help="Protected attributes (Art. 6), comma-separated: SEX,AGE.")
@click.option("--score", default=None, help="Column with the model's probability score (for AUC, KS, calibration).")
@click.option("--score-higher-is", type=click.Choice(["favourable", "adverse"]), default="adverse",
              show_default=True, help="What a higher score means for the customer.")
@click.option("--features", default=None, help="Model features, comma-separated (proxy scan, drift, reasons).")
@click.option("--reference", type=click.Path(dir_okay=False), default=None,
              help="Reference (e.g. training-period) scored file for drift and Gini change.")
@click.option("--out", type=click.Path(file_okay=False), default="govreport-assessment", show_default=True,
              help="Folder for report.html and results.json.")
def assess(data: str, label: str, label_favourable: str, prediction: str, prediction_favourable: str,
           protected: str, score: str | None, score_higher_is: str, features: str | None,
           reference: str | None, out: str) -> None:
    """Assess one scored file (CSV or Parquet) without an inventory entry.

    Writes a self-contained report.html and results.json to --out with fairness (Art. 6), model quality,
    drift and explainability (Art. 7), using the same library and model_risk template as `govreport run`.

    \b
    Example:
      govreport assess scored.csv --label DEFAULT --label-favourable 0 \\
        --prediction DECISION --prediction-favourable 1 --protected SEX,AGE \\
        --score PD --score-higher-is adverse --out assessment
    """
    from .adhoc import assess_file

    paths = assess_file(
        Path(data), label=label, label_favourable=label_favourable, prediction=prediction,
        prediction_favourable=prediction_favourable, protected=_columns(protected), score=score,
        score_higher_is=score_higher_is, features=_columns(features),
        reference=Path(reference) if reference else None, out=Path(out),
        progress=lambda m: click.echo(m, err=True),
    )
    for p in paths.values():
        click.echo(str(p))


# -- evidence -----------------------------------------------------------------------------------------
@cli.group()
def evidence() -> None:
    """The tamper-evident evidence store (Art. 10)."""


@evidence.command("verify")
@workspace_option
def evidence_verify(workspace: str) -> None:
    """Recompute the hash chain and every output's SHA-256; exit 1 naming any tampered record."""
    from .runner import open_store

    store = open_store(_ws(workspace))
    problems = store.verify()
    n = len(store.records())
    if problems:
        for p in problems:
            _err(f"TAMPERED {p}")
        _err(f"error: evidence chain check failed: {len(problems)} problem(s) in {n} record(s)")
        raise SystemExit(1)
    click.echo(f"evidence intact: {n} record(s), chain and output files verified")


@evidence.command("list")
@workspace_option
@click.option("--period", "-p", default=None, help="Only this period.")
@click.option("--system", "-s", "system_id", default=None, help="Only this system.")
@click.option("--status", type=click.Choice(["succeeded", "failed", "interrupted"]), default=None)
def evidence_list(workspace: str, period: str | None, system_id: str | None, status: str | None) -> None:
    """List run records (RUN_ID, period, system, template, version, status)."""
    from .runner import open_store

    for r in open_store(_ws(workspace)).records(period=period, system_id=system_id, status=status):
        err = f"  {r.error[:100]}" if r.error else ""
        click.echo(f"{r.seq:>6}  {r.period:<8} {r.system_id:<24} {r.template:<16} v{r.version:<3} "
                   f"{r.status:<11} {r.finished_at[:19]}{err}")


@evidence.command("show")
@workspace_option
@click.argument("run_id", type=int)
def evidence_show(workspace: str, run_id: int) -> None:
    """Print one record (RUN_ID from `evidence list`) as JSON."""
    from .runner import open_store

    rec = open_store(_ws(workspace)).get(run_id)
    click.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))


# -- demo ---------------------------------------------------------------------------------------------
@cli.command()
@click.option("--out", "out", type=click.Path(file_okay=False), default="govreport-demo", show_default=True,
              help="Folder for the demo workspace (must be empty or absent).")
@click.option("--periods", default="2025Q4,2026Q1,2026Q2,2026Q3", show_default=True,
              help="Comma-separated quarters to generate and run.")
@click.option("--no-run", is_flag=True, help="Only build the workspace and data; run nothing.")
@click.option("--no-site", is_flag=True, help="Do not publish the report site (govreport publish) at the end.")
def demo(out: str, periods: str, no_run: bool, no_site: bool) -> None:
    """Build a demo workspace on embedded synthetic data and run every period.

    Three AI systems (a credit-card default scorecard, a third-party generative customer-service
    assistant, a transaction-monitoring model) over four quarters, with drift and a fairness problem,
    so the reports show green, amber and red; then each quarter's sustainability figures and periodic
    review, and the report site (`govreport publish`) under <out>/site/. The folder is then an ordinary
    workspace.
    """
    from .demo import build_demo
    from .periods import parse_period
    from .runner import run_period, run_portfolio
    from .workspace import Workspace

    plist = [parse_period(p.strip()) for p in periods.split(",") if p.strip()]
    root = build_demo(Path(out), [p.label for p in plist], progress=lambda m: click.echo(m, err=True))
    click.echo(f"demo workspace: {root}")
    if no_run:
        return
    ws = Workspace.load(root)
    failed = []
    for p in plist:
        summary = run_period(ws, p, progress=lambda m: click.echo(m, err=True))
        failed.extend(summary.failed)
        failed.extend(run_portfolio(ws, p, progress=lambda m: click.echo(m, err=True)).failed)
    reports = sorted(ws.reports_dir.glob("*/*/*/v*/report.html"))
    site = None
    if not no_site:
        from .site import build_site

        site = build_site(ws, progress=lambda m: click.echo(m, err=True))
    click.echo(f"{len(reports)} report(s) under {ws.reports_dir}; start with the latest periodic review:")
    reviews = sorted(ws.reports_dir.glob(f"{plist[-1].label}/_portfolio/review/v*/report.html"))
    for r in reviews[-1:] or reports[-3:]:
        click.echo(f"  {r}")
    if site is not None:
        click.echo(f"report site (every period, every report): {site.index}")
    if failed:
        raise RunFailed(f"{len(failed)} demo run(s) failed: "
                        + "; ".join(f"{f.system_id}/{f.template} {f.period}: {f.error}" for f in failed),
                        fix="see the kept notebooks and `govreport evidence list --status failed`")


# -- templates ----------------------------------------------------------------------------------------
@cli.command("templates")
@workspace_option
def templates_cmd(workspace: str) -> None:
    """List the notebook templates (packaged, and the workspace's overrides)."""
    from .resources import bundled_dir

    own = Path(workspace) / "templates_nb"
    for p in sorted(bundled_dir("templates_nb").glob("*.ipynb")):
        override = own / p.name
        click.echo(f"{p.stem:<20} {override if override.exists() else p}" + ("  (workspace override)" if override.exists() else ""))


def _attach_optional() -> None:
    """Command groups kept in their own modules (each imports its heavy libraries inside its commands)."""
    import importlib

    for module, name in (("cli_contracts", "contracts"), ("cli_schedule", "schedule"), ("cli_publish", "publish")):
        try:
            mod = importlib.import_module(f"{__package__}.{module}")
        except ModuleNotFoundError as e:  # pragma: no cover - a module still being written
            if e.name != f"{__package__}.{module}":
                raise
            continue
        cli.add_command(getattr(mod, name))


_attach_optional()


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning GovreportError into one line and an exit code."""
    try:
        return cli.main(args=argv, prog_name="govreport", standalone_mode=False)
    except GovreportError as e:
        _err(f"error: {e}")
        sys.exit(e.exit_code)
    except OSError as e:  # read-only workspace, full disk, permissions: one line naming the path, no traceback
        err = StorageError.from_os(e)
        _err(f"error: {err}")
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        _err("aborted")
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
