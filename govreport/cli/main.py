"""The ``govreport`` command line.

Every command takes ``--workspace DIR`` (default: the current directory). Errors a user can fix are
printed as one line on stderr (``error: <file>:<line>: field '<x>': <what> — <fix>``) with exit code 2
for bad input and 1 for failed runs, failed expectations or tampered evidence; never a traceback.
Each command imports the packages it drives inside its function (the CLI's one exception to module-level
imports): ``govreport --help`` and the quick commands then start without pandas, Plotly, SQLAlchemy, Papermill
or Great Expectations.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..core.version import __version__
from ..errors import GovreportError, MissingData, RunFailed, StorageError

WORKSPACE_HELP = "Workspace folder (holding govreport.yaml). Default: the current directory."
# jupyter_client imports ipykernel.kernelspec to find the `python3` kernel; ipykernel 6 imports debugpy there,
# which prints a four-line "frozen modules" debugger warning on stderr (and in every kernel's output) unless
# this is set — noise in front of the one-line messages the CLI promises.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def _ws(path: str | None):  # noqa: ANN202 - returns Workspace, imported lazily
    from ..workspace.config import Workspace

    return Workspace.load(path)


def _err(msg: str) -> None:
    click.echo(msg, err=True)


workspace_option = click.option(
    "--workspace",
    "-w",
    "workspace",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    envvar="GOVREPORT_WORKSPACE",
    help=WORKSPACE_HELP,
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
@click.option(
    "--name-zh",
    default=None,
    help="The bank's name in Traditional Chinese (asked on a terminal when missing).",
)
@click.option(
    "--name-en", default=None, help="The bank's name in English (asked on a terminal when missing)."
)
def init(directory: str, name_zh: str | None, name_en: str | None) -> None:
    """Create a new workspace in DIRECTORY (the folder a bank keeps in git).

    The bank's names go on every report's cover. Not given and not on a terminal, they are written as
    marked placeholders that `systems check`, `review` and `publish` warn about until govreport.yaml is
    edited.
    """
    from ..workspace.scaffold import init_workspace

    if sys.stdin.isatty():
        name_zh = (
            name_zh
            or click.prompt("Bank name in Traditional Chinese (銀行名稱)", default="", show_default=False)
            or None
        )
        name_en = name_en or click.prompt("Bank name in English", default="", show_default=False) or None
    root = init_workspace(Path(directory), name_zh=name_zh, name_en=name_en)
    click.echo(f"created workspace {root}")
    for w in _ws(str(root)).warnings():
        _err(f"warning: {w}")
    click.echo(
        f"next: describe each AI system in {Path(directory) / 'systems'}/<id>.yaml "
        f"(an annotated example is in {Path(directory) / 'systems' / 'README.md'}),"
    )
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
    from ..workspace.inventory import Inventory

    inv = Inventory.load(_ws(workspace))
    rows = [s.public_summary() | {"warnings": s.warnings()} for s in inv.ordered()]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        header = ("ID", "TIER", "SCORE", "REVIEW", "KIND", "NAME")
        table = [header] + [
            (
                r["id"],
                r["tier"],
                str(r["risk_score"]),
                f"{r['review_months']} mo",
                r["kind"],
                f"{r['name_zh']} / {r['name_en']}",
            )
            for r in rows
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
    from ..workspace.inventory import Inventory

    ws = _ws(workspace)
    for w in ws.warnings():
        _err(f"warning: {w}")
    inv = Inventory.load(ws)
    for s in inv.ordered():
        warnings = s.warnings()
        click.echo(
            f"ok   {s.id} ({s.tier.tier}, {s.tier.reason})"
            + (f", {len(warnings)} warning(s)" if warnings else "")
        )
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
@click.option(
    "--template",
    "-t",
    "template_names",
    multiple=True,
    help="Only this template (repeatable), e.g. data_quality: of the templates each system lists.",
)
@click.option(
    "--parallel",
    "-j",
    type=click.IntRange(1, 64),
    default=None,
    help="Systems run at once (default: run.parallelism in govreport.yaml).",
)
@click.option(
    "--skip-missing",
    is_flag=True,
    help="Run the systems whose data is there; skip (and record nothing for) those missing data.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["red", "amber"]),
    default=None,
    help="Exit 1 when any run's results reach this status (amber: amber or red), after everything ran "
    "and was recorded — a gate for pipelines.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only failures and the final line.")
def run(
    workspace: str,
    period: str,
    system_ids: tuple[str, ...],
    template_names: tuple[str, ...],
    parallel: int | None,
    skip_missing: bool,
    fail_on: str | None,
    quiet: bool,
) -> None:
    """Run the applicable templates of every AI system for PERIOD through Papermill.

    Each run is recorded in the evidence store (Art. 10) and writes
    reports/<period>/<system>/<template>/v<N>/ (notebook.ipynb, report.html, results.json).

    Before anything starts, the kernel, the templates and each system's data for PERIOD (scoring data,
    conversation logs, training sets with a contract) are checked: missing data lists every missing
    dataset and exits 2 without running or recording anything (--skip-missing runs the others).
    A failing system never stops the others. Exit code: 0 when every run succeeded (whatever the
    results' colours, unless --fail-on is given), 1 when a run failed or, with --fail-on, a result reached
    that status, 2 for bad input.

    --template NAME runs only that template of the systems that list it (`templates:` in their record),
    e.g. `--template data_quality` for the data contracts and the training-data audit alone.
    """
    from ..core.periods import parse_period
    from ..run.pool import WorkerPool

    p = parse_period(period)
    ws = _ws(workspace)
    if template_names:
        _check_templates(ws, template_names, system_ids)
    # the workers' one warm-up starts now, while the systems, their data and the templates are checked
    pool = WorkerPool(ws, parallel or ws.config.run.parallelism).warm()
    from ..run.runner import run_period

    def progress(msg: str) -> None:
        if not quiet or "✗" in msg:
            click.echo(msg, err=True)

    try:
        summary = run_period(
            ws,
            p,
            list(system_ids) or None,
            templates=list(template_names) or None,
            progress=progress,
            parallelism=parallel,
            missing="skip" if skip_missing else "error",
            workers=pool,
        )
    except MissingData as e:
        for line in e.missing:
            _err(f"missing: {line}")
        raise
    finally:
        pool.close()
    ok = len(summary.results) - len(summary.failed)
    click.echo(f"{p.label}: {ok} succeeded, {len(summary.failed)} failed (batch {summary.batch_id})")
    for r in summary.results:
        if r.report:
            click.echo(f"  {r.system_id}/{r.template}: {ws.resolve(r.report)}")
    summary.raise_for_failures()
    if fail_on:
        gated = summary.reaching(fail_on)
        for r in gated:
            worst = "; ".join(
                f"{iid} {v if not isinstance(v, float) else f'{v:.4g}'} ({st})"
                for iid, st, v in sorted(r.flagged, key=lambda x: (x[1] != "red", x[0]))[:5]
            )
            _err(
                f"{r.result_status}: {r.system_id}/{r.template} {r.period} (RUN_ID {r.seq})"
                + (f": {worst}" if worst else "")
            )
        if gated:
            raise RunFailed(
                f"{len(gated)} run(s) reached {fail_on}{' or red' if fail_on == 'amber' else ''} "
                f"with --fail-on {fail_on}; every run was recorded",
                fix="see the reports above, or run without --fail-on",
            )


def _check_templates(ws: Any, names: tuple[str, ...], system_ids: tuple[str, ...]) -> None:
    """Each ``--template`` names a template that exists and that a selected system runs."""
    from ..errors import TemplateError
    from ..workspace.inventory import Inventory

    inv = Inventory.load(ws)
    systems = (
        [inv.get(s) for s in system_ids if s not in inv.errors]
        if system_ids
        else [s for s in inv.ordered() if s.lifecycle != "retired"]
    )
    for name in names:
        ws.template_path(name)  # unknown or malformed: one line naming the packaged templates
        if systems and not any(name in s.applicable_templates for s in systems):
            raise TemplateError(
                f"no selected system runs the template '{name}'",
                field="--template",
                fix=f"add {name} to `templates:` in the system records (systems/<id>.yaml), "
                f"or choose another template",
            )


# -- review -----------------------------------------------------------------------------------------
@cli.command(short_help="The periodic review for senior management (Art. 9, 11–15).")
@workspace_option
@click.option(
    "--period", "-p", required=True, help="Period to review, e.g. 2026Q3 (its system runs come first)."
)
@click.option(
    "--no-sustainability",
    is_flag=True,
    help="Reuse the period's latest sustainability run instead of running the sustainability template.",
)
@click.option(
    "--docx",
    is_flag=True,
    help="Also write the review as an editable Word document (review-<period>[-en].docx beside the report).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh-TW", "en"]),
    default="zh-TW",
    show_default=True,
    help="Language of the Word document (one language per file).",
)
def review(workspace: str, period: str, no_sustainability: bool, docx: bool, lang: str) -> None:
    """Build the periodic review for senior management (Art. 9, 11–15) for PERIOD.

    Runs the portfolio templates — `sustainability` (Art. 4), then `review` — which read the evidence
    store, the inventory and findings.yaml and re-run nothing. Run `govreport run --period P` first.
    The report lands in reports/<period>/_portfolio/review/v<N>/report.html (Traditional Chinese, with an
    English switch), with review.json for the next period's comparison and `govreport publish`.

    \b
    Example:
      govreport run --period 2026Q3 && govreport review --period 2026Q3
    """
    from ..core.periods import parse_period
    from ..run.runner import run_portfolio

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
    if docx:
        from ..evidence.queries import open_store
        from ..publish.review_docx import review_docx_for_run

        rec = open_store(ws).get(next(r.seq for r in summary.results if r.template == "review"))
        name = f"review-{p.label}{'' if lang == 'zh-TW' else '-en'}.docx"
        folder = ws.resolve(rec.outputs["html"]["path"]).parent
        click.echo(f"docx: {review_docx_for_run(ws, rec, folder / name, lang=lang)}")


# -- assess -----------------------------------------------------------------------------------------
def _columns(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


@cli.command()
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--label", required=True, help="Column with the observed outcome.")
@click.option("--label-favourable", required=True, help="Value of --label that is good for the customer.")
@click.option("--prediction", required=True, help="Column with the model's decision.")
@click.option(
    "--prediction-favourable", required=True, help="Value of --prediction that is good for the customer."
)
@click.option("--protected", required=True, help="Protected attributes (Art. 6), comma-separated: SEX,AGE.")
@click.option(
    "--score", default=None, help="Column with the model's probability score (for AUC, KS, calibration)."
)
@click.option(
    "--score-higher-is",
    type=click.Choice(["favourable", "adverse"]),
    default="adverse",
    show_default=True,
    help="What a higher score means for the customer.",
)
@click.option(
    "--features", default=None, help="Model features, comma-separated (proxy scan, drift, reasons)."
)
@click.option(
    "--reference",
    type=click.Path(dir_okay=False),
    default=None,
    help="Reference (e.g. training-period) scored file for drift and Gini change.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="govreport-assessment",
    show_default=True,
    help="Folder for report.html and results.json.",
)
@click.option(
    "--period",
    "-p",
    default=None,
    help="Period the file covers: 2026Q3, 2026-07 or 2026 (default: this quarter).",
)
def assess(
    data: str,
    label: str,
    label_favourable: str,
    prediction: str,
    prediction_favourable: str,
    protected: str,
    score: str | None,
    score_higher_is: str,
    features: str | None,
    reference: str | None,
    out: str,
    period: str | None,
) -> None:
    """Assess one scored file (CSV or Parquet) without an inventory entry.

    Writes a self-contained report.html and results.json to --out with fairness (Art. 6), model quality,
    drift and explainability (Art. 7), using the same library and model_risk template as `govreport run`.

    \b
    Example:
      govreport assess scored.csv --label DEFAULT --label-favourable 0 \\
        --prediction DECISION --prediction-favourable 1 --protected SEX,AGE \\
        --score PD --score-higher-is adverse --out assessment
    """
    from ..run.adhoc import assess_file

    paths = assess_file(
        Path(data),
        label=label,
        label_favourable=label_favourable,
        prediction=prediction,
        prediction_favourable=prediction_favourable,
        protected=_columns(protected),
        score=score,
        score_higher_is=score_higher_is,
        features=_columns(features),
        reference=Path(reference) if reference else None,
        out=Path(out),
        period=period,
        progress=lambda m: click.echo(m, err=True),
    )
    for p in paths.values():
        click.echo(str(p))


# -- demo ---------------------------------------------------------------------------------------------
@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="govreport-demo",
    show_default=True,
    help="Folder for the demo workspace (must be empty or absent).",
)
@click.option(
    "--periods",
    default="2025Q4,2026Q1,2026Q2,2026Q3",
    show_default=True,
    help="Comma-separated quarters to generate and run.",
)
@click.option("--no-run", is_flag=True, help="Only build the workspace and data; run nothing.")
@click.option(
    "--no-site", is_flag=True, help="Do not publish the report site (govreport publish) at the end."
)
def demo(out: str, periods: str, no_run: bool, no_site: bool) -> None:
    """Build a demo workspace on embedded synthetic data and run every period.

    Three AI systems (a credit-card default scorecard, a third-party generative customer-service
    assistant, a transaction-monitoring model) over four quarters, with drift and a fairness problem,
    so the reports show green, amber and red; then each quarter's sustainability figures and periodic
    review, and the report site (`govreport publish`) under <out>/site/. The folder is then an ordinary
    workspace.
    """
    from ..core.periods import parse_period
    from ..demo.build import build_demo
    from ..run.runner import WorkerPool, run_period, run_portfolio
    from ..workspace.config import Workspace

    plist = [parse_period(p.strip()) for p in periods.split(",") if p.strip()]
    root = build_demo(Path(out), [p.label for p in plist], progress=lambda m: click.echo(m, err=True))
    click.echo(f"demo workspace: {root}")
    if no_run:
        return
    ws = Workspace.load(root)
    failed = []
    # one set of workers for every period: started now, they warm up once and serve all 20 runs
    with WorkerPool(ws, ws.config.run.parallelism).start() as workers:
        for p in plist:
            summary = run_period(ws, p, progress=lambda m: click.echo(m, err=True), workers=workers)
            failed.extend(summary.failed)
            portfolio = run_portfolio(ws, p, progress=lambda m: click.echo(m, err=True), workers=workers)
            failed.extend(portfolio.failed)
    reports = sorted(ws.reports_dir.glob("*/*/*/v*/report.html"))
    site = None
    if not no_site:
        from ..publish.site import build_site

        site = build_site(ws, progress=lambda m: click.echo(m, err=True))
    click.echo(f"{len(reports)} report(s) under {ws.reports_dir}; start with the latest periodic review:")
    reviews = sorted(ws.reports_dir.glob(f"{plist[-1].label}/_portfolio/review/v*/report.html"))
    for r in reviews[-1:] or reports[-3:]:
        click.echo(f"  {r}")
    if site is not None:
        click.echo(f"report site (every period, every report): {site.index}")
    if failed:
        raise RunFailed(
            f"{len(failed)} demo run(s) failed: "
            + "; ".join(f"{f.system_id}/{f.template} {f.period}: {f.error}" for f in failed),
            fix="see the kept notebooks and `govreport evidence list --status failed`",
        )


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning GovreportError into one line and an exit code."""
    try:
        return cli.main(args=argv, prog_name="govreport", standalone_mode=False)
    except GovreportError as e:
        _err(f"error: {e}")
        sys.exit(e.exit_code)
    except (
        OSError
    ) as e:  # read-only workspace, full disk, permissions: one line naming the path, no traceback
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
