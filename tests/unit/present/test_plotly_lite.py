"""The report figures built as plain dicts (govreport.present.plotly_lite) against the same figures built by
plotly.graph_objects: plotly accepts every dict (it validates each property) and the figures are equal, on
the demo's real results (card-default's model_risk and cs-assistant's genai_review, computed in-process)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from typing import Any

import plotly.graph_objects as pgo
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots as plotly_make_subplots

from govreport.assessments.registry import computation
from govreport.demo.build import build_demo
from govreport.present import charts, figures, plotly_lite
from govreport.present import html as report_html
from govreport.run.context import open_context


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = build_demo(tmp_path_factory.mktemp("demo") / "ws", ["2026Q3"])
    out = tmp_path_factory.mktemp("out")
    return {
        t: open_context(root, sid, "2026Q3", out / t, template=t).results(computation(t))
        for sid, t in (("card-default", "model_risk"), ("cs-assistant", "genai_review"))
    }


def _history(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Two earlier quarters with this quarter's values scaled (a trend with three points per panel)."""
    return [
        {
            "period": p,
            "indicator": i["id"],
            "value": None if i["value"] is None else i["value"] * f,
            "status": i["status"],
        }
        for p, f in (("2026Q1", 0.9), ("2026Q2", 1.1))
        for i in results["indicators"]
    ]


def _builders(res: dict[str, dict[str, Any]]) -> dict[str, Any]:
    mr, gr = res["model_risk"], res["genai_review"]
    labels = mr.get("labels")
    fair = mr["fairness"]["attributes"]
    out = {
        f"group_rates {n}": (lambda n=n, a=a: figures.group_rates(n, a, labels=labels))
        for n, a in fair.items()
        if a["kind"] == "attribute"
    }
    out |= {
        f"intersection {n}": (lambda n=n, a=a: figures.intersection_heatmap(n, a, labels=labels))
        for n, a in fair.items()
        if a["kind"] == "intersection"
    }
    return out | {
        "quality_dimensions": lambda: figures.quality_dimensions(mr),
        "proxy_heatmap": lambda: figures.proxy_heatmap(mr["proxy"]),
        "roc_ks": lambda: figures.roc_ks(mr["model_quality"]),
        "reliability": lambda: figures.reliability(mr["model_quality"]),
        "psi_ranking": lambda: figures.psi_ranking(mr["drift"]),
        "importance": lambda: figures.importance_bars(mr["explainability"]["importance"]),
        "reason_codes": lambda: figures.reason_codes(mr["explainability"]["reason_codes"]),
        "trend model_risk": lambda: figures.trend(_history(mr), mr, report_html.key_indicators(mr)),
        "trend one panel": lambda: figures.trend(_history(mr), mr, ["auc"]),
        "rate_bars": lambda: figures.rate_bars(
            [i for i in gr["indicators"] if i["id"] in ("ai_disclosure_rate", "groundedness")]
        ),
        "trend genai": lambda: figures.trend(_history(gr), gr, ["refusal_rate", "escalation_rate"]),
    }


def _canonical(fig: Any) -> Any:
    """The figure as plotly writes it (validated), in the house template."""
    real = pgo.Figure(fig.to_dict() if isinstance(fig, plotly_lite.Figure) else fig)
    real.update_layout(template=charts.house_template())
    return json.loads(pio.to_json(real))


def _assert_same(a: Any, b: Any, where: str) -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), where
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"{where}: {a} != {b}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{where}: {sorted(a)} != {sorted(b)}"
        for k in a:
            _assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{where}: {a} != {b}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def test_every_figure_equals_plotlys(demo_results, monkeypatch: pytest.MonkeyPatch) -> None:
    builders = _builders(demo_results)
    assert len(builders) >= 15
    lite = {name: build() for name, build in builders.items()}
    monkeypatch.setattr(figures, "go", pgo)
    monkeypatch.setattr(plotly_lite, "make_subplots", plotly_make_subplots)
    for name, build in builders.items():
        real = build()
        assert isinstance(real, pgo.Figure) and isinstance(lite[name], plotly_lite.Figure)
        _assert_same(_canonical(lite[name]), _canonical(real), name)
        # each language's copy too (charts._one_language sets titles, names and texts on the figure)
        for lang in ("zh-TW", "en"):
            _assert_same(
                _canonical(charts._one_language(lite[name], lang)),
                _canonical(charts._one_language(real, lang)),
                f"{name} ({lang})",
            )


def test_a_plotly_figure_and_a_lite_one_render_the_same_chart(demo_results) -> None:
    mr = demo_results["model_risk"]
    lite = figures.roc_ks(mr["model_quality"])
    html = charts.figure_html_both(lite)
    assert html.count("Plotly.newPlot(") == 2  # Chinese and English copies
    assert 'class="gr-l-zh"' in html and 'class="gr-l-en"' in html
    for part in html.split("Plotly.newPlot(")[1:]:  # the data, then the layout, as JSON
        data, end = json.JSONDecoder().raw_decode(part, part.index(",") + 1)
        layout, _ = json.JSONDecoder().raw_decode(part, end + 1)
        assert data[0]["type"] == "scatter" and data[0]["x"] == mr["model_quality"]["roc"]["fpr"]
        assert layout["template"] == charts.house_template_dict() and layout["height"] == 440
    real = pgo.Figure(pgo.Bar(x=["a", "b"], y=[1, 2]))
    assert "Plotly.newPlot(" in charts.figure_html_both(real)


def test_the_presenting_imports_need_neither_plotly_nor_pandas() -> None:
    code = (
        "import sys\n"
        "from govreport.present import charts, figures, html, training\n"
        "from govreport.assessments.registry import computation\n"
        "from govreport.run.context import open_context\n"
        "from govreport.core.history import History\n"
        "h = History([{'period': '2026Q2', 'indicator': 'auc', 'value': 0.7, 'status': 'green'}])\n"
        "r = {'period': '2026Q3', 'indicators': [{'id': 'auc', 'value': 0.8, 'status': 'green',\n"
        "     'label_zh': 'AUC', 'label_en': 'AUC', 'threshold': {'green': 0.7, 'red': 0.6}}]}\n"
        "charts.figure_html_both(figures.trend(h, r, ['auc']), include_loader=False)\n"
        "assert len(h) == 1\n"
        "print(sorted(m for m in ('pandas', 'plotly', 'numpy') if m in sys.modules))\n"
        "print(h['value'].tolist(), 'pandas' in sys.modules)\n"  # a template written for pandas still works
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "[0.7] True"]


def test_history_rows_as_a_dataframe_draw_the_same_trend(demo_results) -> None:
    import pandas as pd

    mr = demo_results["model_risk"]
    rows = _history(mr)
    ids = report_html.key_indicators(mr)
    assert figures.trend(pd.DataFrame(rows), mr, ids).to_json() == figures.trend(rows, mr, ids).to_json()


def test_kernels_take_the_workers_compressed_plotly_js(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(charts.LOADER_ENV, raising=False)
    charts.plotly_loader.cache_clear()
    made = charts.plotly_loader()
    path = charts.share_plotly_loader(tmp_path)  # the worker, once
    assert path.read_text(encoding="utf-8") == made and os.environ[charts.LOADER_ENV] == str(path)
    code = "from govreport.present import charts; import sys; sys.stdout.write(charts.plotly_loader())"
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert got == made  # a kernel started by the worker inherits its environment
    path.write_text("<script>alert('not plotly')</script>", encoding="utf-8")  # not the loader: ignored
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert got == made
    os.environ.pop(charts.LOADER_ENV, None)
    charts.plotly_loader.cache_clear()


def test_the_review_figures_equal_plotlys_and_draw_in_the_word_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from govreport.present import review, review_changes, review_sections
    from govreport.publish.docx_writer import _plotly, one_language

    counts = (
        {"red": 1, "failed": 0, "amber": 3, "green": 10, "not_assessed": 2},
        {"red": 0, "failed": 1, "amber": 2, "green": 12, "not_assessed": 1},
    )
    r = {
        "status_history": [{"period": p, **c} for p, c in zip(("2026Q2", "2026Q3"), counts, strict=True)],
        "findings": [
            {
                "id": "F-1",
                "age_days": 40,
                "indicator_status": "red",
                "severity": "high",
                "overdue": True,
                "days_overdue": 10,
                "open_at_end": True,
            },
            {
                "id": "F-2",
                "age_days": 12,
                "indicator_status": "amber",
                "severity": "medium",
                "overdue": False,
                "days_overdue": 0,
                "open_at_end": True,
            },
            {
                "id": "F-3",
                "age_days": 3,
                "indicator_status": "green",
                "severity": "low",
                "overdue": False,
                "days_overdue": 0,
                "open_at_end": False,
            },
        ],
    }
    lite = [review.fig_status_history(r), review.fig_findings(r)]
    monkeypatch.setattr(review_changes, "go", pgo)
    monkeypatch.setattr(review_sections, "go", pgo)
    real = [review.fig_status_history(r), review.fig_findings(r)]
    for a, b, name in zip(lite, real, ("status history", "findings"), strict=True):
        assert isinstance(a, plotly_lite.Figure) and isinstance(b, pgo.Figure)
        _assert_same(_canonical(a), _canonical(b), name)
        for lang in ("zh-TW", "en"):  # the Word export's one-language copy, then plotly's own figure
            one = one_language(a, lang)
            assert isinstance(one, pgo.Figure)
            _assert_same(_canonical(one), _canonical(one_language(b, lang)), f"{name} ({lang})")
        assert _plotly(a).to_dict()["data"] == _plotly(b).to_dict()["data"]
    assert len(lite[1].data[0]["y"]) == 2  # closed findings are not drawn
