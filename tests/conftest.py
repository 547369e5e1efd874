"""Shared fixtures. The real dataset lives in ../shared/datasets/ beside the project root (CI and developer
machines); a fresh clone does not have it, so tests that need it skip with a clear reason."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASET = Path(
    os.environ.get(
        "GOVREPORT_SHARED_DATASET", ROOT.parent / "shared" / "datasets" / "taiwan_credit_default.csv"
    )
)


#: In CI (.ci/run sets it) a missing browser, database server or dataset is a failure, not a skip.
REQUIRE_ALL = os.environ.get("GOVREPORT_REQUIRE_ALL") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (GOVREPORT_REQUIRE_ALL=1: required here)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def credit_csv() -> Path:
    """Path to the UCI 'Default of Credit Card Clients' CSV (Yeh & Lien 2009, CC BY 4.0)."""
    if not SHARED_DATASET.exists():
        skip_or_fail(f"real dataset not found at {SHARED_DATASET} (only in CI and developer machines)")
    return SHARED_DATASET


@pytest.fixture(scope="session")
def credit_df(credit_csv: Path) -> pd.DataFrame:
    return pd.read_csv(credit_csv, encoding="utf-8-sig")


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory):  # noqa: ANN201 - a Workspace
    """The demo built and run once per test session by the real CLI (`govreport demo`): 3 systems × 4
    quarters (the two predictive ones with model_risk and data_quality), then the sustainability and review
    templates of each quarter, then the report site. Tests must not modify it: copy it
    (``shutil.copytree``) to change anything.

    ``GOVREPORT_TEST_DEMO=DIR`` uses a demo workspace already built there (by ``govreport demo``, with its
    site published) instead: a developer re-running the demo tests does not wait for a new demo."""
    import subprocess
    import sys

    from govreport.workspace.config import Workspace

    if os.environ.get("GOVREPORT_TEST_DEMO"):
        return Workspace.load(Path(os.environ["GOVREPORT_TEST_DEMO"]))

    out = tmp_path_factory.mktemp("demo") / "ws"
    r = subprocess.run(
        [sys.executable, "-m", "govreport", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "28 report(s)" in r.stdout, r.stdout
    assert f"report site (every period, every report): {out / 'site' / 'index.html'}" in r.stdout, r.stdout
    return Workspace.load(out)
