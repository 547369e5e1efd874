"""Spreadsheet-safe exports (issue 19): a CSV cell that Excel, LibreOffice or Google Sheets would read as a
formula is neutralised before it is written.

Following OWASP's "CSV Injection" guidance, a text cell whose first character (after any leading spaces) is
``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed is prefixed with a single quote, so a
system named ``=HYPERLINK("http://evil", "click")`` shows as that text instead of a live link. Numbers stay
numbers: ints, floats and text that is a plain decimal number (``-3.5``, ``+2``, ``1e-3``) are written as
they are. Every CSV govreport writes goes through :func:`write_csv`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["spreadsheet_cell", "write_csv", "FORMULA_TRIGGERS"]

#: first characters a spreadsheet reads as the start of a formula (or that hide one on the next line)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet will evaluate: None → ``""``, numbers unchanged, text that
    would start a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    s = str(value)
    if _NUMBER.fullmatch(s.strip()):
        return s
    if s.lstrip(" ").startswith(FORMULA_TRIGGERS) or s.startswith(FORMULA_TRIGGERS):
        return "'" + s
    return s


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], *, bom: bool = True
) -> Path:
    """Write ``rows`` (only ``columns``, in that order) to ``path`` as UTF-8 CSV (with a BOM so Excel reads
    it as UTF-8), every cell through :func:`spreadsheet_cell`."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([spreadsheet_cell(c) for c in columns])
    for r in rows:
        w.writerow([spreadsheet_cell(r.get(c)) for c in columns])
    path.write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")
    return path
