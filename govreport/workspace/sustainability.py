"""The bank's sustainability settings: ``sustainability.yaml`` (PUE, targets, grid-factor overrides, staff
AI-training records) and Taiwan's grid emission factors (MOEA / Energy Administration), shipped as
``govreport/workspace/tw_grid_factors.yaml``; a workspace overrides or adds years in ``sustainability.yaml``.
A year without a factor uses the latest earlier year's, and says so; a year with no earlier factor is an
error. Full description: docs/sustainability.md.

Contract: reads and validates those files (one-line errors naming the file and field); the indicators are
:mod:`govreport.assessments.sustainability`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationError, field_validator

from ..core.model import Strict
from ..core.yamlio import format_validation_error, load_model
from ..errors import ConfigError, InputError, InventoryError
from .energy import DEFAULT_PUE, Energy, NonNegative, check_period, check_pue, number

__all__ = [
    "GridFactor",
    "FactorUse",
    "FactorTable",
    "SustainabilitySettings",
    "load_settings",
    "load_factors",
    "emissions_kg",
    "system_energy",
    "SETTINGS_FILE",
    "PACKAGED_FACTORS",
]

PACKAGED_FACTORS = Path(__file__).resolve().parent / "tw_grid_factors.yaml"
SETTINGS_FILE = "sustainability.yaml"


# ==================================================================================================
# Grid factors
# ==================================================================================================
@dataclass(frozen=True)
class GridFactor:
    year: int
    kg_per_kwh: float
    source: str
    note: str = ""
    origin: str = "packaged"  # packaged | workspace


@dataclass(frozen=True)
class FactorUse:
    """The factor applied to energy used in ``year`` (``factor.year`` is earlier when none exists yet)."""

    year: int
    factor: GridFactor

    @property
    def fallback(self) -> bool:
        return self.factor.year != self.year

    def describe(self, lang: str = "en") -> str:
        f = self.factor
        origin = " (workspace override)" if f.origin == "workspace" else ""
        text = f"{f.year} factor {f.kg_per_kwh:g} kgCO2e/kWh, {f.source}{origin}"
        if self.fallback:
            text += f"; no factor for {self.year} yet: the latest earlier year's ({f.year}) is used"
        if f.note:
            text += f"; note: {f.note}"
        return text


def _positive(v: Any) -> Any:
    v = number(v)
    if v is not None and v <= 0:
        raise ValueError(f"must be greater than 0 (got {v:g})")
    return v


Positive = Annotated[float, BeforeValidator(_positive)]


class FactorEntry(Strict):
    factor: Positive = Field(..., description="kgCO2e per kWh")
    source: str = Field(
        ..., min_length=1, description="publisher and document, e.g. 經濟部能源署 114年度電力排碳係數"
    )
    note: str = ""

    @field_validator("factor")
    @classmethod
    def _plausible(cls, v: float) -> float:
        if v > 2.0:
            raise ValueError(
                f"{v:g} kgCO2e/kWh is implausible for a grid factor; give kgCO2e per kWh (e.g. 0.474)"
            )
        return v


def _year_keys(v: Any) -> Any:
    if isinstance(v, Mapping):
        for k in v:
            try:
                y = int(str(k))
            except ValueError:
                raise ValueError(f"'{k}' is not a year") from None
            if not 1900 <= y <= 2999 or str(k).strip() != str(y):
                raise ValueError(f"'{k}' is not a year")
    return v


class _FactorFile(Strict):
    unit: str = "kgCO2e/kWh"
    publisher: str = ""
    factors: Annotated[dict[int, FactorEntry], BeforeValidator(_year_keys)]


class FactorTable:
    """Grid factors by year: the packaged table with a workspace's overrides applied."""

    def __init__(self, factors: Mapping[int, GridFactor]) -> None:
        if not factors:
            raise ConfigError(
                "the grid-factor table is empty",
                field="grid_factors",
                fix="reinstall govreport, or add years under grid_factors in sustainability.yaml",
            )
        self.factors = dict(sorted(factors.items()))

    @classmethod
    def packaged(cls) -> FactorTable:
        data = load_model(PACKAGED_FACTORS, _FactorFile, ConfigError)
        return cls({y: GridFactor(y, e.factor, e.source, e.note) for y, e in data.factors.items()})

    def with_overrides(self, overrides: Mapping[int, FactorEntry]) -> FactorTable:
        merged = dict(self.factors)
        for y, e in overrides.items():
            merged[int(y)] = GridFactor(int(y), e.factor, e.source, e.note, origin="workspace")
        return FactorTable(merged)

    def lookup(self, year: int, *, file: str | Path | None = None, field: str | None = None) -> FactorUse:
        """The factor for energy used in ``year``; the latest earlier year's when ``year`` has none."""
        if year in self.factors:
            return FactorUse(year, self.factors[year])
        earlier = [y for y in self.factors if y < year]
        if not earlier:
            raise InputError(
                f"no Taiwan grid emission factor for {year} or any earlier year (the table starts in "
                f"{min(self.factors)})",
                file=file,
                field=field,
                fix=f"add {year} under grid_factors in {SETTINGS_FILE} with its factor and source, "
                "or correct the period",
            )
        return FactorUse(year, self.factors[max(earlier)])

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "year": f.year,
                "kg_per_kwh": f.kg_per_kwh,
                "source": f.source,
                "note": f.note,
                "origin": f.origin,
            }
            for f in self.factors.values()
        ]


def emissions_kg(kwh: float, pue: float, factor: float) -> float:
    """kgCO2e = kWh × PUE × factor (kgCO2e/kWh). Refuses negative energy, PUE below 1 and factors ≤ 0."""
    for name, v in (("kwh", kwh), ("pue", pue), ("factor", factor)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise InputError(f"{name} must be a finite number, not {v!r}", field=name)
    if kwh < 0:
        raise InputError(f"energy must not be negative (got {kwh:g} kWh)", field="kwh")
    if pue < 1:
        raise InputError(f"PUE must be at least 1.0 (got {pue:g})", field="pue")
    if factor <= 0:
        raise InputError(f"the grid factor must be greater than 0 (got {factor:g})", field="factor")
    return float(kwh) * float(pue) * float(factor)


# ==================================================================================================
# Workspace settings: sustainability.yaml
# ==================================================================================================
class Target(Strict):
    """Targets for one scope (the portfolio or one system), per period of the kind reported."""

    energy_kwh: NonNegative | None = None
    emissions_kgco2e: NonNegative | None = None
    intensity_g_per_1k: NonNegative | None = Field(
        None, description="gCO2e per 1,000 predictions or requests"
    )
    training_hours_per_employee: NonNegative | None = None


class Targets(Strict):
    portfolio: Target = Field(default_factory=Target)
    systems: dict[str, Target] = Field(default_factory=dict)


class TrainingRecord(Strict):
    """Art. 9: AI training of staff in a period (from the HR / learning-management system)."""

    period: str
    hours: NonNegative = Field(..., description="total hours of AI training attended by staff")
    staff_trained: Annotated[int, BeforeValidator(number)] | None = None
    staff_total: Annotated[int, BeforeValidator(number)] | None = Field(
        None, description="headcount the hours are averaged over (GRI 404-1)"
    )
    basis: str = ""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, v: Any) -> str:
        return check_period(v)


class SustainabilitySettings(Strict):
    """``sustainability.yaml`` at the workspace root (optional; every field has a default)."""

    pue: NonNegative | None = Field(
        None, description=f"PUE of the machine running govreport (default {DEFAULT_PUE})"
    )
    pue_basis: str = ""
    grid_factors: Annotated[dict[int, FactorEntry], BeforeValidator(_year_keys)] = Field(default_factory=dict)
    targets: Targets = Field(default_factory=Targets)
    training: list[TrainingRecord] = Field(default_factory=list)

    @field_validator("pue")
    @classmethod
    def _pue(cls, v: float | None) -> float | None:
        return check_pue(v)

    @property
    def host_pue(self) -> float:
        return float(self.pue) if self.pue is not None else DEFAULT_PUE

    @property
    def host_pue_source(self) -> str:
        if self.pue is None:
            return "default (Uptime Institute 2024 industry average)"
        return self.pue_basis or SETTINGS_FILE


def load_settings(root: str | Path | None) -> SustainabilitySettings:
    """The workspace's ``sustainability.yaml``, or the defaults when there is none."""
    if root is None:
        return SustainabilitySettings()
    path = Path(root) / SETTINGS_FILE
    if not path.is_file():
        return SustainabilitySettings()
    return load_model(path, SustainabilitySettings, ConfigError)


def load_factors(settings: SustainabilitySettings | None = None) -> FactorTable:
    table = FactorTable.packaged()
    return table.with_overrides(settings.grid_factors) if settings and settings.grid_factors else table


def system_energy(system: Any, file: str | Path | None = None) -> Energy:
    """The system's ``energy:`` block as :class:`govreport.workspace.energy.Energy` (also from an older
    inventory model holding ``pue`` and ``declared`` as plain data); errors name the file and field."""
    e = getattr(system, "energy", None)
    if isinstance(e, Energy):
        return e
    raw = e.model_dump() if hasattr(e, "model_dump") else (e or {})
    try:
        return Energy.model_validate(raw)
    except ValidationError as err:
        msg, loc, fix = format_validation_error(err)
        raise InventoryError(msg, file=file, field=".".join(["energy", *map(str, loc)]), fix=fix) from None
