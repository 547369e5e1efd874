"""``govreport render``: a template run by hand with Papermill, rendered to the same styled offline report
as the recorded run, every Plotly chart drawn in headless Chromium with the network blocked (the real
UCI credit-card data)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import pytest
from bs4 import BeautifulSoup

from govreport.core.resources import bundled_dir
from govreport.evidence.queries import open_store
from govreport.present.render import count_plotly_bundles
from govreport.workspace.config import Workspace
from tests.e2e.test_real_dataset_run import make_uci_workspace
from tests.helpers.browser import chart_counts, dump_dom

pytestmark = pytest.mark.slow


def _headings(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    return [" ".join(h.get_text(" ").split()) for h in soup.select("h2, h3")]


def test_render_reproduces_the_styled_report_of_a_by_hand_papermill_run(credit_df, tmp_path):
    import papermill as pm

    root = make_uci_workspace(credit_df, tmp_path / "ws")
    gr = [sys.executable, "-m", "govreport"]
    run = subprocess.run(
        [*gr, "run", "--period", "2026Q3", "-w", str(root), "-q"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    recorded = open_store(Workspace.load(root), writing=False).records()[-1]
    recorded_html = (root / recorded.outputs["html"]["path"]).read_text(encoding="utf-8")

    # by hand, as docs/notebooks.md says: Papermill on the packaged template, inside the workspace
    nb = tmp_path / "hand" / "model_risk-2026Q3.ipynb"
    nb.parent.mkdir()
    pm.execute_notebook(
        str(bundled_dir("templates_nb") / "model_risk.ipynb"),
        str(nb),
        parameters={
            "period": "2026Q3",
            "system_id": "uci-card",
            "output_dir": str(tmp_path / "hand" / "out"),
        },
        kernel_name="python3",
        cwd=str(root),
        progress_bar=False,
    )
    # inside JupyterLab the outputs carry the style of govreport's classes (never of body or headings)
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    outputs = [
        "".join(o["data"]["text/html"])
        for c in cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    style = re.search(r"<style>(.*?)</style>", outputs[0], re.S)
    assert style and ".gr-badge {" in style.group(1) and ".gr-red {" in style.group(1)
    selectors = [x.strip() for sel in re.findall(r"([^{}]+)\{", style.group(1)) for x in sel.split(",")]
    assert selectors and all(x == ":root" or "gr-" in x for x in selectors), selectors
    t0 = time.monotonic()
    r = subprocess.run(
        [*gr, "render", str(nb), "--out", str(tmp_path / "hand" / "report.html")],
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - t0
    assert r.returncode == 0, r.stderr
    assert "not evidence" in r.stdout
    page = tmp_path / "hand" / "report.html"
    html = page.read_text(encoding="utf-8")
    print(f"render: {page.stat().st_size:,} bytes in {seconds:.1f} s (CLI, including start-up)")
    # the same styled report: house style, code and the "not part of the report" cell hidden
    assert count_plotly_bundles(html) == 1 and "gr-badge" in html and "body.govreport" in html
    assert "This cell is not part of the report" not in html and "open_context(" not in html
    assert _headings(html) == _headings(recorded_html)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)
    containers, drawn = chart_counts(dump_dom(page))
    assert containers >= 6 and drawn == containers
    assert chart_counts(recorded_html)[0] == containers  # as many charts as the recorded report
    # nothing was recorded by the by-hand run or its rendering
    assert len(open_store(Workspace.load(root), writing=False).records()) == 1

    unexecuted = subprocess.run(
        [
            *gr,
            "render",
            str(bundled_dir("templates_nb") / "model_risk.ipynb"),
            "--out",
            str(tmp_path / "x.html"),
        ],
        capture_output=True,
        text=True,
    )
    assert unexecuted.returncode == 2 and "it was not executed" in unexecuted.stderr
