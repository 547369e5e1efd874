"""``govreport templates copy``: a copy of a packaged template runs under its own name, is precomputed
in the worker like its origin, and keeps its own history (the real UCI credit-card data)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from govreport.cli import cli
from govreport.errors import InputError
from govreport.evidence.queries import open_store
from govreport.run.context import open_context
from govreport.workspace.config import Workspace
from govreport.workspace.templates import derived_from
from tests.e2e.test_real_dataset_run import make_uci_workspace

pytestmark = pytest.mark.slow


def test_a_copied_template_runs_under_its_new_name_with_its_own_history(credit_df, tmp_path):
    root = make_uci_workspace(credit_df, tmp_path / "ws", ("2026Q2", "2026Q3"), "[model_risk_mine]")

    r = CliRunner().invoke(
        cli, ["templates", "copy", "model_risk", "--as", "model_risk_mine", "-w", str(root)]
    )
    assert r.exit_code == 0, r.output
    assert "copy of the packaged template 'model_risk' named 'model_risk_mine'" in r.output
    assert "still runs as before" in r.output
    copy = root / "templates_nb" / "model_risk_mine.ipynb"
    assert derived_from(copy) == "model_risk" and not (root / "templates_nb" / "model_risk.ipynb").exists()
    listing = CliRunner().invoke(cli, ["templates", "-w", str(root)])
    assert "model_risk_mine" in listing.output and "(copy of model_risk)" in listing.output
    # a name is never a path
    bad = CliRunner().invoke(cli, ["templates", "copy", "model_risk", "--as", "../evil", "-w", str(root)])
    assert isinstance(bad.exception, InputError) and bad.exception.exit_code == 2
    assert "is not a template name" in str(bad.exception) and not (root.parent / "evil.ipynb").exists()

    for period in ("2026Q2", "2026Q3"):
        p = subprocess.run(
            [sys.executable, "-m", "govreport", "run", "--period", period, "-w", str(root), "-q"],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert p.returncode == 0, p.stderr[-2000:]
    ws = Workspace.load(root)
    recs = open_store(ws, writing=False).records()
    assert [(r.template, r.period, r.status) for r in recs] == [
        ("model_risk_mine", "2026Q2", "succeeded"),
        ("model_risk_mine", "2026Q3", "succeeded"),
    ]
    last = recs[-1]
    assert last.outputs["html"]["path"] == "reports/2026Q3/uci-card/model_risk_mine/v1/report.html"
    results = json.loads((root / last.outputs["results"]["path"]).read_text())
    assert results["template"] == "model_risk_mine"
    # precomputed in the worker, like the packaged model_risk: the kernel got the results.json path
    nb = json.loads((root / last.outputs["notebook"]["path"]).read_text())
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert "precomputed = " in "".join(injected["source"]) and "results.json" in "".join(injected["source"])
    # its history is its own: the copy sees 2026Q2, the packaged template has none
    mine = open_context(str(root), "uci-card", "2026Q3", str(tmp_path / "s1"), template="model_risk_mine")
    assert set(mine.history()["period"]) == {"2026Q2"} and mine.previous_results()["period"] == "2026Q2"
    packaged = open_context(str(root), "uci-card", "2026Q3", str(tmp_path / "s2"), template="model_risk")
    assert packaged.history().empty and packaged.previous_results() is None
