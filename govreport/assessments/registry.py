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
from typing import Any

from .genai_review import assess_genai
from .governance import governance_indicators
from .model_risk import Assessment, assess_predictive
from .training import audit_system
from .training import summary as training_summary

__all__ = ["COMPUTATIONS", "assess_data_quality", "computation"]


def assess_data_quality(ctx: Any) -> Assessment:
    """The ``data_quality`` template: every dataset's contract (Great Expectations), the training-data audit
    of a predictive system with a training set (Art. 6, 7, 12; :mod:`govreport.assessments.training`) and
    the governance indicators of the system record (Art. 7, 8)."""
    indicators, section = ctx.data_quality()
    sections: dict[str, Any] = {"data_quality": section}
    notes: list[str] = []
    audit = audit_system(ctx)
    if audit is not None:
        indicators += audit.indicators
        sections.update(audit.sections)
        notes += audit.notes
    return Assessment(indicators + governance_indicators(ctx.system), sections, notes)


def _model_risk(ctx: Any) -> Any:
    result = assess_predictive(ctx)
    audit = audit_system(ctx)  # the same figures as the data_quality report's; shown here as a summary
    if audit is not None:
        result.sections["training_summary"] = training_summary(audit)
    return result


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
