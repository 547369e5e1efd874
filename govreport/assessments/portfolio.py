"""The portfolio templates' computations (``sustainability``, ``review``), in the registry's shape.

Each takes the template's context (``ctx.ws``, ``ctx.period``, ``ctx.output_dir``; see
:func:`govreport.run.context.open_context`), computes what the template shows from the evidence store and
the workspace files, writes its files into ``ctx.output_dir`` (``results.json`` among them) and returns a
:class:`~govreport.assessments.registry.Presented`: the object the template's cells present and its
results. The runner's worker calls them before the kernel starts, exactly as it does a system template's.

Contract: reads the evidence store and the workspace; writes only into ``ctx.output_dir``.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.periods import parse_period
from ..errors import InputError
from ..workspace.config import Workspace
from .registry import Presented

__all__ = ["assess_review", "assess_sustainability", "default_period", "view_of"]


def _read(path: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def assess_sustainability(ctx: Any) -> Presented:
    """The ``sustainability`` template: its report (Art. 4, 13), exported as CSV, JSON and results.json."""
    from .sustainability import build_report

    rep = build_report(ctx.ws.root, ctx.period.label)
    paths = rep.export(ctx.output_dir)
    return Presented(rep, paths, _read(paths["results"]))


def assess_review(ctx: Any) -> Presented:
    """The ``review`` template: the periodic review (Art. 13), exported as review.json and results.json."""
    from .review import build_review, export

    review = build_review(ctx.ws, ctx.period.label)
    paths = export(review, ctx.output_dir, ctx.ws)
    return Presented(review, paths, _read(paths["results"]))


def view_of(template: str, presented: Any, ws: Workspace) -> Any:
    """What a portfolio template's cells present, as plain data the kernel unpickles without pandas,
    pydantic or the evidence store: the sustainability report's
    :class:`~govreport.assessments.sustainability_view.SustainabilityView`; the review as
    ``{"review": review.to_dict(), "links": report_links(review, ws)}``."""
    if hasattr(presented, "view"):  # a sustainability report (of this template or a copy of it)
        return presented.view()
    from .review import report_links

    return {"review": presented.to_dict(), "links": report_links(presented, ws)}


def default_period(ws: Workspace, template: str) -> str:
    """The period a portfolio template opened by hand covers when its ``period`` parameter is None: the
    review's latest period with a system run; the sustainability report's latest quarter in the evidence
    store, else the latest period with declared energy."""
    if template == "review":
        from .review_history import latest_period

        return latest_period(ws)
    from .sustainability import _latest_quarter, collect

    data = collect(ws)
    found = _latest_quarter(data.records) or max((parse_period(x.period) for x in data.lines), default=None)
    if found is None:
        raise InputError(
            "the evidence store holds no runs and the inventory declares no energy",
            field="period",
            fix="set the `period` parameter, or run `govreport run` first",
        )
    return found.label
