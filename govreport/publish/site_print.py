"""The site's printed and Word editions (``publish --pdf`` / ``--docx``), with one browser for all of them.

:func:`print_site` opens one headless Chromium (:class:`~govreport.publish.browser.Browser`) for the whole
publish and prints, in the site folder being built: each period's review (with the sign-offs recorded so
far, :func:`~govreport.publish.site_pages._print_copy`) as ``pdf/review-<period>[-en].pdf``, every other
published report as ``pdf/<period>/<system>-<template>[-en].pdf``, and with ``docx`` each review as Word
documents in both languages, their charts drawn by the same browser. Reports are printed
:data:`PRINT_CONCURRENCY` at a time (bench/bench_pdf.py measured it on two cores); the manifest entries
and the list of files written keep the plan's order whatever order the prints finish in. The browser is
closed when printing ends, also on an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.status import PORTFOLIO
from ..errors import GovreportError
from ..evidence.store import RunRecord
from ..workspace.config import Workspace
from .browser import Browser
from .pdf import print_report, print_review
from .review_docx import review_docx_for_run
from .site_pages import _print_copy
from .site_plan import REVIEW, Entry

__all__ = ["print_site", "PRINT_CONCURRENCY"]

#: pages printed at once in the one browser: 2 (on two cores at load 2–4: 2.37× the old wall against 1.28× one
#: at a time; bench/README.md, "Printing")
PRINT_CONCURRENCY = 2

#: each page's time limit in seconds, from opening it to its PDF
PAGE_TIMEOUT = 240


def print_site(
    ws: Workspace,
    plan: Mapping[str, list[Entry]],
    links: Mapping[int, str],
    records: list[RunRecord],
    tmp: Path,
    out: Path,
    *,
    pdf: bool,
    docx: bool,
    chromium: str | None,
    progress: Callable[[str], None],
) -> tuple[dict[str, dict[str, str]], list[Path]]:
    """Print into ``tmp`` (the site being built, later renamed to ``out``); return the manifest's ``pdf``
    entries and the files written (as paths under ``out``). ``chromium`` is required for ``pdf``; for
    ``docx`` alone the charts are drawn when a Chromium is found, else the documents say where they are."""
    pdfs: dict[str, dict[str, str]] = {}
    written: list[Path] = []
    reviews = [
        (p, x.published)
        for p, xs in plan.items()
        for x in xs
        if x.system_id == PORTFOLIO and x.template == REVIEW and x.published is not None
    ]
    with contextlib.ExitStack() as stack:
        browser: Browser | None = None
        if pdf:
            browser = stack.enter_context(Browser(chromium, timeout=PAGE_TIMEOUT))
        elif docx:
            with contextlib.suppress(GovreportError):  # no Chromium: Word documents without pictures
                browser = stack.enter_context(Browser(chromium, timeout=PAGE_TIMEOUT))
        if pdf and browser is not None:
            for i, (period, rec) in enumerate(reviews, 1):
                progress(f"[{i}/{len(reviews)}] printing the {period} review to PDF …")
                copy = _print_copy(tmp / links[rec.seq], records, period, ws.config.timezone)
                try:
                    made = print_review(copy, tmp / "pdf", period, browser=browser)
                finally:
                    copy.unlink(missing_ok=True)
                pdfs[period] = {lang: p.relative_to(tmp).as_posix() for lang, p in made.items()}
                written.extend(out / p.relative_to(tmp) for p in made.values())
            others = [
                (p, x.published)
                for p, xs in plan.items()
                for x in xs
                if x.template != REVIEW and x.published is not None and x.published.seq in links
            ]

            def one(i: int, period: str, rec: RunRecord) -> dict[str, Path]:
                progress(f"[{i}/{len(others)}] printing {rec.system_id}/{rec.template} {period} to PDF …")
                return print_report(
                    tmp / links[rec.seq],
                    tmp / "pdf" / period,
                    f"{rec.system_id.lstrip('_')}-{rec.template}",
                    browser=browser,
                )

            with ThreadPoolExecutor(PRINT_CONCURRENCY, thread_name_prefix="govreport-print") as pool:
                futures = [pool.submit(one, i, p, rec) for i, (p, rec) in enumerate(others, 1)]
                try:
                    for (_, rec), fut in zip(others, futures, strict=True):  # in the plan's order
                        made = fut.result()
                        pdfs[f"#{rec.seq}"] = {
                            f"pdf.{lang}": p.relative_to(tmp).as_posix() for lang, p in made.items()
                        }
                        written.extend(out / p.relative_to(tmp) for p in made.values())
                except BaseException:  # an error or Ctrl-C: the prints still running end with the browser
                    for fut in futures:
                        fut.cancel()
                    browser.close()
                    raise
        if docx:  # the review's editable Word edition, both languages (charts drawn when Chromium is there)
            for i, (period, rec) in enumerate(reviews, 1):
                progress(f"[{i}/{len(reviews)}] writing the {period} review as Word documents …")
                made = {
                    lang: review_docx_for_run(
                        ws,
                        rec,
                        tmp / "docx" / f"review-{period}{suffix}.docx",
                        lang=code,
                        chromium=chromium,
                        browser=browser,
                    )
                    for lang, code, suffix in (("zh", "zh-TW", ""), ("en", "en", "-en"))
                }
                for lang, path in made.items():
                    pdfs.setdefault(period, {})[f"docx.{lang}"] = path.relative_to(tmp).as_posix()
                written.extend(out / p.relative_to(tmp) for p in made.values())
    return pdfs, written
