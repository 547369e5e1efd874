"""The sustainability report as plain data: what its template presents, without pandas.

:meth:`SustainabilityReport.view() <govreport.assessments.sustainability.SustainabilityReport.view>` makes
one in the runner's worker (pandas is imported there anyway); the worker hands it to the kernel, whose
cells (:mod:`govreport.present.sustainability`) format it — the kernel imports neither pandas nor numpy
(issue 22). Every number is a Python ``int``/``float``/``str``: the same values the report's DataFrames
held, summed and ordered as the report's figures always were.

Contract: plain data only; this module imports nothing heavy, so unpickling a view imports only it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SustainabilityView", "plain"]


@dataclass
class SustainabilityView:
    """A :class:`~govreport.assessments.sustainability.SustainabilityReport`, presented."""

    period: str
    quarters: list[str]
    generated_at: str
    ws_name: tuple[str, str]
    timezone: str | None
    #: system id → ``name_zh``, ``name_en``, ``in_inventory``
    systems: dict[str, dict[str, Any]]
    status: str
    rows: list[dict[str, Any]]
    factors: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    host_pue: float
    host_pue_source: str
    intensity_target: float | None
    methods: list[dict[str, Any]]
    cross_check: dict[str, Any]
    notes: list[str]
    #: the period's declared and estimated energy lines: system_id, period, activity, source, kwh, pue,
    #: kgco2e, basis
    declared: list[dict[str, Any]] = field(default_factory=list)
    #: (system id, kgCO2e per quarter of ``quarters``), systems sorted
    emissions_by_system: list[tuple[str, list[float]]] = field(default_factory=list)
    #: quarter → the grid factors' years its emissions used
    factor_years: dict[str, list[int]] = field(default_factory=dict)
    #: (source, kWh per quarter), measured, declared, estimated; sources with no energy left out
    energy_by_source: list[tuple[str, list[float]]] = field(default_factory=list)
    #: (scope, quarters, gCO2e per 1,000), the portfolio first
    intensity: list[tuple[str, list[str], list[float]]] = field(default_factory=list)
    #: (system id, indicator, quarters, approval rates, the band's latest label)
    inclusion: list[tuple[str, str, list[str], list[Any], str]] = field(default_factory=list)


def plain(obj: Any) -> Any:
    """``obj`` with NumPy scalars as Python numbers, through dicts, lists and tuples (a view must unpickle
    without NumPy)."""
    if isinstance(obj, dict):
        return {plain(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(plain(v) for v in obj)
    if type(obj).__module__ == "numpy" and hasattr(obj, "item"):
        return obj.item()
    return obj
