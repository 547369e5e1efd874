"""Render an executed notebook to a self-contained HTML report with nbconvert.

The report hides code (inputs, prompts, stderr), uses govreport's house style instead of JupyterLab's
CSS, loads nothing from a CDN (no require.js, MathJax or Mermaid), and contains Plotly's JavaScript
exactly once (the templates embed it with their first chart, see :mod:`govreport.present.charts`). The file is
written under a temporary name and renamed, so a reader never sees a half-written report.

nbconvert is imported inside :func:`render_notebook` only: it is a heavy import the CLI does not need.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text
from ..errors import TemplateError

__all__ = ["render_notebook", "count_plotly_bundles"]

_PKG = Path(__file__).resolve().parent
_PLOTLY_MARKER = re.compile(r"(\* plotly\.js v\d|govreport: plotly\.js v\d)")


def count_plotly_bundles(html: str) -> int:
    """How many copies of plotly.js an HTML page embeds (the bundle's licence banner)."""
    return len(_PLOTLY_MARKER.findall(html))


def _ensure_nbconvert_data_path() -> None:
    """Make nbconvert's own ``lab`` template findable.

    nbconvert looks for it under the data folders of the *running* environment; in a virtual environment
    that borrows nbconvert from the system (``--system-site-packages``) or with a ``pip --user`` install,
    the folder nbconvert was installed with is elsewhere. Add it to ``JUPYTER_PATH`` (this process only).
    """
    import nbconvert
    from jupyter_core.paths import jupyter_path

    prefix = Path(nbconvert.__file__).resolve().parents[4]  # {prefix}/lib/pythonX.Y/site-packages/nbconvert
    candidates = [prefix / "share" / "jupyter", Path(sys.base_prefix) / "share" / "jupyter"]
    known = {str(Path(p).resolve()) for p in jupyter_path()}
    extra = [
        str(c)
        for c in candidates
        if (c / "nbconvert" / "templates" / "lab").is_dir() and str(c.resolve()) not in known
    ]
    if extra:
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [*filter(None, [os.environ.get("JUPYTER_PATH")]), *extra]
        )


def print_css(running: tuple[str, str] = ("", "")) -> str:
    """Print rules every report carries: on each page the bank's name and classification at the top (in the
    page's language) and "page / pages" at the foot."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ") + '"'

    zh, en = running
    head = (
        f":root {{ --gr-running: {q(zh)}; }}\nhtml.gr-lang-en {{ --gr-running: {q(en)}; }}\n"
        "@page { @top-left { content: var(--gr-running); font-size: 8pt; color: #52606d; } }\n"
        if zh
        else ""
    )
    return head + (
        '@page { @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; '
        "color: #52606d; } }\n"
    )


@functools.cache
def _exporter() -> Any:
    """nbconvert's HTML exporter with the govreport template, made once per process (its Jinja environment
    and compiled templates are reused by every report a long-lived worker renders)."""
    from nbconvert import HTMLExporter

    _ensure_nbconvert_data_path()
    return HTMLExporter(
        template_name="govreport",
        extra_template_basedirs=[str(_PKG / "nbtemplates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def warm_renderer() -> None:
    """Import nbconvert and set up the exporter now (a runner's worker, before its first job)."""
    import nbformat

    exporter = _exporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook(), resources={"govreport_css": ""})


def render_notebook(
    nb_path: Path,
    html_path: Path,
    *,
    title: str = "",
    lang: str = "zh-Hant-TW",
    running: tuple[str, str] = ("", ""),
) -> Path:
    """Render ``nb_path`` to ``html_path`` (inputs hidden, self-contained; ``running``: the bank's name and
    classification printed at the top of every page, zh and en). Returns ``html_path``."""
    import nbformat

    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    nb.cells = [c for c in nb.cells if "remove_cell" not in c.get("metadata", {}).get("tags", [])]
    if title:
        nb.metadata["title"] = title
    css = (_PKG / "report.css").read_text(encoding="utf-8") + "\n" + print_css(running)
    body, _ = _exporter().from_notebook_node(nb, resources={"govreport_css": css})
    body = re.sub(r'<html lang="[^"]*">', f'<html lang="{lang}">', body, count=1)
    if "cdn." in body and re.search(r'<script[^>]+src="https?://', body):
        raise TemplateError(
            "the rendered report would load a script from the network",
            file=nb_path,
            fix="show charts with govreport.present.charts.show(), not fig.show()",
        )
    html_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(html_path, body)
    return html_path
