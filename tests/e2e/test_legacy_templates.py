"""A bank's copies of the templates as packaged before the package layout (tests/data/legacy_templates/,
from commit 5c61296: ``govreport.notebook``, ``govreport.compute``, ``govreport.report_html``, …) still run
against the new layout as workspace overrides, and give the same results.json as the packaged templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from govreport import run_period, run_portfolio
from govreport.demo import build_demo
from govreport.workspace.config import Workspace

from ..unit.test_compat import LEGACY

#: What legitimately differs between two runs of the same template on the same data (times, durations).
VOLATILE = {
    "generated_at",
    "govreport_version",
    "seconds",
    "started_at",
    "finished_at",
    "duration_s",
    "elapsed_s",
    # a re-run of the same model version and training data shows the training audit as first recorded
    # (docs/training-data.md): where it was recorded differs, and a note says so; the figures do not
    "recorded",
}
_REUSED_NOTE = "training-data audit of model version"


def _stable(v: object) -> object:
    if isinstance(v, dict):
        return {
            k: [n for n in x if not str(n).startswith(_REUSED_NOTE)] if k == "notes" else _stable(x)
            for k, x in v.items()
            if k not in VOLATILE
        }
    if isinstance(v, list):
        return [_stable(x) for x in v]
    return v


def _results(ws: Workspace, version: int) -> dict[str, dict]:
    out = {}
    for p in sorted(ws.reports_dir.glob(f"*/*/*/v{version}/results.json")):
        out[str(p.relative_to(ws.reports_dir).parent.parent)] = _stable(
            json.loads(p.read_text(encoding="utf-8"))
        )
    return out


@pytest.mark.slow
def test_the_templates_before_the_layout_run_and_give_the_same_results(tmp_path: Path) -> None:
    ws = Workspace.load(build_demo(tmp_path / "ws", ["2026Q3"]))
    first = run_period(ws, "2026Q3")
    assert not first.failed, [r.error for r in first.failed]
    assert not run_portfolio(ws, "2026Q3", ("sustainability",)).failed
    (ws.root / "templates_nb").mkdir(exist_ok=True)
    for nb in LEGACY.glob("*.ipynb"):
        shutil.copyfile(nb, ws.root / "templates_nb" / nb.name)  # the workspace's own (old) copies
    again = run_period(ws, "2026Q3")
    assert not again.failed, [r.error for r in again.failed]
    assert not run_portfolio(ws, "2026Q3", ("sustainability",)).failed
    new, old = _results(ws, 1), _results(ws, 2)
    assert set(new) == set(old) and len(new) >= 4
    for key in new:
        if key.endswith(
            "_portfolio/sustainability"
        ):  # its energy grows by the runs in between: same indicators
            assert [i["id"] for i in old[key]["indicators"]] == [i["id"] for i in new[key]["indicators"]]
            continue
        assert old[key] == new[key], (key, [k for k in new[key] if old[key].get(k) != new[key][k]])
    for html in ws.reports_dir.glob("*/*/*/v2/report.html"):
        assert "DeprecationWarning" not in html.read_text(encoding="utf-8"), (
            f"{html}: the warning reached the report"
        )
