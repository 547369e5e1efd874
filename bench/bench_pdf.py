"""What printing a site costs (issue 22e): a Chromium per page against one browser for every print.

    python bench/bench_pdf.py --workspace DEMO [--concurrency 1,2] [--limit N] [--no-docx]

``DEMO`` is a demo workspace (``govreport demo --out DEMO``; four quarters: 28 reports, 56 prints). In one
run, on the same pages:

1. ``before``: each page printed as ``publish --pdf`` did before issue 22e, one fresh headless Chromium per
   print (``--print-to-pdf``, a 15 s virtual-time budget, a throw-away profile);
2. ``after``: the same pages through one :class:`govreport.publish.browser.Browser` (DevTools over a pipe),
   ``c`` pages at once for each ``--concurrency`` value;
3. the same check on every pair of PDFs: page count (pdfinfo) and text (pdftotext) equal;
4. the Word edition of every review in both languages: without charts (the document alone), with each chart
   drawn by its own Chromium (before) and by the one browser (after).

Wall and CPU (user + system of this process and every Chromium process, also those the browser did not
reap: its process group is sampled from /proc) for each; the ratios before/after. Prints one line per
measurement and a JSON summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from govreport.publish.browser import CHROMIUM_FLAGS, Browser, find_chromium
from govreport.publish.pdf import print_pdf
from govreport.workspace.config import Workspace

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _GroupSampler:
    """CPU seconds of the Chromium processes (their process groups), sampled from /proc every 0.1 s: the
    renderers and helpers Chromium does not reap itself never reach RUSAGE_CHILDREN, so that undercounts.
    What runs between two samples of a process is lost (at most 0.1 s of each process's life)."""

    def __init__(self) -> None:
        self.seen: dict[int, float] = {}
        self.pgids: set[int] = set()
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for d in Path("/proc").iterdir():
                if not d.name.isdigit():
                    continue
                try:
                    f = (d / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(f[2]) in self.pgids:
                    self.seen[int(d.name)] = (int(f[11]) + int(f[12])) / _TICK

    def __enter__(self) -> _GroupSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()

    @property
    def cpu(self) -> float:
        return sum(self.seen.values())


@contextmanager
def _measure(out: dict[str, float]) -> Iterator[_GroupSampler]:
    """Wall and CPU of the block: this process's own CPU plus every sampled Chromium process's."""
    w0, c0 = time.monotonic(), _cpu_self()
    with _GroupSampler() as sampler:
        yield sampler
        time.sleep(0.15)  # a last sample
    out["wall_s"] = round(time.monotonic() - w0, 2)
    out["cpu_s"] = round(_cpu_self() - c0 + sampler.cpu, 2)


def _old_print(exe: str, page: Path, pdf: Path, fragment: str, sampler: _GroupSampler) -> None:
    """``print_pdf`` as it was before issue 22e: one Chromium for one print (in a process group of its own
    so that ``sampler`` sees its CPU)."""
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        _run_sampled(
            sampler,
            [
                exe,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                url,
            ],
            240,
        )


def _run_sampled(sampler: _GroupSampler, cmd: list[str], timeout: int) -> None:
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    sampler.pgids.add(p.pid)
    try:
        p.wait(timeout)
    finally:
        time.sleep(0.1)  # a last sample
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, signal.SIGKILL)


class _OldCharts:
    """Draws a Word chart as ``chart_png`` did before issue 22e: one Chromium per picture."""

    def __init__(self, exe: str, sampler: _GroupSampler) -> None:
        self.exe, self.sampler = exe, sampler

    def plotly_png(self, figure: str, *, width: int, height: int) -> bytes:
        import plotly.io as pio

        fig = pio.from_json(figure)
        with tempfile.TemporaryDirectory(prefix="bench-chart-") as tmp:
            page = Path(tmp) / "chart.html"
            page.write_text(
                fig.to_html(
                    include_plotlyjs=True,
                    full_html=True,
                    config={"displayModeBar": False, "staticPlot": True},
                ),
                encoding="utf-8",
            )
            return self._screenshot(page, width=width, height=height)

    def _screenshot(self, page: Path, *, width: int, height: int) -> bytes:
        png = page.with_suffix(".png")
        _run_sampled(
            self.sampler,
            [
                self.exe,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={page.parent}/profile",
                "--virtual-time-budget=5000",
                f"--window-size={width},{height}",
                f"--screenshot={png}",
                page.as_uri(),
            ],
            120,
        )
        return png.read_bytes() if png.is_file() else b""


def _pdf_facts(pdf: Path) -> tuple[str, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")), "?")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return pages, text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", required=True, type=Path)
    ap.add_argument("--concurrency", default="1,2")
    ap.add_argument("--limit", type=int, default=0, help="print only the first N reports (0: all)")
    ap.add_argument("--no-docx", action="store_true", help="skip the Word edition")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    args = ap.parse_args(argv)
    from govreport.publish.site import MANIFEST, build_site  # the site of reports to print

    exe = find_chromium()
    ws = Workspace.load(args.workspace)
    work = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    summary: dict[str, object] = {"cores": os.cpu_count()}
    try:
        site = work / "site"
        build_site(ws, site)
        files = json.loads((site / MANIFEST).read_text(encoding="utf-8"))["files"]
        pages = sorted(site / f["path"] for f in files if f["path"].endswith("report.html"))
        if args.limit:
            pages = pages[: args.limit]
        jobs = [(p, lang) for p in pages for lang in ("", "en")]
        name = {
            (p, lang): f"{i:03d}{'-en' if lang else ''}.pdf"
            for i, p in enumerate(pages)
            for lang in ("", "en")
        }
        print(f"{len(pages)} reports, {len(jobs)} prints, {os.cpu_count()} cores", flush=True)

        if args.no_pdf:
            jobs = []
        before: dict[str, float] = {}
        (work / "before").mkdir()
        with _measure(before) as sampler:
            for p, lang in jobs:
                _old_print(exe, p, work / "before" / name[p, lang], lang, sampler)
        print(f"before  one Chromium per print  wall {before['wall_s']:7.1f} s  cpu {before['cpu_s']:7.1f} s")
        summary["before"] = before

        for c in (int(x) for x in args.concurrency.split(",") if jobs):
            after: dict[str, float] = {}
            folder = work / f"after-{c}"
            with _measure(after) as sampler, Browser(exe, timeout=240) as b:
                sampler.pgids.add(b.proc.pid)

                def one(job: tuple[Path, str], b: Browser = b, folder: Path = folder) -> None:
                    print_pdf(job[0], folder / name[job], fragment=job[1], browser=b)

                with ThreadPoolExecutor(c) as pool:
                    list(pool.map(one, jobs))
            after["ratio_wall"] = round(before["wall_s"] / after["wall_s"], 2)
            after["ratio_cpu"] = round(before["cpu_s"] / after["cpu_s"], 2)
            print(
                f"after   one browser, {c} at once  wall {after['wall_s']:7.1f} s"
                f"  cpu {after['cpu_s']:7.1f} s"
                f"  → {after['ratio_wall']}× wall, {after['ratio_cpu']}× CPU",
                flush=True,
            )
            same_pages = same_text = 0
            differ: list[str] = []
            for job in jobs:
                x, y = _pdf_facts(work / "before" / name[job]), _pdf_facts(folder / name[job])
                same_pages += x[0] == y[0]
                same_text += x[1] == y[1]
                if x != y and len(differ) < 5:
                    differ.append(f"{job[0].relative_to(site)}#{job[1]}: pages {x[0]}→{y[0]}")
            after.update(same_page_count=same_pages, same_text=same_text, prints=len(jobs))
            print(
                f"        same page count {same_pages}/{len(jobs)}, same text {same_text}/{len(jobs)}",
                differ,
            )
            summary[f"after_{c}"] = after

        if not args.no_docx:
            summary["docx"] = _bench_docx(ws, work, exe)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(summary, indent=2))
    return 0


def _bench_docx(ws: Workspace, work: Path, exe: str) -> dict[str, object]:
    """Every review's Word edition, both languages: no charts, a Chromium per chart, the one browser."""
    from govreport.evidence.queries import open_store
    from govreport.publish.review_docx import read_review, write_review_docx

    store = open_store(ws, writing=False)
    reviews = [
        read_review(ws, r) for r in store.records() if r.template == "review" and r.status == "succeeded"
    ]
    out: dict[str, object] = {"documents": 2 * len(reviews)}
    for tag in ("no charts", "before", "after"):
        m: dict[str, float] = {}
        with _measure(m) as sampler, contextlib.ExitStack() as stack:
            browser: Any = None
            if tag == "before":
                browser = _OldCharts(exe, sampler)
            elif tag == "after":
                browser = stack.enter_context(Browser(exe, timeout=240))
                sampler.pgids.add(browser.proc.pid)
            for i, r in enumerate(reviews):
                for code in ("zh-TW", "en"):
                    path = work / "docx" / tag / f"{i}-{code}.docx"
                    write_review_docx(r, path, lang=code, charts=tag != "no charts", browser=browser)
        out[tag] = m
        print(f"docx    {tag:<24} wall {m['wall_s']:7.1f} s  cpu {m['cpu_s']:7.1f} s", flush=True)
    b, a = out["before"], out["after"]
    out["ratio_wall"] = round(b["wall_s"] / a["wall_s"], 2)  # type: ignore[index]
    out["ratio_cpu"] = round(b["cpu_s"] / a["cpu_s"], 2)  # type: ignore[index]
    print(f"docx    → {out['ratio_wall']}× wall, {out['ratio_cpu']}× CPU", flush=True)
    return out


if __name__ == "__main__":
    sys.exit(main())
