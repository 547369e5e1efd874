"""The peer of ``bench/bench_scale.py``: the quarterly job done the straightforward way a team writes it
today.

For each system, one after another: one Jupyter notebook (written by this script into a temporary folder),
executed with Papermill, that

* reads the period's scored data and the reference sample with ``pandas.read_parquet``;
* validates the scored data with Great Expectations (ephemeral context, pandas data source, the system's
  suite JSON as it is, ``batch.validate(suite)``);
* computes the fairness set with fairlearn's ``MetricFrame`` — count, selection rate, TPR, FPR and precision
  by every protected attribute (age in the system's bands) and by each declared intersection;
* computes the PSI of the score and of every model feature against the reference with pandas
  (reference-quantile bins, the same definition govreport documents);
* plots the group rates and the PSI with Plotly (plotly.js embedded once, so the page works offline);
* writes the key figures to ``figures.json`` (for the bench's equality check);

then exports the executed notebook to HTML with nbconvert (its default ``lab`` template, code hidden).
Nothing of govreport is imported by the notebook. The systems' settings (columns, favourable values,
bands, dataset paths, suite) are read from the workspace's YAML files with PyYAML.

    python bench/peer_notebook.py --workspace WS --period 2026Q3 --out DIR [--system ID …]

Writes ``DIR/<system>/{notebook.ipynb,report.html,figures.json}`` and ``DIR/peer.json`` (per system:
Papermill and nbconvert wall time, per-cell durations, HTML size).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["build_notebook", "system_parameters", "run_system", "main"]

PARAMETERS = """\
scoring_path = ""
reference_path = ""
suite_path = ""
label = "DEFAULT"
label_favourable = 0
prediction = "DECISION"
prediction_favourable = 1
score = "PD"
features = []
protected = []
bands = {}
intersections = []
figures_path = "figures.json"
"""

CELLS = [
    ("markdown", "# Quarterly model monitoring (peer pipeline)"),
    (
        "code",
        """\
# step: imports
import json
from functools import partial

import great_expectations as gx
import numpy as np
import pandas as pd
import plotly.express as px
from fairlearn.metrics import MetricFrame, count, false_positive_rate, selection_rate, true_positive_rate
from IPython.display import HTML, display
from sklearn.metrics import precision_score

_plotly_js = [True]


def show(fig):
    display(HTML(fig.to_html(full_html=False, include_plotlyjs=_plotly_js[0])))
    _plotly_js[0] = False
""",
    ),
    (
        "code",
        """\
# step: load
df = pd.read_parquet(scoring_path)
ref = pd.read_parquet(reference_path)
print(f"{len(df):,} scored rows, {len(ref):,} reference rows")
""",
    ),
    ("markdown", "## Data validation (Great Expectations)"),
    (
        "code",
        """\
# step: great_expectations
with open(suite_path, encoding="utf-8") as f:
    suite_json = json.load(f)
context = gx.get_context(mode="ephemeral")
suite = gx.ExpectationSuite(name=suite_json["name"], expectations=suite_json["expectations"])
batch = (context.data_sources.add_pandas("peer").add_dataframe_asset("scoring")
         .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
validation = batch.validate(suite)
checks = pd.DataFrame([{"expectation": r.expectation_config.type,
                        "column": r.expectation_config.kwargs.get("column"),
                        "success": r.success,
                        "unexpected": (r.result or {}).get("unexpected_count")} for r in validation.results])
display(checks)
""",
    ),
    ("markdown", "## Fairness (fairlearn MetricFrame)"),
    (
        "code",
        """\
# step: fairlearn
y_true = (df[label] == label_favourable).astype(int)
y_pred = (df[prediction] == prediction_favourable).astype(int)


def band_labels(edges):
    out = [f"<{edges[0]}"]
    out += [f"{a}–{b - 1}" if b - a > 1 else f"{a}" for a, b in zip(edges, edges[1:])]
    return out + [f"≥{edges[-1]}"]


sensitive = {}
for col in protected:
    if col in bands:
        edges = bands[col]
        sensitive[col] = pd.cut(df[col], [-np.inf, *edges, np.inf], right=False,
                                labels=band_labels(edges)).astype(str)
    else:
        sensitive[col] = df[col].astype(str)
metrics = {"count": count, "selection_rate": selection_rate, "tpr": true_positive_rate,
           "fpr": false_positive_rate, "precision": partial(precision_score, zero_division=np.nan)}
frames = {col: MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=sensitive[col])
          for col in protected}
for cols in intersections:
    frames["×".join(cols)] = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred,
                                         sensitive_features=pd.DataFrame({c: sensitive[c] for c in cols}))
for name, mf in frames.items():
    by = mf.by_group.reset_index()
    group_cols = list(by.columns[: -len(metrics)])
    by["group"] = by[group_cols].astype(str).agg("×".join, axis=1)
    display(HTML(f"<h3>{name}</h3>"))
    display(by.drop(columns=group_cols).set_index("group"))
    show(px.bar(by, x="group", y=["selection_rate", "tpr", "fpr", "precision"], barmode="group",
                title=f"Rates by {name}"))
    display(pd.DataFrame({"difference": mf.difference(), "ratio": mf.ratio()}))
""",
    ),
    ("markdown", "## Population stability (PSI)"),
    (
        "code",
        """\
# step: psi
def psi(cur, base, bins=10, eps=1e-4):
    b = base.dropna()
    if pd.api.types.is_numeric_dtype(base) and b.nunique() > bins:
        edges = np.unique(np.quantile(b, np.linspace(0, 1, bins + 1)[1:-1]))
        cuts = [-np.inf, *edges, np.inf]
        r = pd.cut(base, cuts).value_counts(normalize=True, sort=False)
        c = pd.cut(cur, cuts).value_counts(normalize=True, sort=False)
    else:
        r = base.value_counts(normalize=True)
        c = cur.value_counts(normalize=True)
        idx = r.index.union(c.index)
        r, c = r.reindex(idx, fill_value=0.0), c.reindex(idx, fill_value=0.0)
    r, c = r.replace(0.0, eps), c.replace(0.0, eps)
    return float(((c - r) * np.log(c / r)).sum())


psi_values = {col: psi(df[col], ref[col]) for col in [score, *features]}
psi_frame = pd.Series(psi_values, name="psi").sort_values(ascending=False).to_frame()
display(psi_frame)
show(px.bar(psi_frame.reset_index(names="column"), x="column", y="psi", title="PSI against the reference"))
""",
    ),
    (
        "code",
        """\
# step: figures
figures = {
    "selection_rate": {name: dict(zip(mf.by_group.reset_index().iloc[:, : -len(metrics)].astype(str)
                                      .agg("×".join, axis=1), mf.by_group["selection_rate"].astype(float)))
                       for name, mf in frames.items()},
    "psi": psi_values,
    "failed_expectations": sorted(f"{t}:{c}" for t, c, s in checks[["expectation", "column", "success"]]
                                  .itertuples(index=False) if not s),
    "rows": len(df),
}
with open(figures_path, "w", encoding="utf-8") as f:
    json.dump(figures, f, ensure_ascii=False, indent=1)
""",
    ),
]


def build_notebook() -> Any:
    """The peer notebook (parameters cell tagged ``parameters``)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [
        nbformat.v4.new_markdown_cell(src) if kind == "markdown" else nbformat.v4.new_code_cell(src)
        for kind, src in CELLS
    ]
    return nb


def system_parameters(ws: Path, sid: str, period: str) -> dict[str, Any]:
    """The notebook's parameters for system ``sid``, read from the workspace's YAML with PyYAML."""
    import yaml

    system = yaml.safe_load((ws / "systems" / f"{sid}.yaml").read_text(encoding="utf-8"))
    datasets = {d["role"]: d for d in system["datasets"]}
    scoring = datasets["scoring"]
    contract = yaml.safe_load(
        (ws / "data_contracts" / f"{scoring['contract']}.contract.yaml").read_text("utf-8")
    )
    m = system["model"]
    pas = system.get("protected_attributes", [])
    return {
        "scoring_path": str(ws / scoring["path"].replace("{period}", period)),
        "reference_path": str(ws / datasets["reference"]["path"]),
        "suite_path": str(ws / "data_contracts" / contract["suite"]),
        "label": m["label"],
        "label_favourable": m["label_favourable"],
        "prediction": m["prediction"],
        "prediction_favourable": m["prediction_favourable"],
        "score": m["score"],
        "features": list(m.get("features", [])),
        "protected": [p["column"] for p in pas],
        "bands": {p["column"]: p["bands"] for p in pas if p.get("bands")},
        "intersections": [list(i) for i in (system.get("fairness") or {}).get("intersections", [])],
    }


def run_system(template: Path, ws: Path, sid: str, period: str, out: Path) -> dict[str, Any]:
    """Execute the notebook for one system and export it; timings and sizes."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    params = {**system_parameters(ws, sid, period), "figures_path": str(out / "figures.json")}
    t0 = time.perf_counter()
    pm.execute_notebook(
        str(template),
        str(out / "notebook.ipynb"),
        parameters=params,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(out),
    )
    t1 = time.perf_counter()
    body, _ = HTMLExporter(exclude_input=True).from_notebook_node(
        nbformat.read(out / "notebook.ipynb", as_version=4)
    )
    (out / "report.html").write_text(body, encoding="utf-8")
    t2 = time.perf_counter()
    nb = nbformat.read(out / "notebook.ipynb", as_version=4)
    cells: dict[str, float] = {}
    for c in nb.cells:
        if c.cell_type == "code":
            first = c.source.splitlines()[0] if c.source else ""
            name = first.removeprefix("# step: ") if first.startswith("# step: ") else "parameters"
            cells[name] = round(
                cells.get(name, 0.0) + (c.metadata.get("papermill", {}).get("duration") or 0.0), 3
            )
    return {
        "system_id": sid,
        "papermill_s": round(t1 - t0, 3),
        "nbconvert_s": round(t2 - t1, 3),
        "wall_s": round(t2 - t0, 3),
        "cell_s": cells,
        "html_bytes": (out / "report.html").stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workspace", type=Path, required=True)
    ap.add_argument("--period", required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--system", action="append", default=None, help="system id (repeatable; default: all)")
    args = ap.parse_args(argv)
    import nbformat

    ws = args.workspace.resolve()
    sids = args.system or sorted(p.stem for p in (ws / "systems").glob("*.yaml"))
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "peer.ipynb"
        nbformat.write(build_notebook(), template)
        for sid in sids:  # one system after another
            r = run_system(template, ws, sid, args.period, args.out / sid)
            print(
                f"peer {sid}: {r['wall_s']:.1f} s (papermill {r['papermill_s']:.1f} s, "
                f"nbconvert {r['nbconvert_s']:.1f} s), HTML {r['html_bytes'] / 1e6:.1f} MB",
                flush=True,
            )
            runs.append(r)
    (args.out / "peer.json").write_text(json.dumps({"systems": runs}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
