"""Build small notebooks for tests (real .ipynb files that Papermill executes)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMS = "workspace = None\nsystem_id = None\nperiod = None\noutput_dir = None\n"


def write_notebook(path: Path, *cells: str, params: str = PARAMS) -> Path:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    p = new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("# test template"), p]
    nb.cells += [new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


#: Risk factors of a low-tier system (the inventory's tier rule).
LOW_FACTORS = "{customer_facing: 1, personal_data: 1, autonomy: 1, complexity: 1, impact: 1, remedies: 1}"
#: A minimal inventory record without datasets: ``.format(id=…, template=…, factors=…)``.
SYSTEM_BASE = """\
id: {id}
name_zh: 測試系統 {id}
name_en: Test system {id}
kind: generative
owner: {{name: 測試, role: owner}}
accountable: {{name: 主管, role: 風險長}}
scope: {{customer_service: true}}
risk_factors: {factors}
templates: [{template}]
"""
#: A low-tier record with one conversations dataset: ``.format(id=…, template=…)``.
SYSTEM = (
    SYSTEM_BASE.replace("{factors}", LOW_FACTORS.replace("{", "{{").replace("}", "}}"))
    + """\
datasets:
  - {{name: conversations, role: conversations, path: "data/{id}_{{period}}.csv"}}
"""
)

PROBE = [
    "import os, time, signal\n"
    "from govreport.run.context import open_context\n"
    "from govreport.core.status import Indicator, threshold_for\n"
    "from govreport.present import charts\n"
    "import plotly.graph_objects as go\n"
    "ctx = open_context(workspace, system_id, period, output_dir, template='probe')",
    "if ctx.system.id.startswith('fail'):\n    raise ValueError('planted failure in ' + ctx.system.id)",
    "if ctx.system.id.startswith('die'):\n    os.kill(os.getpid(), signal.SIGKILL)",
    "if ctx.system.id.startswith('slow'):\n    time.sleep(float(os.environ.get('PROBE_SLEEP', '60')))",
    "df = ctx.load('conversations')\n"
    "ind = Indicator('psi', 'model_quality', 7, float(df['x'].mean()), 'PSI', 'PSI', threshold_for('psi'))\n"
    "results = ctx.save([ind], {'probe': {'rows': len(df)}})",
    "charts.show(go.Figure(go.Bar(x=['a', 'b'], y=[1, 2])))\ncharts.show(go.Figure(go.Scatter(x=[1, 2], "
    "y=[3, 1])))",
]
