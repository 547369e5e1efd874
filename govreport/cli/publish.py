"""``govreport publish``: the static report site of every period (:mod:`govreport.publish.site`).

Attached to the main CLI by ``govreport.cli`` (``_attach_optional``); the command also works on its own
(click's ``CliRunner``). A :class:`~govreport.errors.GovreportError` becomes one line on stderr and its exit
code: 2 for bad input (an empty evidence store, an ``--out`` that is not a site, no Chromium for ``--pdf``),
1 for tampered evidence. Progress goes to stderr; the index path is the one line on stdout.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GovreportError

__all__ = ["publish"]


@click.command("publish", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--workspace",
    "-w",
    "workspace",
    type=click.Path(file_okay=False),
    default=".",
    show_default=True,
    envvar="GOVREPORT_WORKSPACE",
    help="Workspace folder (holding govreport.yaml).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the site. Default: site/ in the workspace. It is replaced as a whole, and only "
    "if it is a site publish built.",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each period's review to PDF (A4, Chinese and English) "
    "with headless Chromium (Debian: apt-get install chromium).",
)
@click.option(
    "--docx",
    is_flag=True,
    help="Also write each period's review as editable Word documents (Chinese "
    "and English; charts drawn with headless Chromium when installed).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines; only the index path.")
def publish(workspace: str, out: str | None, pdf: bool, docx: bool, quiet: bool) -> None:
    """Build the static report site from the evidence store (never re-runs anything).

    The site lists every period, newest first, with its periodic review at the top and every AI system's
    reports (highest risk tier first; failed runs with their reason), a history page per system, and
    copies of the reports themselves — each checked against the SHA-256 in the evidence store, so a
    tampered report stops the build (exit 1) and the previous site stays as it was. The folder works on
    its own: copy it to a file share or serve it from an intranet web server; it loads nothing from the
    network. See docs/site.md.

    \b
    Examples:
      govreport publish -w bank-ws                  # -> bank-ws/site/index.html
      govreport publish -w bank-ws --out /srv/ai-governance --pdf --docx
    """
    from ..publish.site import build_site
    from ..workspace.config import Workspace

    try:
        ws = Workspace.load(workspace)
        for w in ws.warnings():
            click.echo(f"warning: {w}", err=True)
        progress = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
        result = build_site(ws, Path(out) if out else None, pdf=pdf, docx=docx, progress=progress)
    except GovreportError as e:
        click.echo(f"error: {e}", err=True)
        raise SystemExit(e.exit_code) from None
    if not quiet:
        click.echo(
            f"{len(result.periods)} period(s), {len(result.files)} file(s) copied and verified"
            + (f", {len(result.pdfs)} PDF(s)" if result.pdfs else "")
            + f" in {result.seconds:.1f} s",
            err=True,
        )
    click.echo(str(result.index))
