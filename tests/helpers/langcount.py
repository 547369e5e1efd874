"""Count the other language in a report's printed view (issue 17's one-language-at-a-time check).

The page is printed to PDF in headless Chromium with the network blocked (tests.helpers.browser) and its
text taken with poppler's ``pdftotext``: what a reader of the printed page sees, hidden language spans
excluded. In the Chinese view it counts lower-case English words of four letters or more; in the English view,
Chinese characters. Acronyms (AUC, PSI, …) and units are upper- or mixed-case and not counted; proper names
(the bank's and systems' names, the package's name) and text an element marks with a ``lang`` of its own
(quoted customer or assistant text, knowledge-base passages) are allowed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from tests.conftest import skip_or_fail
from tests.helpers.browser import _run

WORD = re.compile(r"(?<![A-Za-z0-9_./@#-])[a-z]{4,}(?![A-Za-z0-9_/@])")  # not inside hashes or paths
HAN = re.compile(r"[\u3400-\u9fff]")
ALLOWED = {"govreport", "plotly", "codecarbon", "sklearn", "pandas", "https", "http", "html", "json"}


def printed_text(page: Path, lang: str = "zh-TW") -> str:
    """The text of ``page`` printed to PDF in ``lang`` (``en``: the page opened with ``#en``)."""
    if not shutil.which("pdftotext"):
        skip_or_fail("poppler's pdftotext is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "p.pdf"
        url = page.resolve().as_uri() + ("#en" if lang == "en" else "")
        _run(["--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}", url])
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True)
        return out.stdout


def marked_words(html: str, lang: str) -> set[str]:
    """Words inside elements that carry a ``lang`` other than the view's (quoted text keeps its language)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    out: set[str] = set()
    for el in soup.select("[lang]"):
        cls = " ".join(el.get("class") or [])
        if el.name == "html" or "gr-l-" in cls or cls == "gr-en":
            continue  # the page's own language spans, not quoted text
        if not str(el["lang"]).startswith(lang[:2]):
            out.update(WORD.findall(el.get_text(" ")) if lang == "zh-TW" else HAN.findall(el.get_text(" ")))
    return out


def english_words(text: str, allowed: set[str] = frozenset()) -> Counter[str]:
    """Lower-case English words of four letters or more, less the allowed ones."""
    skip = {w.lower() for w in allowed} | ALLOWED
    return Counter(w for w in WORD.findall(text) if w not in skip)


def chinese_chars(text: str, allowed: str = "") -> Counter[str]:
    """Chinese characters, less those of the allowed names."""
    return Counter(c for c in HAN.findall(text) if c not in set(allowed))


def message_prefixes() -> set[str]:
    """The first part of every message catalogue key (``review``, ``val``, ``site``, …)."""
    from govreport.present.i18n import MESSAGES

    return {k.split(".", 1)[0] for k in MESSAGES}


def leaked_keys(text: str) -> list[str]:
    """Catalogue keys (``review.col.value``) and unfilled ``{placeholders}`` printed on a page: a message
    that was looked up wrongly or formatted without its parameters."""
    from govreport.present.i18n import MESSAGES

    prefixes = "|".join(sorted(message_prefixes(), key=len, reverse=True))
    key = re.compile(rf"(?<![\w./-])(?:{prefixes})\.[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*(?![\w/-])")
    found = [k for k in key.findall(text) if k in MESSAGES or k.count(".") >= 2]
    return found + re.findall(r"\{[a-z_][a-z0-9_]*\}", text)
