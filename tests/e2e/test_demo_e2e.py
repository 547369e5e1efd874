"""End to end: `govreport demo` on embedded data, the reports in a real browser with the network blocked."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from govreport.data.masking import find_identifiers
from govreport.evidence.queries import open_store
from govreport.present.render import count_plotly_bundles
from govreport.workspace.config import Workspace
from tests.conftest import ROOT
from tests.helpers.browser import chart_counts, dump_dom, screenshot

pytestmark = pytest.mark.slow
PERIODS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
ARTEFACTS = ROOT / "test-artefacts"


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    return demo_workspace


def _results(ws: Workspace, period: str, system: str, template: str) -> dict:
    return json.loads((ws.reports_dir / period / system / template / "v1" / "results.json").read_text())


def test_every_period_and_system_has_a_report(demo):
    for p in PERIODS:
        for sid, tpl in (
            ("card-default", "model_risk"),
            ("txn-monitoring", "model_risk"),
            ("card-default", "data_quality"),
            ("txn-monitoring", "data_quality"),
            ("cs-assistant", "genai_review"),
        ):
            d = demo.reports_dir / p / sid / tpl / "v1"
            assert (d / "report.html").stat().st_size > 100_000, d
            assert (d / "notebook.ipynb").is_file() and (d / "results.json").is_file()
    recs = open_store(demo).records()
    assert len(recs) == 28 and {r.status for r in recs} == {"succeeded"}
    assert (
        sorted(r.template for r in recs if r.system_id == "_portfolio")
        == ["review"] * 4 + ["sustainability"] * 4
    )
    checked = open_store(demo).check()
    assert checked.problems == [] and checked.warnings == []
    # the demo signs with a throw-away key of its own, kept outside the workspace
    key = demo.signing()
    assert checked.signed == 28 and checked.key_fingerprint == key.fingerprint
    assert not Path(demo.config.evidence.signing.key_file).is_relative_to(demo.root)
    # each review's cover names the chain head it was built on and the key's fingerprint
    for p in PERIODS:
        rec = open_store(demo).latest(system_id="_portfolio", period=p, template="review")
        html = demo.resolve(rec.outputs["html"]["path"]).read_text(encoding="utf-8")
        assert f"SHA256:{key.fingerprint}" in html
        assert (
            f"SHA-256 {recs[rec.seq - 2].record_hash}" in html
        )  # the head just before the review's own record


def test_reports_show_green_amber_and_red_with_a_planted_fairness_problem(demo):
    statuses = set()
    for p in PERIODS:
        for sid, tpl in (
            ("card-default", "model_risk"),
            ("txn-monitoring", "model_risk"),
            ("cs-assistant", "genai_review"),
        ):
            statuses |= {i["status"] for i in _results(demo, p, sid, tpl)["indicators"]}
    assert {"green", "amber", "red"} <= statuses
    di = [
        _ind(_results(demo, p, "card-default", "model_risk"), "disparate_impact_ratio", "AGE")
        for p in PERIODS
    ]
    assert di[0]["status"] == "green" and di[-1]["status"] == "red"
    assert di[-1]["value"] < di[0]["value"]


def test_planted_data_quality_problems_are_found(demo):
    dq = [
        _results(demo, p, "card-default", "model_risk")["data_quality"]["card_default_scoring"]
        for p in PERIODS
    ]
    assert dq[0]["success"] and dq[1]["success"]
    assert dq[2]["dimensions"]["uniqueness"]["status"] == "red"
    assert dq[2]["dimensions"]["uniqueness"]["value"] == pytest.approx(1 - 200 / 20000)
    bills = next(e for e in dq[3]["expectations"] if e["column"] == "BILL_AMT1" and "between" in e["type"])
    assert not bills["success"] and dq[3]["dimensions"]["validity"]["status"] == "amber"
    assert all(
        "APP" not in str(v) or "*" in str(v)
        for d in dq
        for e in d["expectations"]
        for v in e["sample_unexpected"]
    )


def _ind(results: dict, ind_id: str, attribute: str | None = None) -> dict:
    want = f"fairness.{attribute}.{ind_id}" if attribute else ind_id
    for i in results["indicators"]:
        if i["id"] == want:
            return i
    raise AssertionError(f"{want} not in results")


def test_latest_reports_render_every_chart_offline(demo):
    ARTEFACTS.mkdir(exist_ok=True)
    for sid, tpl in (("card-default", "model_risk"), ("cs-assistant", "genai_review")):
        page = demo.reports_dir / "2026Q3" / sid / tpl / "v1" / "report.html"
        html = page.read_text(encoding="utf-8")
        assert count_plotly_bundles(html) == 1
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)
        containers, drawn = chart_counts(dump_dom(page))
        assert containers >= (6 if tpl == "model_risk" else 2) and drawn == containers, (
            sid,
            containers,
            drawn,
        )
        screenshot(page, ARTEFACTS / f"{sid}-2026Q3.png")


def test_no_planted_national_id_in_any_output(demo):
    ids = set()
    for f in (demo.root / "data" / "cs-assistant").glob("*.jsonl"):
        ids |= set(
            re.findall(r"[A-Z][12]\d{8}", f.read_text(encoding="utf-8", errors="replace"))
        )  # one line is Big5
    assert ids, "the demo plants national IDs in its transcripts"
    for f in demo.reports_dir.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".json", ".ipynb", ".log"):
            text = f.read_text(encoding="utf-8", errors="replace")
            leaked = [i for i in ids if i in text]
            assert not leaked, f"{f} contains {leaked}"


def test_templates_run_as_is_inside_the_workspace(demo, tmp_path):
    """An analyst opens a packaged template in JupyterLab inside the workspace and runs it unchanged."""
    import papermill as pm

    from govreport.core.resources import bundled_dir

    for tpl in sorted(bundled_dir("templates_nb").glob("*.ipynb")):
        out = tmp_path / tpl.name
        pm.execute_notebook(
            str(tpl), str(out), kernel_name="python3", cwd=str(demo.root / "data"), progress_bar=False
        )
        nb = json.loads(out.read_text())
        assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_cli_commands_work_on_the_demo_workspace(demo):
    def gr(*args):
        return subprocess.run(
            [sys.executable, "-m", "govreport", *args, "--workspace", str(demo.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = gr("systems", "list")
    assert r.returncode == 0 and re.search(r"card-default\s+high", r.stdout) and "txn-monitoring" in r.stdout
    r = gr("evidence", "verify")
    assert r.returncode == 0 and "28 record(s)" in r.stdout
    r = gr("evidence", "show", "1")
    rec = json.loads(r.stdout)
    assert rec["status"] == "succeeded" and len(rec["template_sha256"]) == 64
    assert all(len(o["sha256"]) == 64 for o in rec["outputs"].values())
    assert {"govreport", "papermill", "pandas"} <= set(rec["environment"])


def test_naive_plotly_export_draws_nothing_offline(tmp_path):
    """Control: the straightforward Papermill → nbconvert export of fig.show() needs a CDN, so the same
    browser check counts no drawn chart — the check above can fail."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from tests.helpers.nb import write_notebook

    src = write_notebook(
        tmp_path / "naive.ipynb", "import plotly.express as px\npx.bar(x=['a', 'b'], y=[1, 2]).show()"
    )
    pm.execute_notebook(str(src), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False)
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(tmp_path / "out.ipynb", as_version=4))
    page = tmp_path / "naive.html"
    page.write_text(body, encoding="utf-8")
    containers, drawn = chart_counts(dump_dom(page))
    assert drawn == 0


def test_every_results_json_validates_against_the_shipped_schema(demo):
    import jsonschema

    from govreport.core.resources import schema_path

    schema = json.loads(schema_path("results.schema.json").read_text())
    files = sorted(demo.reports_dir.glob("*/*/*/v*/results.json"))
    assert len(files) == 28
    for f in files:
        jsonschema.validate(json.loads(f.read_text()), schema)
    bad = next(d for d in (json.loads(f.read_text()) for f in files) if d["indicators"])
    bad["indicators"][0]["status"] = "purple"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


CONTRACTS = {
    ("card-default", "model_risk"): "card_default_scoring",
    ("cs-assistant", "genai_review"): "cs_assistant_conversations",
    ("txn-monitoring", "model_risk"): "txn_monitoring_scoring",
}


def test_a_validation_page_per_contract_and_period_in_the_site_offline_both_languages(demo):
    """Every run writes its contracts' validation pages beside its report (recorded outputs, from
    results.json and the earlier periods' recorded results); the report links to them, the site copies
    them, and they open offline in Chromium in both languages."""
    from govreport.core.expectations import signature

    site = demo.root / "site"
    manifest = {f["path"]: f for f in json.loads((site / "site.json").read_text())["files"]}
    store = open_store(demo, writing=False)
    for p in PERIODS:
        for (sid, tpl), contract in CONTRACTS.items():
            rel = f"reports/{p}/{sid}/{tpl}/v1"
            report = (site / rel / "report.html").read_text(encoding="utf-8")
            for name in (f"validation-{contract}.html", f"validation-{contract}.en.html"):
                assert re.search(f"href=[\"']{re.escape(name)}[\"']", report)  # linked from the report
                assert f"{rel}/{name}" in manifest  # copied into the site, SHA-256 checked
                rec = store.latest(system_id=sid, period=p, template=tpl)
                assert any(o["path"].endswith(name) for o in rec.outputs.values())  # recorded evidence
    folder = site / "reports" / "2026Q3" / "card-default" / "model_risk" / "v1"
    result = _results(demo, "2026Q3", "card-default", "model_risk")["data_quality"]["card_default_scoring"]
    failed = [e for e in result["expectations"] if not e["success"]]
    assert failed  # the planted negative bills
    for name, lang, words in (
        ("validation-card_default_scoring.html", "zh-TW", ("未通過之期望", "各期驗證", "介於")),
        (
            "validation-card_default_scoring.en.html",
            "en",
            ("Failed expectations", "Validation across periods", "between"),
        ),
    ):
        page = (folder / name).read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", page)
        details = page.index("<details")
        for e in failed:
            assert page.index(signature(e)) < details
        assert all(f"<td>{p}</td>" in page for p in PERIODS)  # the history: every period so far
        dom = dump_dom(folder / name)
        assert f'lang="{lang}"' in dom and all(w in dom for w in words)
        assert not find_identifiers(dom)
    ARTEFACTS.mkdir(exist_ok=True)
    screenshot(folder / "validation-card_default_scoring.html", ARTEFACTS / "validation-2026Q3.png")
    sizes = sorted(f.stat().st_size for f in (demo.reports_dir).rglob("validation-*.html"))
    print(f"validation pages: {len(sizes)}, {sizes[0]:,}–{sizes[-1]:,} bytes")


def test_run_fail_on_red_exits_1_on_the_demo_2026q3_after_recording(demo, tmp_path):
    import shutil

    ws = tmp_path / "ws"
    shutil.copytree(demo.root, ws, symlinks=True)
    before = len(open_store(Workspace.load(ws), writing=False).records())
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "govreport",
            "run",
            "--period",
            "2026Q3",
            "--system",
            "card-default",
            "--fail-on",
            "red",
            "-w",
            str(ws),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 1, r.stderr[-2000:]
    assert "with --fail-on red; every run was recorded" in r.stderr
    recs = open_store(Workspace.load(ws), writing=False).records()
    new = {r.template: r for r in recs[before:]}  # card-default's model_risk and data_quality (issue 21)
    assert len(recs) == before + 2 and set(new) == {"model_risk", "data_quality"}
    assert all(r.status == "succeeded" for r in new.values())
    assert new["model_risk"].summary["status"] == "red"


def test_each_predictive_system_has_a_training_audit_that_finds_the_planted_problems(demo):
    """Issue 21: the training export's problems (govreport.demo.training) are found, and only they."""
    for p in PERIODS:
        found = {}
        for sid in ("card-default", "txn-monitoring"):
            res = _results(demo, p, sid, "data_quality")
            ids = {i["id"]: i["status"] for i in res["indicators"] if i["id"].startswith("training.")}
            assert {"training.label_balance", "training.label_leakage", "training.window"} <= set(ids)
            assert "not_assessed" not in ids.values(), (p, sid, ids)
            found[sid] = {k for k, v in ids.items() if v != "green"}
            summary = _results(demo, p, sid, "model_risk")["training_summary"]
            assert {i["id"] for i in summary["indicators"]} == set(ids)
        reused = {"training.overlap_with_scoring"} if p == PERIODS[1] else set()
        assert found["card-default"] == {"training.differential_missingness.AGE", *reused}, p
        assert found["txn-monitoring"] == {"training.label_leakage"}, p
    card = _results(demo, PERIODS[0], "card-default", "data_quality")
    miss = next(i for i in card["indicators"] if i["id"] == "training.differential_missingness.AGE")
    assert (miss["details"]["feature"], miss["details"]["high_group"]) == ("BILL_AMT1", "≥65")
    txn = _results(demo, PERIODS[-1], "txn-monitoring", "data_quality")
    assert txn["training"]["per_version"]["label_leakage"]["flagged"] == ["VELOCITY_24H"]
    assert txn["training"]["per_version"]["recorded"]["period"] == PERIODS[0]  # recorded once, then shown
    # the site links the audit from each system's page; the review cites it under Art. 7
    for sid in ("card-default", "txn-monitoring"):
        page = (demo.root / "site" / "systems" / f"{sid}.html").read_text(encoding="utf-8")
        assert "Data quality and training-data audit" in page and "data_quality" in page
    review = json.loads(
        (demo.reports_dir / PERIODS[-1] / "_portfolio" / "review" / "v1" / "review.json").read_text()
    )
    art7 = next(a for a in review["articles"] if a["article"] == 7)
    assert any(
        "training-data audit (data_quality report) of 2/2 predictive systems" in e for e in art7["evidence"]
    )
