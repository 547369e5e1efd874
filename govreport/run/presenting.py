"""The context of a kernel that only presents: results the runner's worker computed, read from files.

In a ``govreport run`` the worker has loaded and validated the workspace, computed the template's results
and written them into the job's folder — ``results.json`` and, beside it,
:data:`~govreport.run.context.PRESENTED_FILE` with what the cells present besides (a system's history and
previous results, a portfolio template's report) and the name of the computation it ran. A template's
first cell passes ``precomputed`` to :func:`~govreport.run.context.open_context`, which then returns a
:class:`PresentingContext`: it reads those two files and nothing else — no workspace, no inventory, no
evidence store, and so no pydantic and no YAML in the kernel (about 0.7 s of CPU per job).

Contract: presents what the worker wrote; never recomputes. Whenever the files do not fit — the template
passes a computation other than the one the worker ran (a bank's own), the worker left no file, or the
cells ask for something only the workspace has (``ctx.ws``, ``ctx.load``, …) — it opens the full context
(:class:`~govreport.run.context.TemplateContext` / ``PortfolioContext``) and behaves exactly as that does.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.history import History
from ..core.periods import Period, parse_period
from ..core.status import PORTFOLIO_TEMPLATES
from ..errors import InputError

#: the full context (``TemplateContext`` / ``PortfolioContext`` of govreport.run.context, which imports this
#: module: named here by kind only)
FullContext = Any

__all__ = ["PRESENTED_FILE", "PresentingContext", "read_precomputed"]

#: the file beside a job's precomputed results.json holding what its template presents besides the results
#: — a system's history and previous results, a portfolio template's report — written by the runner's worker
#: just before the kernel starts and removed once the notebook has run
PRESENTED_FILE = ".presented.pickle"

#: what the worker keeps for a system template's kernel besides the results (TemplateContext.keep_presented)
SYSTEM_KEPT = ("history", "previous")

#: the key of :data:`~govreport.run.context.PRESENTED_FILE` naming the computation the worker ran
COMPUTATION_KEY = "computation"


def read_precomputed(path: Path, identity: tuple[str, str, str]) -> dict[str, Any]:
    """The precomputed results.json at ``path``, checked to be this job's (system id, period, template)."""
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(
            f"cannot read the precomputed results ({type(e).__name__})",
            file=path,
            field="precomputed",
            fix="leave `precomputed` as None to compute here",
        ) from None
    got = ((data.get("system") or {}).get("id"), data.get("period"), data.get("template"))
    if got != identity:
        raise InputError(
            f"the precomputed results are for {'/'.join(map(str, got))}, not {'/'.join(identity)}",
            file=path,
            field="precomputed",
            fix="leave `precomputed` as None to compute here",
        )
    return data


class PresentingContext:
    """What a template's cells use of its context, from the worker's files (see the module docstring).

    ``results``, ``history``, ``previous_results`` and, for a portfolio template, ``presented`` and
    ``paths`` come from the files; every other attribute opens the full context and is its."""

    def __init__(
        self,
        workspace: str | Path,
        system_id: str | None,
        period: Period,
        output_dir: Path,
        template: str,
        kept: dict[str, Any],
        opener: Callable[..., FullContext],
    ) -> None:
        self.period = period
        self.output_dir = output_dir
        self.template = template
        self._workspace = workspace
        self._system_id = system_id
        self._kept = kept
        self._full: FullContext | None = None
        self._open = opener  # open_context (govreport.run.context), without ``precomputed``

    @property
    def portfolio(self) -> bool:
        return self.template in PORTFOLIO_TEMPLATES

    def _identity(self) -> tuple[str, str, str]:
        return ("portfolio" if self.portfolio else str(self._system_id)), self.period.label, self.template

    def full(self) -> FullContext:
        """The full context (the workspace loaded and validated), opened on first use."""
        if self._full is None:
            self._full = self._open(
                self._workspace, self._system_id, self.period.label, self.output_dir, self.template
            )
            if not self.portfolio:
                self._full._kept = {k: v for k, v in self._kept.items() if k in SYSTEM_KEPT}
            elif "presented" in self._kept:
                self._full.presented, self._full.paths = self.presented, self.paths
                self._full._view = self._kept.get("view")
        return self._full

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.full(), name)

    def results(self, compute: Callable[[Any], Any], precomputed: str | Path | None = None) -> dict[str, Any]:
        """The worker's results.json when ``compute`` is the computation it ran; else as the full context."""
        from ..assessments.registry import computation  # lazy and light: names only

        name = self._kept.get(COMPUTATION_KEY)
        if precomputed is None or name is None or compute is not computation(name):
            self._kept = {}  # computed here: the worker's history and report are not this computation's
            if self._full is not None and not self.portfolio:
                self._full._kept = {}
            return self.full().results(compute, None)
        return read_precomputed(Path(precomputed), self._identity())

    def history(self) -> History:
        """As :meth:`TemplateContext.history`, from the worker's rows."""
        if "history" not in self._kept:
            return self.full().history()  # type: ignore[union-attr]
        return History.from_rows(self._kept["history"])

    def previous_results(self) -> dict[str, Any] | None:
        """As :meth:`TemplateContext.previous_results`, from the worker's file."""
        if "previous" not in self._kept:
            return self.full().previous_results()  # type: ignore[union-attr]
        previous: dict[str, Any] | None = self._kept["previous"]
        return previous

    @property
    def presented(self) -> Any:
        """A portfolio template's report, as the worker left it (unpickling it imports its module: pandas
        for the sustainability report; the packaged templates present :attr:`view` instead)."""
        if "presented" not in self._kept:
            return self.full().presented
        if isinstance(self._kept["presented"], bytes):
            # written by this job's worker a moment ago (keep_presented): as _load_kept
            self._kept["presented"] = pickle.loads(self._kept["presented"])  # noqa: S301
        return self._kept["presented"]

    @property
    def view(self) -> Any:
        """What a portfolio template's cells present, as plain data (see ``PortfolioContext.view``)."""
        return self._kept["view"] if "view" in self._kept else self.full().view  # type: ignore[union-attr]

    @property
    def paths(self) -> dict[str, Path]:
        """The files a portfolio template's computation wrote into ``output_dir``."""
        paths: dict[str, Path] = self._kept["paths"] if "paths" in self._kept else self.full().paths
        return paths


def open_presenting(
    workspace: str | Path,
    system_id: str | None,
    period: str,
    output_dir: str | Path,
    template: str,
    precomputed: str | Path,
    opener: Callable[..., FullContext],
) -> PresentingContext | None:
    """A :class:`PresentingContext` over the worker's files beside ``precomputed``; None when the worker
    left none for this template (then the caller opens the full context with ``opener``)."""
    kept = _load_kept(Path(precomputed).with_name(PRESENTED_FILE), required=False)
    if not isinstance(kept, dict) or kept.get("template") != template or COMPUTATION_KEY not in kept:
        return None
    return PresentingContext(
        workspace, system_id, parse_period(period), Path(output_dir), template, kept, opener
    )


def _load_kept(path: Path, *, required: bool) -> Any:
    """What the worker left for the kernel (:data:`PRESENTED_FILE`); None when absent and not required."""
    if not required and not path.is_file():
        return None
    try:
        # written by this job's worker into the job's private folder a moment ago (keep_presented):
        # the same trust as the template and the workspace this kernel already runs
        with path.open("rb") as f:
            return pickle.load(f)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError, ValueError) as e:
        raise InputError(
            f"cannot read what the runner precomputed ({type(e).__name__})",
            file=path,
            field="precomputed",
            fix="leave `precomputed` as None to compute here",
        ) from None
