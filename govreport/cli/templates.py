"""``govreport templates``: list the notebook templates; ``templates copy`` takes an editable copy of one.

Without a subcommand it lists the packaged templates and the workspace's own notebooks (overrides of a
packaged one, and copies under new names with the template they derive from). ``copy NAME [--as NEW]``
writes ``templates_nb/NEW.ipynb`` (default ``NAME_copy``); ``--override`` writes it under NAME itself,
replacing the packaged template in every run of this workspace — the message says which happened
(:mod:`govreport.workspace.templates`).
"""

from __future__ import annotations

from pathlib import Path

import click

from .main import workspace_option

__all__ = ["templates"]


@click.group("templates", invoke_without_command=True)
@workspace_option
@click.pass_context
def templates(ctx: click.Context, workspace: str) -> None:
    """List the notebook templates (packaged, and the workspace's overrides and copies)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..workspace.templates import derived_from, packaged_templates, workspace_templates

    own = workspace_templates(Path(workspace) / "templates_nb")
    for name, path in packaged_templates().items():
        if name in own:
            click.echo(f"{name:<24} {own[name]}  (workspace override of the packaged template)")
        else:
            click.echo(f"{name:<24} {path}")
    for name, path in own.items():
        if name in packaged_templates():
            continue
        origin = derived_from(path)
        click.echo(f"{name:<24} {path}  ({f'copy of {origin}' if origin else 'workspace template'})")


@templates.command("copy")
@click.argument("name")
@click.option("--as", "new", default=None, help="Name of the copy (default: NAME_copy).")
@click.option(
    "--override",
    is_flag=True,
    help="Write the copy under NAME itself: it then replaces the packaged template in every run here.",
)
@click.option("--force", is_flag=True, help="Replace an existing notebook of that name in templates_nb/.")
@workspace_option
def copy_cmd(name: str, new: str | None, override: bool, force: bool, workspace: str) -> None:
    """Write an editable copy of packaged template NAME into the workspace's templates_nb/.

    The copy records in its notebook metadata which packaged template it derives from, so a run computes
    it the same way; under a new name its runs, history and reports are its own.
    """
    from ..workspace.templates import copy_template

    made = copy_template(Path(workspace) / "templates_nb", name, new, override=override, force=force)
    click.echo(made.message())
