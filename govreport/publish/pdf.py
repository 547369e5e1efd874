"""Print reports to PDF (A4) with headless Chromium — Debian's ``chromium`` package, no Python dependency.

The reports are self-contained HTML whose charts are drawn by Plotly's embedded JavaScript, so each page is
opened in a real browser (:class:`~govreport.publish.browser.Browser`, one per publish, driven over the
DevTools protocol through a pipe) and printed once it has loaded and every chart is drawn. The page size
comes from the house style sheet (``@page { size: A4 }``, see ``govreport/report.css``); no header or
footer. The browser gets a throw-away profile and no network: a proxy that points nowhere and no host
resolution, so a report can never fetch anything while it is printed.

Every report is printed twice: Traditional Chinese (the default) and English (the ``#en`` switch). Pass
``browser=`` to print many pages with one browser; without it each call starts (and ends) its own.
A PDF is written whole or not at all (a ``.part`` file renamed into place).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .browser import CHROMIUM_FLAGS, Browser, BrowserError, find_chromium

__all__ = ["find_chromium", "print_pdf", "print_report", "print_review", "CHROMIUM_FLAGS", "Browser"]


@contextlib.contextmanager
def _browser(browser: Browser | None, chromium: str | None, timeout: float) -> Iterator[Browser]:
    if browser is not None:
        yield browser
    else:
        with Browser(chromium, timeout=timeout) as b:
            yield b


def print_pdf(
    page: Path,
    pdf: Path,
    *,
    fragment: str = "",
    chromium: str | None = None,
    budget_ms: int = 15000,
    timeout: int = 240,
    browser: Browser | None = None,
) -> Path:
    """Print ``page`` (a local HTML file; ``fragment`` such as ``en`` is appended as ``#en``) to ``pdf``.

    ``browser``: the running :class:`Browser` to print with (its own time limit applies); else one is
    started for this page with ``timeout`` seconds. ``budget_ms`` is kept for callers of the one-shot
    ``--virtual-time-budget`` print it replaced: the page is now awaited until its charts are drawn."""
    del budget_ms
    pdf.parent.mkdir(parents=True, exist_ok=True)
    part = pdf.with_name(f".{pdf.name}.part")
    part.unlink(missing_ok=True)
    with _browser(browser, chromium, timeout) as b:
        data = b.pdf(page, fragment=fragment)
    if data[:5] != b"%PDF-":
        raise BrowserError(
            f"Chromium could not print {page} to PDF (it returned no PDF)",
            file=page,
            fix="run `chromium --headless --print-to-pdf=x.pdf <report>` by hand to "
            "see why; publish without --pdf meanwhile",
        )
    try:
        part.write_bytes(data)
        part.replace(pdf)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return pdf


def print_report(
    page: Path, folder: Path, stem: str, *, chromium: str | None = None, browser: Browser | None = None
) -> dict[str, Path]:
    """The report ``page`` as ``<stem>.pdf`` (Chinese) and ``<stem>-en.pdf`` (English), in ``folder``."""
    with _browser(browser, chromium, 240) as b:
        return {
            "zh": print_pdf(page, folder / f"{stem}.pdf", browser=b),
            "en": print_pdf(page, folder / f"{stem}-en.pdf", fragment="en", browser=b),
        }


def print_review(
    page: Path, folder: Path, period: str, *, chromium: str | None = None, browser: Browser | None = None
) -> dict[str, Path]:
    """The review ``page`` as ``review-<period>.pdf`` (Chinese) and ``review-<period>-en.pdf`` (English)."""
    return print_report(page, folder, f"review-{period}", chromium=chromium, browser=browser)
