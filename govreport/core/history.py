"""A template's history: earlier periods' indicator values as plain rows, pandas only when asked for.

``ctx.history()`` gives a :class:`History`: a list of rows ``{"period", "indicator", "value", "status"}``,
one per indicator and earlier period, oldest first. ``len(history)``, iterating over the rows and
:func:`govreport.present.figures.trend` need nothing more, so the kernel that presents precomputed results
never imports pandas (issue 22). A template that treats it as the pandas ``DataFrame`` it used to be
(``history["indicator"]``, ``history.query(…)``, ``history.empty``) still works: any such use builds the
frame once (:meth:`History.frame`), importing pandas then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HISTORY_COLUMNS", "History"]

HISTORY_COLUMNS = ("period", "indicator", "value", "status")


class History(list):  # type: ignore[type-arg]
    """Rows of earlier periods' indicator values (dicts with :data:`HISTORY_COLUMNS`)."""

    _frame: pd.DataFrame | None = None

    @classmethod
    def from_rows(cls, rows: Any) -> History:
        """The rows the evidence store gave (each with its period's ``start``), oldest first, then by
        indicator, reduced to :data:`HISTORY_COLUMNS`."""
        ordered = sorted(rows, key=lambda r: (r["start"], r["indicator"]))
        return cls({k: r[k] for k in HISTORY_COLUMNS} for r in ordered)

    def frame(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame with columns period, indicator, value, status."""
        if self._frame is None:
            import pandas as pd  # lazy: only a template that asks for pandas pays for it

            self._frame = pd.DataFrame(list(self), columns=list(HISTORY_COLUMNS))
        return self._frame

    def __getattr__(self, name: str) -> Any:  # DataFrame attributes: the template was written for pandas
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.frame(), name)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, (int, slice)):
            return super().__getitem__(key)
        return self.frame()[key]
