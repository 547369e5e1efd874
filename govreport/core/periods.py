"""Reporting periods: a quarter (``2026Q3``), a month (``2026-07``) or a year (``2026``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from ..errors import PeriodError

__all__ = ["Period", "parse_period", "add_months"]

# matched with fullmatch and ASCII digits only: '2026Q3 ', '2026Q3\\n' and full-width '２０２６Q3' are refused
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
_YEAR = re.compile(r"([0-9]{4})", re.ASCII)

_FIX = "write a quarter like 2026Q3, a month like 2026-07, or a year like 2026"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period. Ordered by start date, then by length."""

    start: date
    kind: Literal["quarter", "month", "year"]
    label: str

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        y, m = self.start.year, self.start.month
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        m += months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        return date(y, m, 1) - timedelta(days=1)

    @property
    def year(self) -> int:
        return self.start.year

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return parse_period(_shift(self, -1))

    def next(self) -> Period:
        return parse_period(_shift(self, +1))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def _shift(p: Period, n: int) -> str:
    y, m = p.start.year, p.start.month
    if p.kind == "year":
        return f"{y + n}"
    if p.kind == "quarter":
        q = (m - 1) // 3 + n
        return f"{y + q // 4}Q{q % 4 + 1}"
    k = m - 1 + n
    return f"{y + k // 12}-{k % 12 + 1:02d}"


def parse_period(text: str | Period) -> Period:
    """Parse ``YYYYQn``, ``YYYY-MM`` or ``YYYY`` exactly (no surrounding spaces: a period is also a folder
    name and an evidence key); anything else raises :class:`PeriodError`."""
    if isinstance(text, Period):
        return text
    s = str(text)
    if s != s.strip():
        raise PeriodError(f"{text!r} has spaces or line breaks around it", field="period", fix=_FIX)
    if _YEAR.fullmatch(s[:4]) and not 1900 <= int(s[:4]) <= 2999:
        raise PeriodError(f"'{text}' has an implausible year", field="period", fix=_FIX)
    if m := _QUARTER.fullmatch(s.upper()):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(date(y, 3 * (q - 1) + 1, 1), "quarter", f"{y}Q{q}")
    if m := _MONTH.fullmatch(s):
        return Period(date(int(m.group(1)), int(m.group(2)), 1), "month", s)
    if m := _YEAR.fullmatch(s):
        return Period(date(int(s), 1, 1), "year", s)
    raise PeriodError(f"'{text}' is not a period", field="period", fix=_FIX)


def add_months(d: date, months: int) -> date:
    """``d`` plus whole months (negative: minus); the last day of a month maps to the last day of the target
    month, and a day past the target month's end to that end (31 Jan + 1 month = 28/29 Feb)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    month_end = d.day == calendar.monthrange(d.year, d.month)[1]
    return date(year, month, last if month_end else min(d.day, last))
