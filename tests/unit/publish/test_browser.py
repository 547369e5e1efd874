"""The one browser of a publish (govreport.publish.browser, issue 22e), on a real headless Chromium driven
over the DevTools pipe: a page whose Plotly chart is drawn late prints with the chart on paper, ``#en``
reaches the page, a page that never finishes is a one-line error naming it within its time limit (and the
browser prints the next page), a dead browser is a clear error and leaves no process behind, Ctrl-C ends
it, the page can fetch nothing, and the Word edition's charts are drawn at their size.
A real browser: slow."""

from __future__ import annotations

import http.server
import os
import signal
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from govreport.errors import GovreportError
from govreport.publish.browser import Browser, BrowserError
from govreport.publish.pdf import print_pdf, print_report
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@pytest.fixture(autouse=True)
def _need_chromium() -> None:
    import shutil

    if not shutil.which("chromium") or not shutil.which("pdftotext"):
        skip_or_fail("chromium and poppler-utils are needed (scripts/test.sh installs them as root)")


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _late_chart(folder: Path, plotly_js: str, delay_ms: int = 1500) -> Path:
    """A page whose only chart is plotted ``delay_ms`` after the load event (as a report's charts are
    drawn once the embedded plotly.js is decompressed): printing at load time would miss it."""
    page = folder / "chart.html"
    page.write_text(
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><script>{plotly_js}</script>
<style>@page {{ size: A4; }}</style></head><body><h1 id="h">Chart page</h1>
<div id="c" class="plotly-graph-div" style="width:700px;height:400px"></div>
<script>
document.getElementById("h").textContent += " hash=" + (location.hash || "none");
window.addEventListener("load", function () {{
  setTimeout(function () {{
    Plotly.newPlot("c", [{{type: "bar", x: ["Alphaville", "Betatown"], y: [3, 5]}}],
      {{title: {{text: "Quarterly approvals"}}, xaxis: {{title: {{text: "Segment Gamma"}}}}}});
  }}, {delay_ms});
}});
</script></body></html>""",
        encoding="utf-8",
    )
    return page


def _group_gone(pgid: int, within: float = 10.0) -> bool:
    """No process of the browser's process group is left (zombies reaped) within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        alive = []
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == pgid and fields[0] != "Z":
                    alive.append(d.name)
        if not alive:
            return True
        time.sleep(0.2)
    return False


def test_a_late_plotly_chart_is_drawn_before_the_page_is_printed(tmp_path, plotly_js):
    page = _late_chart(tmp_path, plotly_js)
    with Browser(timeout=60) as b:
        made = print_report(page, tmp_path / "pdf", "chart", browser=b)
    zh, en = _text(made["zh"]), _text(made["en"])
    for text in ("Quarterly approvals", "Segment Gamma", "Alphaville", "Betatown"):
        assert text in zh, (text, zh)
    assert "hash=none" in zh and "hash=#en" in en  # the English print opens the page at #en
    info = subprocess.run(["pdfinfo", str(made["zh"])], capture_output=True, text=True).stdout
    assert "(A4)" in info, info
    assert not list((tmp_path / "pdf").glob(".*.part"))  # written whole, nothing half-written left


def test_a_page_that_never_finishes_is_a_one_line_error_and_the_next_page_prints(tmp_path, plotly_js):
    stuck = tmp_path / "stuck.html"  # a chart container nobody ever plots
    stuck.write_text('<!DOCTYPE html><div class="plotly-graph-div"></div>', encoding="utf-8")
    with Browser(timeout=4) as b:
        t0 = time.monotonic()
        with pytest.raises(BrowserError) as e:
            print_pdf(stuck, tmp_path / "stuck.pdf", browser=b)
        assert time.monotonic() - t0 < 15
        msg = str(e.value)
        assert "\n" not in msg and str(stuck) in msg and "within 4 s" in msg and "charts" in msg, msg
        assert not (tmp_path / "stuck.pdf").exists()
        b.timeout = 60
        ok = print_pdf(_late_chart(tmp_path, plotly_js, 100), tmp_path / "ok.pdf", browser=b)
    assert "Segment Gamma" in _text(ok)


def test_a_dead_browser_is_a_clear_error_and_leaves_no_process(tmp_path, plotly_js):
    page = _late_chart(tmp_path, plotly_js, 0)
    b = Browser(timeout=30)
    b.start()
    pgid = b.proc.pid
    try:
        os.kill(b.proc.pid, signal.SIGKILL)  # the browser crashes (its helpers are still running)
        b.proc.wait(10)
        with pytest.raises(BrowserError) as e:
            print_pdf(page, tmp_path / "x.pdf", browser=b)
        msg = str(e.value)
        assert "\n" not in msg and "Chromium exited" in msg and str(page) in msg, msg
    finally:
        b.close()
    assert _group_gone(pgid), "a Chromium process outlived its browser"
    assert not (tmp_path / "x.pdf").exists()


def test_the_browser_is_ended_on_ctrl_c(tmp_path):
    with pytest.raises(KeyboardInterrupt), Browser(timeout=30) as b:
        pgid = b.proc.pid
        profile = Path(b._profile)
        raise KeyboardInterrupt
    assert _group_gone(pgid) and not profile.exists()


def test_no_chromium_is_one_line_naming_the_fix(tmp_path):
    with pytest.raises(GovreportError) as e:
        Browser(str(tmp_path / "no-such-chromium")).start()
    assert "\n" not in str(e.value) and "apt-get install chromium" in str(e.value)


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_printed_page_can_fetch_nothing(tmp_path, plotly_js):
    """A server on this machine's loopback: the page asks it (by IP and by name) and an outside name for
    an image, a script and a fetch; not one request arrives, and the page still prints."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    urls = [f"http://127.0.0.1:{port}/ip", f"http://localhost:{port}/name", "http://example.com/out"]
    tags = "".join(f'<img src="{u}.png"><script src="{u}.js"></script>' for u in urls)
    fetches = "".join(f'fetch("{u}/fetch").catch(function () {{}});' for u in urls)
    page = tmp_path / "nosy.html"
    page.write_text(
        f"<!DOCTYPE html><html><body><p>offline page</p>{tags}<script>{fetches}</script></body></html>",
        encoding="utf-8",
    )
    try:
        with Browser(timeout=60) as b:
            pdf = print_pdf(page, tmp_path / "nosy.pdf", browser=b)
            time.sleep(0.5)
    finally:
        server.shutdown()
    assert "offline page" in _text(pdf)
    assert _Counter.hits == []


def test_a_chart_picture_is_drawn_at_its_size(tmp_path, plotly_js):
    page = _late_chart(tmp_path, plotly_js, 300)
    with Browser(timeout=60) as b:
        png = b.screenshot(page, width=640, height=360)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (640, 360)
    assert len(png) > 5000  # axes, bars and labels, not a blank picture


def test_word_charts_are_drawn_one_after_another_in_one_canvas(tmp_path):
    """The Word edition's charts: plotly.js loaded once, each figure replacing the one before, at its size;
    a figure plotly.js cannot draw is an error and the next chart is drawn on a fresh canvas."""
    import plotly.graph_objects as go

    from govreport.publish.docx_writer import chart_png

    bars = go.Figure(go.Bar(x=["a", "b"], y=[1, 9], marker_color="#d1242f"))
    empty = go.Figure(layout={"xaxis": {"visible": False}, "yaxis": {"visible": False}})
    with Browser(timeout=60) as b:
        first = chart_png(bars, tmp_path / "bars.png", width=500, height=300, browser=b)
        second = chart_png(empty, tmp_path / "empty.png", width=400, height=260, browser=b)
        with pytest.raises(BrowserError):
            b.plotly_png('{"data": [], "layout": {"title": ', width=300, height=200)
        third = chart_png(bars, tmp_path / "again.png", width=500, height=300, browser=b)
    assert first and second and third
    head = [p.read_bytes()[16:24] for p in (first, second, third)]
    assert [struct.unpack(">II", h) for h in head] == [(500, 300), (400, 260), (500, 300)]
    # the red bars are on the first and third pictures, not on the empty figure drawn between them
    assert first.stat().st_size > 2 * second.stat().st_size
    assert abs(first.stat().st_size - third.stat().st_size) < 0.05 * first.stat().st_size
