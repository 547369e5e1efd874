"""What each template computes, by template name: the library half of a template.

Every template — system and portfolio alike — gets its results the same way, in its first library cell::

    ctx = open_context(workspace, system_id, period, output_dir, template="<name>")
    results = ctx.results(computation("<name>"), precomputed)

In a ``govreport run`` the runner's long-lived worker calls the same computation *before* the template's
kernel starts — the worker has already imported Great Expectations, scikit-learn and the metrics, once for
many jobs — writes ``results.json`` into the job's folder and passes its path as the template's
``precomputed`` parameter; the kernel then only presents (it never imports Great Expectations). Opened by
hand in JupyterLab (``precomputed = None``), the template computes the same thing itself.

A system template's computation returns an :class:`Computed` (indicators, sections, notes) that the
context saves as ``results.json``; a portfolio template's (``sustainability``, ``review``) returns a
:class:`Presented`: the object its cells present (a sustainability report, a review), the files it wrote
into the output folder (``results.json`` among them) and the results.

:data:`COMPUTATIONS` maps a template name to its computation, imported only when called (the presenting
kernel asks for ``computation("model_risk")`` to pass it along, and must not pay for pandas, scikit-learn or
Great Expectations by doing so). A template not listed there, or one whose parameters cell does not
declare ``precomputed`` (a workspace's own older copy), is simply run as it is.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only
    from ..core.status import Indicator

__all__ = [
    "COMPUTATIONS",
    "Computed",
    "Computation",
    "Presented",
    "assess_data_quality",
    "computation",
    "computation_for",
    "computation_name",
]


class Computed(Protocol):
    """What a system template's computation returns (e.g.
    :class:`govreport.assessments.model_risk.Assessment`)."""

    indicators: list[Indicator]
    sections: dict[str, Any]
    notes: list[str]


@dataclass
class Presented:
    """What a portfolio template's computation returns: ``presented`` is the object the template's cells
    present (:class:`~govreport.assessments.sustainability.SustainabilityReport`,
    :class:`~govreport.assessments.review.Review`); ``paths`` the files written into the output folder;
    ``results`` its ``results.json``."""

    presented: Any
    paths: dict[str, Path] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)


def assess_data_quality(ctx: Any) -> Computed:
    """The ``data_quality`` template: every dataset's contract (Great Expectations), the training-data audit
    of a predictive system with a training set (Art. 6, 7, 12; :mod:`govreport.assessments.training`) and
    the governance indicators of the system record (Art. 7, 8)."""
    # imported on the first call: the presenting kernel imports this registry and must start light
    from .governance import governance_indicators
    from .labels import column_labels
    from .model_risk import Assessment
    from .training import audit_system

    indicators, section = ctx.data_quality()
    # how reports name columns and codes (the contracts' `columns:`, overridden by the inventory)
    sections: dict[str, Any] = {"data_quality": section, "labels": column_labels(ctx.ws, ctx.system)}
    notes: list[str] = []
    audit = audit_system(ctx)
    if audit is not None:
        indicators += audit.indicators
        sections.update(audit.sections)
        notes += audit.notes
    return Assessment(indicators + governance_indicators(ctx.system), sections, notes)


def assess_model_risk(ctx: Any) -> Computed:
    """The ``model_risk`` template: :func:`~govreport.assessments.model_risk.assess_predictive`, with a
    summary of the training-data audit (the same figures as the data_quality report's)."""
    # imported on the first call: the presenting kernel imports this registry and must start light
    from .model_risk import assess_predictive
    from .training import audit_system
    from .training import summary as training_summary

    result = assess_predictive(ctx)
    audit = audit_system(ctx)
    if audit is not None:
        result.sections["training_summary"] = training_summary(audit)
    return result


class Computation:
    """A template's computation, imported from ``target`` (``module:function``) on its first call; one
    instance per template, so ``ctx.results`` can tell the packaged computation from a template's own."""

    def __init__(self, template: str, target: str) -> None:
        self.template = template
        self.target = target

    @functools.cached_property
    def function(self) -> Callable[[Any], Any]:
        module, _, name = self.target.partition(":")
        fn: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
        return fn

    def __call__(self, ctx: Any) -> Any:
        return self.function(ctx)

    def __repr__(self) -> str:
        return f"<computation of {self.template}: {self.target}>"


#: template name → the computation its kernel would otherwise run
COMPUTATIONS: dict[str, Computation] = {
    t: Computation(t, target)
    for t, target in {
        "model_risk": "govreport.assessments.registry:assess_model_risk",
        "data_quality": "govreport.assessments.registry:assess_data_quality",
        "genai_review": "govreport.assessments.genai_review:assess_genai",
        "sustainability": "govreport.assessments.portfolio:assess_sustainability",
        "review": "govreport.assessments.portfolio:assess_review",
    }.items()
}


def computation(template: str) -> Computation | None:
    """The computation of ``template`` (a name or a notebook file name), or None."""
    return COMPUTATIONS.get(template.removesuffix(".ipynb"))


def computation_name(template: str, path: Path | None = None) -> str | None:
    """The name whose computation ``template`` runs: its own, or — for a workspace's copy made by
    ``govreport templates copy`` — that of the packaged template its notebook (``path``) derives from."""
    name = template.removesuffix(".ipynb")
    if name in COMPUTATIONS:
        return name
    from ..workspace.templates import derived_from  # lazy: pydantic models; the presenting kernel has none

    origin = derived_from(path)
    return origin if origin in COMPUTATIONS else None


def computation_for(template: str, path: Path | None = None) -> Computation | None:
    """:func:`computation` of :func:`computation_name`: a copy computes like its origin."""
    name = computation_name(template, path)
    return COMPUTATIONS[name] if name else None
