"""``govreport contracts …``: data contracts for the datasets AI systems train on and score."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .errors import ValidationFailed

__all__ = ["contracts"]


def _folder(workspace: str) -> tuple[Path, Path]:
    root = Path(workspace).resolve()
    return root, root / "data_contracts"


@click.group()
def contracts() -> None:
    """Data contracts: a dataset plus its Great Expectations suite (data_contracts/)."""


_ws_opt = click.option("--workspace", "-w", type=click.Path(file_okay=False), default=".", show_default=True,
                       envvar="GOVREPORT_WORKSPACE", help="Workspace folder.")


@contracts.command("list")
@_ws_opt
def list_cmd(workspace: str) -> None:
    """List the contracts in data_contracts/ with their datasets and suites."""
    from .contracts import list_contracts, load_contract
    from .errors import GovreportError

    _, folder = _folder(workspace)
    paths = list_contracts(folder)
    if not paths:
        click.echo(f"no contracts in {folder} — add <name>.contract.yaml + <name>.suite.json, "
                   "or run `govreport contracts scaffold DATA --name NAME`")
        return
    for p in paths:
        try:
            c = load_contract(p).contract
        except GovreportError as e:
            click.echo(f"error: {e}", err=True)
            continue
        where = c.dataset.path or f"{c.dataset.table} @ SQL"
        click.echo(f"{c.name:<28} {where:<50} {c.suite}  personal: {', '.join(c.personal_data) or '—'}")


@contracts.command("validate")
@click.argument("name")
@_ws_opt
@click.option("--data", type=click.Path(dir_okay=False), default=None, help="Validate this file instead of the "
              "contract's dataset.")
@click.option("--period", "-p", default=None, help="Fill {period} in the dataset path (e.g. 2026Q3).")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def validate_cmd(name: str, workspace: str, data: str | None, period: str | None, as_json: bool) -> None:
    """Run contract NAME's suite through Great Expectations.

    Exit 0 when every expectation passes, 1 when some fail, 2 for bad input. Sample values of
    personal-data columns are masked in everything printed.
    """
    from .contracts import load_contract, validate
    from .errors import ContractError

    root, folder = _folder(workspace)
    path = folder / f"{name}.contract.yaml"
    if not path.is_file():
        from .contracts import list_contracts

        known = ", ".join(p.name.removesuffix(".contract.yaml") for p in list_contracts(folder)) or "none"
        raise ContractError(f"no contract named '{name}'", file=folder, fix=f"known contracts: {known}")
    result = validate(load_contract(path), root, data=Path(data) if data else None, period=period)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        d = result.dataset
        click.echo(f"{result.contract}: {'PASSED' if result.success else 'FAILED'} — {d.get('rows')} rows, "
                   f"{len(result.expectations)} expectations, {result.seconds:.1f} s")
        for dim, info in result.dimensions.items():
            v = info.get("value")
            shown = "—" if v is None else (f"{v:.4f}" if dim != "freshness" else f"{v:.0f} days")
            click.echo(f"  {dim:<20} {shown:>12}  {info.get('status', 'not_assessed')}")
        for e in result.expectations:
            if not e["success"]:
                pct = e.get("unexpected_percent")
                where = f"{e['column']}: " if e.get("column") else ""
                extra = f" ({e['unexpected_count']} rows, {pct:.2f}%)" if pct is not None else ""
                sample = f" e.g. {', '.join(map(str, e['sample_unexpected']))}" if e.get("sample_unexpected") else ""
                click.echo(f"  ✗ {where}{e['type']}{extra}{sample}")
    if not result.success:
        raise ValidationFailed(f"{sum(not e['success'] for e in result.expectations)} expectation(s) failed "
                               f"for contract '{name}'", fix="see the lines above; fix the data or the suite")


@contracts.command("scaffold")
@click.argument("data", type=click.Path(dir_okay=False, exists=True))
@click.option("--name", required=True, help="Contract name (letters, digits, - and _).")
@_ws_opt
@click.option("--sample", default=100_000, show_default=True, help="Rows read to infer the suite.")
@click.option("--encoding", default="utf-8", show_default=True, help="File encoding, e.g. cp950.")
@click.option("--force", is_flag=True, help="Overwrite an existing contract of that name.")
def scaffold_cmd(data: str, name: str, workspace: str, sample: int, encoding: str, force: bool) -> None:
    """Write a starting suite and contract for DATA: types, null rates, ranges, category sets, key
    uniqueness; columns that look like personal data or Art. 6 attributes are marked for you to confirm."""
    import re

    from .contracts import DatasetSource, write_scaffold
    from .contracts._load import read_file
    from .contracts._scaffold import scaffold
    from .errors import InputError

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise InputError(f"'{name}' is not a valid contract name", field="--name",
                         fix="use letters, digits, '-' and '_'")
    root, folder = _folder(workspace)
    if (folder / f"{name}.contract.yaml").exists() and not force:
        raise InputError(f"contract '{name}' exists", file=folder / f"{name}.contract.yaml",
                         fix="choose another --name or pass --force")
    path = Path(data).resolve()
    df = read_file(path, DatasetSource(path=str(path), encoding=encoding)).head(sample)
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = str(path)
    suite, text, notes = scaffold(df, name, rel)
    if encoding.lower() not in ("utf-8", "utf8"):
        text = text.replace(f"  path: {json.dumps(rel, ensure_ascii=False)}",
                            f"  path: {json.dumps(rel, ensure_ascii=False)}\n  encoding: {encoding}")
    sp, cp = write_scaffold(folder, name, suite, text)
    click.echo(f"wrote {cp} and {sp} ({len(suite['expectations'])} expectations)")
    for n in notes:
        click.echo(f"  confirm: {n}")


@contracts.command("lint")
@_ws_opt
@click.option("--period", "-p", default=None, help="Check the data of this period for vanished columns.")
def lint_cmd(workspace: str, period: str | None) -> None:
    """Check every contract: malformed files, unknown expectation types, columns the data no longer has,
    a suite written by another Great Expectations version. Exit 1 if anything is found."""
    from .contracts import lint

    root, folder = _folder(workspace)
    problems = lint(folder, root, period)
    for p in problems:
        click.echo(p, err=True)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s) in {folder}")
    click.echo(f"contracts in {folder}: no problems")
