"""What each system template computes, by template name: the library half of a template.

A system template calls ``ctx.results(<computation>, precomputed)`` in its first library cell. In a
``govreport run`` the runner's long-lived worker calls the same computation *before* the template's kernel
starts — the worker has already imported Great Expectations, scikit-learn and the metrics, once for many
systems — writes ``results.json`` into the job's folder and passes its path as the template's
``precomputed`` parameter; the kernel then only presents (it never imports Great Expectations).
Opened by hand in JupyterLab (``precomputed = None``), the template computes the same thing itself.

:data:`COMPUTATIONS` maps a template name to its computation; a template not listed there, or one whose
parameters cell does not declare ``precomputed`` (a workspace's own older copy), is simply run as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..workspace.templates import derived_from
from .genai_review import assess_genai
from .governance import governance_indicators
from .model_risk import Assessment, assess_predictive

__all__ = ["COMPUTATIONS", "assess_data_quality", "computation", "computation_for", "computation_name"]


def assess_data_quality(ctx: Any) -> Assessment:
    """The ``data_quality`` template: every dataset's contract (Great Expectations) and the governance
    indicators of the system record (Art. 7, 8)."""
    indicators, section = ctx.data_quality()
    return Assessment(indicators + governance_indicators(ctx.system), {"data_quality": section})


def _model_risk(ctx: Any) -> Any:
    return assess_predictive(ctx)


def _genai_review(ctx: Any) -> Any:
    return assess_genai(ctx)


#: template name → the computation its kernel would otherwise run (``ctx`` → an object with
#: ``indicators``, ``sections`` and ``notes``).
COMPUTATIONS: dict[str, Callable[[Any], Any]] = {
    "model_risk": _model_risk,
    "data_quality": assess_data_quality,
    "genai_review": _genai_review,
}


def computation(template: str) -> Callable[[Any], Any] | None:
    """The computation of ``template`` (a name or a notebook file name), or None."""
    return COMPUTATIONS.get(template.removesuffix(".ipynb"))


def computation_name(template: str, path: Path | None = None) -> str | None:
    """The name whose computation ``template`` runs: its own, or — for a workspace's copy made by
    ``govreport templates copy`` — that of the packaged template its notebook (``path``) derives from."""
    name = template.removesuffix(".ipynb")
    if name in COMPUTATIONS:
        return name
    origin = derived_from(path)
    return origin if origin in COMPUTATIONS else None


def computation_for(template: str, path: Path | None = None) -> Callable[[Any], Any] | None:
    """:func:`computation` of :func:`computation_name`: a copy computes like its origin."""
    name = computation_name(template, path)
    return COMPUTATIONS[name] if name else None
