"""The templates, contracts and schedules work from a built wheel installed as a user installs it: a fresh
virtual environment without system site packages, dependencies resolved from the package registry."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.helpers.install import clean_copy, fresh_venv, installed_packages, save_figures

pytestmark = pytest.mark.slow


@pytest.mark.timeout(3600)  # an install from the registry and a demo: more than the suite's 900 s
def test_wheel_contains_bundled_folders_and_runs_the_demo(tmp_path):
    dist = tmp_path / "dist"
    src = clean_copy(tmp_path / "src")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(src)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(dist.glob("govreport-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("govreport/_bundled/templates_nb/") and n.endswith(".ipynb") for n in names)
    assert "govreport/schemas/results.schema.json" in names
    assert "govreport/present/nbtemplates/govreport/index.html.j2" in names

    # a fresh venv without system site packages; the wheel's dependencies come from the package registry
    venv = tmp_path / "venv"
    py, env = fresh_venv(venv)
    r = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    where = subprocess.run(
        [str(py), "-c", "import govreport; print(govreport.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env=env,
    ).stdout
    assert str(venv) in where, where
    save_figures(
        "install-wheel", {"wheel_bytes": wheel.stat().st_size, "packages": len(installed_packages(py, env))}
    )

    out = tmp_path / "demo-ws"
    r = subprocess.run(
        [str(venv / "bin" / "govreport"), "demo", "--out", str(out), "--periods", "2026Q2,2026Q3"],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    # 2 periods × (3 systems + 2 data_quality audits), and each period's portfolio reports
    assert len([p for p in out.glob("reports/*/*/*/v1/report.html") if "_portfolio" not in p.parts]) == 10
    assert len(list(out.glob("reports/*/_portfolio/*/v1/report.html"))) == 4
    # the evidence shows the template was the wheel's bundled copy, not the source checkout's
    import json

    r = subprocess.run(
        [str(venv / "bin" / "govreport"), "evidence", "show", "1", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    template = next(i for i in json.loads(r.stdout)["inputs"] if i["role"] == "template")["path"]
    assert template.startswith(str(venv)) and "/_bundled/templates_nb/" in template, template
