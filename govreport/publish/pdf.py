"""Print reports to PDF (A4) with headless Chromium — Debian's ``chromium`` package, no Python dependency.

The reports are self-contained HTML whose charts are drawn by Plotly's embedded JavaScript, so the page is
opened in a real browser with a virtual-time budget (the scripts run and the charts are drawn before the
page is printed). The page size comes from the house style sheet (``@page { size: A4 }``, see
``govreport/report.css``); headers and footers with the file path are turned off. The browser gets a
throw-away profile and no network: a proxy that points nowhere and no host resolution, so a report can
never fetch anything while it is printed.

Every report is printed twice: Traditional Chinese (the default) and English (the ``#en`` switch).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import GovreportError

__all__ = ["find_chromium", "print_pdf", "print_report", "print_review", "CHROMIUM_FLAGS"]

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    "--lang=zh-TW",
)


def find_chromium() -> str:
    """The Chromium executable, or a one-line error naming the fix."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        exe = shutil.which(name)
        if exe:
            return exe
    raise GovreportError(
        "--pdf needs headless Chromium, and no `chromium` is on the PATH",
        field="--pdf",
        fix="install it (`apt-get install chromium` on Debian/Ubuntu, plus "
        "fonts-noto-cjk for the Chinese text) or publish without --pdf",
    )


def print_pdf(
    page: Path,
    pdf: Path,
    *,
    fragment: str = "",
    chromium: str | None = None,
    budget_ms: int = 15000,
    timeout: int = 240,
) -> Path:
    """Print ``page`` (a local HTML file; ``fragment`` such as ``en`` is appended as ``#en``) to ``pdf``."""
    exe = chromium or find_chromium()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    part = pdf.with_name(f".{pdf.name}.part")
    part.unlink(missing_ok=True)
    url = page.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    with tempfile.TemporaryDirectory(prefix="govreport-chromium-") as profile:
        try:
            r = subprocess.run(
                [
                    exe,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={profile}",
                    f"--virtual-time-budget={budget_ms}",
                    "--no-pdf-header-footer",
                    f"--print-to-pdf={part}",
                    url,
                ],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            part.unlink(missing_ok=True)
            raise GovreportError(
                f"Chromium did not finish printing {page} within {timeout} s",
                file=page,
                fix="check that the machine is not overloaded, then publish again",
            ) from None
    if not part.is_file() or part.stat().st_size == 0 or part.read_bytes()[:5] != b"%PDF-":
        tail = " ".join((r.stderr or "").strip().splitlines()[-2:])[:300]
        part.unlink(missing_ok=True)
        raise GovreportError(
            f"Chromium could not print {page} to PDF (exit code {r.returncode}): {tail}",
            file=page,
            fix="run `chromium --headless --print-to-pdf=x.pdf <report>` by hand to "
            "see why; publish without --pdf meanwhile",
        )
    part.replace(pdf)
    return pdf


def print_report(page: Path, folder: Path, stem: str, *, chromium: str | None = None) -> dict[str, Path]:
    """The report ``page`` as ``<stem>.pdf`` (Chinese) and ``<stem>-en.pdf`` (English), in ``folder``."""
    return {
        "zh": print_pdf(page, folder / f"{stem}.pdf", chromium=chromium),
        "en": print_pdf(page, folder / f"{stem}-en.pdf", fragment="en", chromium=chromium),
    }


def print_review(page: Path, folder: Path, period: str, *, chromium: str | None = None) -> dict[str, Path]:
    """The review ``page`` as ``review-<period>.pdf`` (Chinese) and ``review-<period>-en.pdf`` (English)."""
    return print_report(page, folder, f"review-{period}", chromium=chromium)
