"""Declared energy (Art. 4): the ``energy:`` block of ``systems/<id>.yaml`` — the PUE of the system's
infrastructure and figures for work outside govreport (training, batch scoring, serving, vendor-reported
figures, token counts with a documented per-token estimate), each with its source, period and unit.

Contract: validation only (one-line messages naming the field); the measurement of govreport's own runs is
:mod:`govreport.run.energy`, the emissions arithmetic :mod:`govreport.assessments.sustainability`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ..core.model import Strict
from ..core.periods import Period, parse_period
from ..errors import InputError

__all__ = ["DEFAULT_PUE", "UNITS", "to_kwh", "check_pue", "Energy", "EnergyFigure", "Volume", "NonNegative"]

#: PUE assumed when a system or the workspace states none: the industry-average annual PUE of the
#: Uptime Institute Global Data Center Survey 2024 (1.56). Documented in docs/sustainability.md.
DEFAULT_PUE = 1.56

#: Accepted energy units and their size in kWh.
UNITS: dict[str, float] = {"Wh": 0.001, "kWh": 1.0, "MWh": 1000.0}


def check_pue(v: float | None) -> float | None:
    """A PUE as declared: at least 1.0 (total facility energy ÷ IT energy), or none."""
    if v is not None and v < 1.0:
        raise ValueError(f"PUE must be at least 1.0 (got {v:g}): it is total facility energy ÷ IT energy")
    return v


def number(v: Any) -> Any:
    """Numbers only: refuse booleans and text such as '1,200' with a message naming what was given."""
    if v is None:
        return v
    if isinstance(v, bool):
        raise ValueError(f"must be a number, not {str(v).lower()}")
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            raise ValueError(f"must be a number, not '{v}'") from None
    if not isinstance(v, (int, float)):
        raise ValueError(f"must be a number, not {type(v).__name__}")
    if not math.isfinite(float(v)):
        raise ValueError("must be a finite number")
    if v < 0:
        raise ValueError(f"must not be negative (got {v:g})")
    return v


NonNegative = Annotated[float, BeforeValidator(number)]
Count = Annotated[int, BeforeValidator(number)]


def check_period(v: Any) -> str:
    try:
        return parse_period(str(v)).label
    except InputError:
        raise ValueError(
            f"'{v}' is not a period; write a quarter like 2026Q3, a month like 2026-07 or a year like 2026"
        ) from None


def to_kwh(value: float, unit: str) -> float:
    """``value`` in ``unit`` (Wh, kWh or MWh) as kWh."""
    if unit not in UNITS:
        raise InputError(f"unit '{unit}' is not accepted", field="unit", fix="use Wh, kWh or MWh")
    return float(value) * UNITS[unit]


ACTIVITIES = ("training", "batch_scoring", "serving", "vendor_reported", "tokens", "other")


class EnergyFigure(Strict):
    """One figure of energy used by the system outside govreport, for one period.

    Give exactly one of: ``value`` with ``unit`` (Wh, kWh or MWh); ``tokens`` with ``wh_per_1k_tokens``
    (a per-token estimate; ``basis`` must say where it comes from); or ``hours`` with
    ``average_power_w`` (e.g. serving hours × the server's average draw). The last two are estimates.
    """

    activity: Literal[ACTIVITIES] = Field(  # type: ignore[valid-type]
        ..., description="training, batch_scoring, serving, vendor_reported, tokens or other"
    )
    period: str = Field(..., description="the period the energy was used in: 2026Q3, 2026-07 or 2026")
    source: Literal["measured", "declared", "estimated"] | None = Field(
        None,
        description="measured (a meter or the vendor's measurement), declared (stated without "
        "measurement detail) or estimated; tokens and hours × power are always estimated",
    )
    value: NonNegative | None = Field(None, description="energy, in `unit`")
    unit: str | None = Field(None, description="Wh, kWh or MWh")
    tokens: Count | None = Field(None, description="tokens processed (third-party generative systems)")
    wh_per_1k_tokens: NonNegative | None = Field(
        None, description="documented energy estimate per 1,000 tokens"
    )
    hours: NonNegative | None = Field(None, description="hours of work, e.g. serving hours")
    average_power_w: NonNegative | None = Field(None, description="average power draw during `hours`, in W")
    operated_by: Literal["own", "third_party"] | None = Field(
        None,
        description="whose infrastructure did the work: own (GRI 302-1, 305-2) or third_party "
        "(GRI 302-2, 305-3); default third_party for vendor_reported and tokens, else own",
    )
    includes_pue: bool = Field(
        False,
        description="true when the figure already includes the data centre "
        "overhead (then PUE is not applied again)",
    )
    basis: str = Field("", description="where the figure comes from: meter, invoice, vendor report, paper")

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        return check_period(v)

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, v: Any) -> Any:
        if v is None:
            return v
        if not isinstance(v, str) or v.strip() not in UNITS:
            raise ValueError(f"unit '{v}' is not accepted; use Wh, kWh or MWh")
        return v.strip()

    @model_validator(mode="after")
    def _one_way(self) -> EnergyFigure:
        direct = self.value is not None or self.unit is not None
        tokens = self.tokens is not None or self.wh_per_1k_tokens is not None
        power = self.average_power_w is not None
        if sum((direct, tokens, power)) != 1:
            raise ValueError(
                "give exactly one of: value with unit; tokens with wh_per_1k_tokens; "
                "hours with average_power_w"
            )
        if direct:
            if self.value is None:
                raise ValueError(f"`value` is missing for unit {self.unit}")
            if self.unit is None:
                raise ValueError(f"`unit` is missing for value {self.value:g}: give Wh, kWh or MWh")
        if tokens:
            if self.tokens is None or self.wh_per_1k_tokens is None:
                raise ValueError("a token estimate needs both `tokens` and `wh_per_1k_tokens`")
            if not self.basis.strip():
                raise ValueError("`basis` is missing: say where wh_per_1k_tokens comes from")
        if power and self.hours is None:
            raise ValueError("`hours` is missing for average_power_w")
        if (tokens or power) and self.source not in (None, "estimated"):
            raise ValueError(
                f"source must be 'estimated' for a figure computed from "
                f"{'tokens' if tokens else 'hours × power'}, not '{self.source}'"
            )
        if direct and self.source is None:
            raise ValueError("`source` is missing: measured, declared or estimated")
        return self

    # -- derived ------------------------------------------------------------------------------------
    @property
    def kwh(self) -> float:
        if self.value is not None and self.unit is not None:
            return to_kwh(self.value, self.unit)
        if self.tokens is not None and self.wh_per_1k_tokens is not None:
            return self.tokens / 1000 * self.wh_per_1k_tokens / 1000
        return float(self.hours or 0) * float(self.average_power_w or 0) / 1000

    @property
    def kind(self) -> str:
        """measured, declared or estimated."""
        return self.source or "estimated"

    @property
    def boundary(self) -> str:
        if self.operated_by:
            return self.operated_by
        return "third_party" if self.activity in ("vendor_reported", "tokens") else "own"

    @property
    def period_obj(self) -> Period:
        return parse_period(self.period)

    def describe(self) -> str:
        if self.tokens is not None:
            return f"{self.tokens:,} tokens × {self.wh_per_1k_tokens:g} Wh per 1,000 tokens"
        if self.average_power_w is not None:
            return f"{self.hours:g} h × {self.average_power_w:g} W"
        return f"{self.value:g} {self.unit}"


class Volume(Strict):
    """Predictions or requests the system served in a period (the denominator of the intensity); without
    one, govreport counts the rows of the period's scoring data or the assistant turns of its conversation
    log, from the period's results."""

    period: str
    count: Count = Field(..., description="predictions or requests in the period")
    basis: str = ""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        return check_period(v)


class Energy(Strict):
    """Art. 4: the system's infrastructure PUE and the energy of its work outside govreport, per period.

    ``pue`` (≥ 1.0; default :data:`DEFAULT_PUE`, 1.56) applies to every figure of the system that does not
    already include it. Figures are converted with Taiwan's grid factor of the year of their period.
    """

    pue: NonNegative | None = Field(
        None, description=f"power usage effectiveness, ≥ 1.0; default {DEFAULT_PUE}"
    )
    pue_basis: str = Field("", description="where the PUE comes from, e.g. the data centre's annual report")
    declared: list[EnergyFigure] = Field(default_factory=list)
    volumes: list[Volume] = Field(default_factory=list)

    @field_validator("pue")
    @classmethod
    def _pue(cls, v: float | None) -> float | None:
        return check_pue(v)

    @model_validator(mode="after")
    def _unique_volumes(self) -> Energy:
        seen = [v.period for v in self.volumes]
        dupes = sorted({p for p in seen if seen.count(p) > 1})
        if dupes:
            raise ValueError(f"volumes: one entry per period; repeated: {', '.join(dupes)}")
        return self

    @property
    def pue_used(self) -> float:
        return float(self.pue) if self.pue is not None else DEFAULT_PUE

    @property
    def pue_source(self) -> str:
        if self.pue is None:
            return "default (Uptime Institute 2024 industry average)"
        return self.pue_basis or "system record"

    def figures_in(self, period: Period) -> Iterator[tuple[int, EnergyFigure]]:
        """Figures whose period lies within ``period`` (a month within a quarter, a quarter within a year)."""
        for i, f in enumerate(self.declared):
            p = f.period_obj
            if p.start >= period.start and p.end <= period.end:
                yield i, f
