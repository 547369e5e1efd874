"""Open reports in real headless Chromium (Debian's ``chromium``) with the network blocked.

The browser runs inside a new network namespace (``unshare --net``: no interface but loopback, so no
request can leave the machine) when that is permitted, and always with a proxy that points nowhere and
host resolution disabled. It returns the DOM after scripts ran, so tests can count rendered charts.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from tests.conftest import skip_or_fail

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    "--lang=zh-TW",
]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        skip_or_fail("Debian's chromium is not installed (scripts/test.sh installs it as root)")
    return exe


@cache
def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode == 0


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    prefix = ["unshare", "--net"] if _can_unshare() else []
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [*prefix, chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def dump_dom(page: Path, budget_ms: int = 20000) -> str:
    """The page's DOM after its scripts ran, opened from file:// with the network blocked."""
    r = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri()])
    if not r.stdout.strip():
        raise RuntimeError(f"chromium produced no DOM: {r.stderr[-500:]}")
    return r.stdout


def screenshot(page: Path, png: Path, width: int = 1200, height: int = 3000) -> Path:
    png.parent.mkdir(parents=True, exist_ok=True)
    _run(
        [
            f"--window-size={width},{height}",
            "--virtual-time-budget=20000",
            f"--screenshot={png}",
            page.resolve().as_uri(),
        ]
    )
    return png


def print_pdf(page: Path, pdf: Path) -> Path:
    _run(
        [
            "--virtual-time-budget=20000",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.resolve().as_uri(),
        ]
    )
    return pdf


def chart_counts(dom: str) -> tuple[int, int]:
    """(chart containers, charts actually drawn): Plotly draws ``svg.main-svg`` layers with traces into
    each ``div.plotly-graph-div``; without its JavaScript the div stays empty."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(dom, "html.parser")
    divs = soup.select("div.plotly-graph-div")
    drawn = [
        d for d in divs if d.select("svg.main-svg") and d.select("g.trace, g.hm, image, g.heatmaplayer > *")
    ]
    return len(divs), len(drawn)
