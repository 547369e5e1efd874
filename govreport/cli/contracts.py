"""``govreport contracts …``: data contracts for the datasets AI systems train on and score (Art. 7, 8).

Attach with ``cli.add_command(contracts)``; the group also works on its own (click's ``CliRunner``).
Every :class:`~govreport.errors.GovreportError` becomes one line on stderr and its exit code: 2 for bad
input, 1 for failing expectations or lint errors. Only ``click`` is imported here at start-up; pandas
and Great Expectations are imported by the commands that need them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core.expectations import signature
from ..errors import GovreportError, ValidationFailed

__all__ = ["contracts"]

F = TypeVar("F", bound=Callable[..., Any])


def resolve_workspace(workspace: str) -> tuple[Path, Path]:
    """``(workspace root, data_contracts folder)`` for ``--workspace`` — the one place to swap in
    ``Workspace.load(workspace)`` (``.root``, ``.contracts_dir``)."""
    root = Path(workspace).resolve()
    return root, root / "data_contracts"


def _handled(f: F) -> F:
    """Turn a GovreportError into its one line on stderr and its exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except GovreportError as e:
            click.echo(str(e), err=True)
            raise SystemExit(e.exit_code) from None

    return wrapper  # type: ignore[return-value]


_ws_opt = click.option(
    "--workspace",
    "-w",
    "workspace",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    envvar="GOVREPORT_WORKSPACE",
    help="Workspace folder (holds govreport.yaml and data_contracts/).",
)


@click.group(
    "contracts",
    short_help="Data contracts and their Great Expectations suites (Art. 7, 8).",
    context_settings={"help_option_names": ["-h", "--help"]},
)
def contracts() -> None:
    """Data contracts (Art. 7, 8): a dataset plus its Great Expectations suite, in data_contracts/."""


# -- list ----------------------------------------------------------------------------------------------------
@contracts.command("list")
@_ws_opt
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_handled
def list_cmd(workspace: str, as_json: bool) -> None:
    """List the contracts with their datasets, suites and personal-data columns.

    Exit 2 if a contract cannot be read (the others are still listed).
    """
    from ..contracts import list_contracts, load_contract, read_suite

    _, folder = resolve_workspace(workspace)
    paths = list_contracts(folder)
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for p in paths:
        try:
            cf = load_contract(p)
        except GovreportError as e:
            errors.append(str(e))
            continue
        c = cf.contract
        try:
            n: int | str = len(read_suite(cf.suite_path).expectations)
        except GovreportError as e:
            errors.append(str(e))
            n = "?"
        src = c.dataset
        rows.append(
            {
                "name": c.name,
                "source": src.path if src.path else f"SQL table {src.table}",
                "suite": c.suite_file,
                "expectations": n,
                "personal_data": c.personal_columns,
                "protected_attributes": c.protected_columns,
                "keys": c.keys,
                "description": c.description,
            }
        )
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows and not errors:
        click.echo(
            f"no contracts in {folder} — add <name>.contract.yaml + <name>.suite.json, "
            "or run `govreport contracts scaffold DATA --name NAME`"
        )
    else:
        width = max([len(r["name"]) for r in rows] + [8])
        for r in rows:
            click.echo(
                f"{r['name']:<{width}}  {r['source']}  ({r['expectations']} expectations; "
                f"personal: {', '.join(r['personal_data']) or '—'}; "
                f"Art. 6: {', '.join(r['protected_attributes']) or '—'})"
            )
    for e in errors:
        click.echo(e, err=True)
    if errors:
        raise SystemExit(2)


# -- validate ----------------------------------------------------------------------------------------------
def _fmt(dim: str, v: float | None) -> str:
    if v is None:
        return "—"
    if dim == "freshness":
        return f"{v:.0f} days"
    if dim == "representativeness":
        return f"PSI {v:.3f}"
    return f"{100 * v:.2f}%"


def _workspace_spark(root: Path) -> Any:
    """The Spark session of the workspace's settings (govreport.yaml ``engine.spark``), or the defaults
    (``local[*]``) outside a workspace."""
    from ..data.sources import SparkSettings, spark_session
    from ..workspace.config import CONFIG_FILE, Workspace

    settings = (
        Workspace.load(root).config.engine.spark_settings()
        if (root / CONFIG_FILE).is_file()
        else SparkSettings()
    )
    return spark_session(settings)


@contracts.command("validate")
@click.argument("name")
@_ws_opt
@click.option(
    "--data",
    default=None,
    help="Validate this file (same reading options) or lake source (spark:TABLE, spark+parquet:PATH; "
    "on the workspace's Spark settings) instead of the contract's dataset.",
)
@click.option("--period", "-p", default=None, help="Fill {period} in the dataset path, e.g. 2026Q3.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="As-of day of the freshness check (default: the period's end, or today).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), default=None, help="Also write the JSON here."
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the validation page here (Chinese; English beside it as NAME.en.html), with the "
    "history of the workspace's recorded runs.",
)
@_handled
def validate_cmd(
    name: str,
    workspace: str,
    data: str | None,
    period: str | None,
    as_of: Any,
    as_json: bool,
    output: str | None,
    html_out: str | None,
) -> None:
    """Run contract NAME's suite through Great Expectations and summarise it by quality dimension.

    Exit 0 when every expectation passes, 1 when some fail, 2 for bad input. Values of personal-data
    columns are masked in everything printed or written.
    """
    from ..contracts import find_contract, is_spark_data, load_contract, validate
    from ..data.sources import is_spark_text

    root, folder = resolve_workspace(workspace)
    cf = load_contract(find_contract(folder, name))
    source: Any = (data if is_spark_text(data) else Path(data)) if data else None
    spark = _workspace_spark(root) if is_spark_data(source, cf) else None
    result = validate(
        cf, root, data=source, period=period, as_of=as_of.date() if as_of else None, spark=spark
    )
    d = result.to_dict()
    if output:
        Path(output).write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if html_out:
        for page in _write_html(root, d, Path(html_out)):
            click.echo(f"wrote {page}", err=as_json)
    if as_json:
        click.echo(json.dumps(d, ensure_ascii=False, indent=2))
    else:
        ds = result.dataset
        where = ds.get("path") or (
            f"{ds.get('url')} table {ds.get('table')}" if ds.get("table") else "DataFrame"
        )
        click.echo(
            f"{result.contract}: {'PASSED' if result.success else 'FAILED'} — {result.rows:,} rows, "
            f"{len(result.expectations)} expectations ({len(result.failed)} failed), {result.seconds:.1f} s"
        )
        click.echo(f"  data   {where}  sha256 {str(ds.get('sha256'))[:16]}…")
        click.echo(f"  suite  {result.suite['path']}  sha256 {result.suite['sha256'][:16]}…")
        for dim, info in result.dimensions.items():
            rule = (info.get("threshold") or {}).get("rule") or info.get("note", "")
            click.echo(f"  {dim:<19} {_fmt(dim, info.get('value')):>13}  {info['status']:<12} {rule}")
        for e in result.failed:
            count = e.get("unexpected_count")
            extra = (
                f" ({count:,} rows, {100 * (e['unexpected_share'] or 0):.2f}%)" if count is not None else ""
            )
            if e.get("observed_value") is not None and count is None:
                extra = f" (observed {e['observed_value']})"
            sample = (
                f" e.g. {', '.join(map(str, e['sample_unexpected']))}" if e.get("sample_unexpected") else ""
            )
            error = f" [error: {e['error']}]" if e.get("error") else ""
            click.echo(f"  ✗ {signature(e)}{extra}{sample}{error}")  # suite index and arguments
        for w in result.warnings:
            click.echo(f"  ! {w}")
    if not result.success:
        raise ValidationFailed(
            f"{len(result.failed)} of {len(result.expectations)} expectation(s) failed",
            file=result.suite["path"],
            fix="fix the data, or the suite (see the ✗ lines)",
        )


def _write_html(root: Path, result: dict[str, Any], out: Path) -> list[Path]:
    """The validation page of ``result`` at ``out`` (Chinese) and ``out`` with ``.en.html`` (English), with
    the contract's history from the workspace's evidence store when there is one."""
    from ..core.files import atomic_write_text
    from ..present.validation import validation_page
    from ..run.validation import contract_history
    from ..workspace.config import CONFIG_FILE, Workspace

    history: list[tuple[str, dict[str, Any]]] = []
    if (root / CONFIG_FILE).is_file():
        from ..evidence.queries import open_store

        ws = Workspace.load(root)
        try:
            store = open_store(ws, writing=False)
        except GovreportError:  # no store yet: a page without history
            store = None
        if store is not None:
            history = contract_history(ws, store, result["contract"], before=result.get("period"))
    en = out.with_name(out.name.removesuffix(".html") + ".en.html")
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, lang, other in ((out, "zh-TW", en), (en, "en", out)):
        page = validation_page(result, lang=lang, history=history, other_lang_href=other.name)
        atomic_write_text(path, page)
    return [out, en]


# -- scaffold ------------------------------------------------------------------------------------------------
#: Rows scaffold reads (its facts come from all of them; the file's later rows are not seen).
_SCAFFOLD_MAX_ROWS = 1_000_000


@contracts.command("scaffold")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--name", required=True, help="Contract name (letters, digits, '-' and '_').")
@_ws_opt
@click.option("--encoding", default=None, help="Text encoding of a CSV / JSON Lines file, e.g. cp950.")
@click.option("--delimiter", default=None, help="CSV separator (default ',', tab for .tsv).")
@click.option(
    "--sample",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=10),
    help="Rows sampled for the format guesses (personal data, Art. 6, patterns); sets, ranges, "
    "null shares and the key come from every row read.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing contract of that name.")
@_handled
def scaffold_cmd(
    path: str,
    name: str,
    workspace: str,
    encoding: str | None,
    delimiter: str | None,
    sample: int,
    force: bool,
) -> None:
    """Write a starting suite and contract for the data file PATH that PATH itself passes.

    The suite: types, null rates (with a margin), ranges, category sets and key uniqueness from every row
    read; a format a column's name suggests (phone, e-mail, ID, date) only when ≥ 95 % of the sampled
    values match it. The output lists what was guessed from names and what from values. Columns that look
    like personal data (Taiwan national ID with checksum, phone, e-mail, card, names, addresses) or Art. 6
    attributes (sex, age, birth date, nationality, marital status…) are listed with `confirmed: false` for
    you to confirm.
    """
    from ..contracts import DatasetSource, personal_not_text, scaffold, write_scaffold
    from ..data.masking import mask_text
    from ..data.read import read_dataset
    from ..errors import InputError

    root, folder = resolve_workspace(workspace)
    for f in (folder / f"{name}.contract.yaml", folder / f"{name}.suite.json"):
        if f.exists() and not force:
            raise InputError(f"{f.name} already exists", file=f, fix="choose another --name, or pass --force")
    p = Path(path).resolve()
    try:
        src = DatasetSource(path=str(p), encoding=encoding, delimiter=delimiter)
    except ValueError as e:
        raise InputError(
            str(e).splitlines()[-1].removeprefix("  Value error, "),
            field="--encoding/--delimiter",
            fix="e.g. --encoding cp950 --delimiter ';'",
        ) from None
    df = read_dataset(p, src, via="option", nrows=_SCAFFOLD_MAX_ROWS)
    # personal-data columns are read as text by `validate` (leading zeros kept): read them so here too
    as_text = personal_not_text(df)
    if as_text:
        df = read_dataset(p, src, via="option", nrows=_SCAFFOLD_MAX_ROWS, text_columns=as_text)
    try:
        rel = p.relative_to(root).as_posix()
    except ValueError:
        rel = str(p)
    sc = scaffold(
        df,
        name,
        data_path=rel,
        encoding=encoding,
        delimiter=delimiter,
        sample=sample,
        truncated=len(df) == _SCAFFOLD_MAX_ROWS,
    )
    sp, cp = write_scaffold(folder, sc, force=force)
    click.echo(
        f"wrote {cp} and {sp} ({len(sc.suite['expectations'])} expectations from all {sc.rows:,} rows read; "
        f"format guesses from {sc.sampled:,} sampled)"
    )
    if len(df) == _SCAFFOLD_MAX_ROWS:
        click.echo(
            f"  note: only the first {_SCAFFOLD_MAX_ROWS:,} rows were read; later rows may fall outside "
            "the sets and ranges"
        )
    for source, title in (("name", "guessed from column names"), ("values", "guessed from the values")):
        found = sc.by(source)
        if found:
            click.echo(f"  {title}:")
            for g in found:
                click.echo(f"    {' '.join(mask_text(str(g)).split())}")
    for n in sc.notes:
        click.echo(f"  confirm: {n}")
    click.echo(f"next: review both files, then `govreport contracts validate {name}`")


# -- lint ----------------------------------------------------------------------------------------------------
@contracts.command("lint")
@_ws_opt
@click.option("--period", "-p", default=None, help="Check this period's data (default: the newest file).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--no-data", "no_data", is_flag=True, help="Check the files only, not the data's columns.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_handled
def lint_cmd(workspace: str, period: str | None, strict: bool, no_data: bool, as_json: bool) -> None:
    """Check every contract and suite: files that do not load, unknown expectation types, columns the
    data no longer has, a suite written by another Great Expectations version, unconfirmed entries.

    Exit 1 when there are errors (or warnings, with --strict).
    """
    from ..contracts import lint

    root, folder = resolve_workspace(workspace)
    issues = lint(folder, root, period=period, check_data=not no_data)
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    else:
        for i in issues:
            click.echo(str(i), err=True)
    errors = sum(i.severity == "error" for i in issues)
    warnings = len(issues) - errors
    if errors or (strict and warnings):
        raise ValidationFailed(
            f"{errors} error(s), {warnings} warning(s) in the contracts",
            file=folder,
            fix="see the lines above",
        )
    if not as_json:
        click.echo(f"contracts in {folder}: {errors} errors, {warnings} warnings")
