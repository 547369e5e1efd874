"""The newcomer's path, exactly as the README gives it: a clean copy of the repository, a fresh virtual
environment **without** system site packages, the README's first command (``pip install . && govreport demo
…``) with every dependency resolved from the package registry — then every demo run must have succeeded.

A test run inside the developer's environment (with the ``test`` extra) cannot notice a dependency that a
plain install lacks; this one can. The venv also gets a fresh HOME, so no kernel spec or config of the
developer's (``~/.local/share/jupyter``) stands in for what the package installs; pip's download cache is
shared to keep CI inside its time.
"""

from __future__ import annotations

import re
import subprocess
import time

import pytest

from tests.conftest import ROOT
from tests.helpers.install import clean_copy, fresh_venv, installed_packages, save_figures

pytestmark = pytest.mark.slow


def readme_command(heading: str) -> str:
    """The command in the first ```bash block after the README paragraph starting with ``heading``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    at = text.index(heading)
    m = re.search(r"```bash\n(.*?)```", text[at:], re.S)
    assert m, f"no ```bash block after {heading!r} in README.md"
    return m.group(1).strip()


@pytest.mark.timeout(3600)  # an install from the registry and a demo: more than the suite's 900 s
def test_readme_first_command_in_a_fresh_venv_runs_the_whole_demo(tmp_path):
    command = readme_command("**Set up and run the demo**")
    assert command.startswith("pip install . && govreport demo --out "), command
    out_name = command.split("--out", 1)[1].split()[0]
    repo = clean_copy(tmp_path / "govreport")
    py, env = fresh_venv(tmp_path / "venv")

    install_cmd, demo_cmd = (c.strip() for c in command.split("&&", 1))
    t0 = time.monotonic()
    r = subprocess.run(
        ["bash", "-c", install_cmd], cwd=repo, env=env, capture_output=True, text=True, timeout=1800
    )
    install_s = time.monotonic() - t0
    assert r.returncode == 0, r.stderr[-3000:]
    # govreport came from the copy's install, not from the developer's checkout
    where = subprocess.run(
        [str(py), "-c", "import govreport; print(govreport.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert where.returncode == 0 and str(tmp_path / "venv") in where.stdout, where.stdout + where.stderr

    t0 = time.monotonic()
    r = subprocess.run(
        ["bash", "-c", demo_cmd], cwd=repo, env=env, capture_output=True, text=True, timeout=2700
    )
    demo_s = time.monotonic() - t0
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]

    ws = repo / out_name
    listing = subprocess.run(
        ["govreport", "evidence", "list", "-w", str(ws)], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    failed = [ln for ln in listing if re.search(r"\s(failed|interrupted)\s", ln)]
    assert not failed, "\n".join(failed)
    assert len(listing) == 28, "\n".join(listing)  # (3 systems + 2 data_quality audits + 2 portfolio) × 4
    assert (ws / "site" / "index.html").is_file()
    verify = subprocess.run(
        ["govreport", "evidence", "verify", "-w", str(ws)], env=env, capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stderr
    save_figures(
        "install-newcomer",
        {
            "install_seconds": round(install_s, 1),
            "demo_seconds": round(demo_s, 1),
            "packages": len(installed_packages(py, env)),
            "runs": len(listing),
        },
    )
