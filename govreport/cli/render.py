"""``govreport render NOTEBOOK.ipynb [--out report.html]``: the styled, offline report of an executed
template notebook — a by-hand Papermill or JupyterLab run — exactly as ``govreport run`` renders its own
(:func:`govreport.present.render.render_notebook`: inputs and "not part of the report" cells hidden, the
house style inlined, Plotly embedded once, nothing from the network).

A rendered by-hand run is not evidence: nothing is recorded in the evidence store (docs/notebooks.md).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from ..errors import InputError

__all__ = ["render"]


def _check_executed(nb_path: Path) -> None:
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(
            f"cannot read the notebook ({type(e).__name__})", file=nb_path, fix="pass an .ipynb file"
        ) from None
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    if code and not any(c.get("outputs") for c in code):
        raise InputError(
            "the notebook has no outputs: it was not executed",
            file=nb_path,
            fix="run it first (`papermill TEMPLATE.ipynb OUT.ipynb -p period 2026Q3`, or Run All in "
            "JupyterLab and save), then render the executed copy",
        )


def _results_of(nb_path: Path) -> dict | None:
    """The results.json the notebook wrote: the ``output_dir`` of its (injected) parameters, if it names
    one that holds it. None otherwise (a default scratch folder is not guessed)."""
    import ast

    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    out_dir = None
    for cell in nb.get("cells", []):
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") != "code" or not {"parameters", "injected-parameters"} & set(tags):
            continue
        try:
            tree = ast.parse("".join(cell.get("source") or []))
        except SyntaxError:
            continue
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["output_dir"]
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                out_dir = node.value.value  # the injected cell comes last: it wins
    path = Path(out_dir) / "results.json" if out_dir else None
    if path is None or not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def _validation_pages(nb_path: Path, html_path: Path) -> list[Path]:
    """The report links to its contracts' validation pages: write them beside it (no history: a by-hand
    run reads none), from the run's results.json."""
    from ..core.files import atomic_write_text
    from ..run.validation import pages_for

    results = _results_of(nb_path) or {}
    written = []
    for result in (results.get("data_quality") or {}).values():
        if isinstance(result, dict):
            for name, text in pages_for(result, [], html_path.name).items():
                atomic_write_text(html_path.parent / name, text)
                written.append(html_path.parent / name)
    return written


@click.command("render")
@click.argument("notebook", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="The HTML report to write (default: the notebook's name with .html).",
)
@click.option("--title", default="", help="The page title (default: the notebook's file name).")
def render(notebook: str, out: str | None, title: str) -> None:
    """Render an executed template NOTEBOOK to the styled, self-contained offline report.

    Use it on a notebook run by hand (Papermill, JupyterLab): the page is the one `govreport run` makes
    — but it is not evidence (nothing is recorded; see docs/notebooks.md).
    """
    from ..present.render import count_plotly_bundles, render_notebook

    nb_path = Path(notebook)
    _check_executed(nb_path)
    html_path = Path(out) if out else nb_path.with_suffix(".html")
    if html_path.resolve() == nb_path.resolve():
        raise InputError("the report would overwrite the notebook", field="--out", fix="choose an .html path")
    t0 = time.monotonic()
    render_notebook(nb_path, html_path, title=title or nb_path.stem)
    pages = _validation_pages(nb_path, html_path)
    size = html_path.stat().st_size
    charts = count_plotly_bundles(html_path.read_text(encoding="utf-8"))
    click.echo(
        f"wrote {html_path} ({size / 1e6:.1f} MB, {time.monotonic() - t0:.1f} s"
        + (", Plotly embedded once" if charts == 1 else "")
        + "); not evidence: run it through `govreport run` to record it"
    )
    for page in pages:
        click.echo(f"wrote {page} (data-contract validation page)")
