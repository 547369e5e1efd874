"""The data-contract file: ``data_contracts/<name>.contract.yaml`` beside ``<name>.suite.json``.

See ``docs/contracts.md`` for the format with a full example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..core.model import ColumnLabels, Strict
from ..core.status import Threshold, threshold_for
from ..core.yamlio import load_model
from ..data.dataset import DatasetSource
from ..errors import ContractError

__all__ = [
    "Contract",
    "DatasetSource",
    "PersonalField",
    "ProtectedAttribute",
    "Freshness",
    "Representativeness",
    "ThresholdOverride",
    "Thresholds",
    "ContractFile",
    "QUALITY_DIMENSIONS",
    "PROTECTED_CATEGORIES",
    "load_contract",
    "list_contracts",
    "find_contract",
    "CONTRACT_SUFFIX",
    "SUITE_SUFFIX",
]

CONTRACT_SUFFIX = ".contract.yaml"
SUITE_SUFFIX = ".suite.json"

#: The five data-quality dimensions of Art. 7, in report order.
QUALITY_DIMENSIONS: tuple[str, ...] = (
    "completeness",
    "validity",
    "uniqueness",
    "freshness",
    "representativeness",
)

#: Art. 6 attribute categories (姓名、國籍、種族、出生地/居住地、年齡、身體特徵、性別、疾病…).
PROTECTED_CATEGORIES: tuple[str, ...] = (
    "sex",
    "age",
    "birth_date",
    "nationality",
    "ethnicity",
    "birthplace",
    "residence",
    "marital_status",
    "disability",
    "health",
    "physical",
    "religion",
    "other",
)

_NAME = r"^[A-Za-z0-9_-]+$"


def _entry(v: Any) -> Any:
    """Allow a plain column name where an entry mapping is expected."""
    return {"column": v} if isinstance(v, str) else v


class PersonalField(Strict):
    """A column holding personal data (Art. 8): masked in every output, mapped to its purpose."""

    column: str = Field(..., min_length=1)
    kind: str | None = Field(
        None, description="national_id, resident_id, card, phone, email, name, address, other…"
    )
    purpose: str = Field("", description="why the system needs it (Art. 8: personal data mapped to purpose)")
    confirmed: bool = Field(True, description="false while a scaffolded guess awaits review")


class ProtectedAttribute(Strict):
    """A column holding an Art. 6 attribute (sex, age, nationality, …)."""

    column: str = Field(..., min_length=1)
    attribute: Literal[PROTECTED_CATEGORIES] | None = None  # type: ignore[valid-type]
    used_as_feature: bool | None = Field(None, description="does the model use it as an input?")
    justification: str = Field("", description="required by Art. 6 review when used_as_feature is true")
    confirmed: bool = Field(True, description="false while a scaffolded guess awaits review")


class Freshness(Strict):
    """How old the data may be: by a timestamp column's newest value, or else the file's modification time."""

    column: str | None = Field(None, description="timestamp column; default: the file's modification time")
    max_age_days: Annotated[float, Field(gt=0)] = Field(40, description="the green line, in days")


class Representativeness(Strict):
    """Compare the data with the training / reference data (PSI per column, Art. 7)."""

    reference: DatasetSource
    columns: list[str] = Field(default_factory=list, description="default: the protected attributes")
    bins: Annotated[int, Field(ge=2, le=50)] = 10


class ThresholdOverride(Strict):
    """The green and red lines of a dimension; which direction is better is fixed per dimension."""

    green: float
    red: float
    green_inclusive: bool | None = None
    red_inclusive: bool | None = None


class _HigherIsBetter(ThresholdOverride):
    @model_validator(mode="after")
    def _order(self) -> _HigherIsBetter:
        if self.red > self.green:
            raise ValueError(
                f"higher is better here: the red line ({self.red:g}) must be at or below the green "
                f"line ({self.green:g})"
            )
        return self


class _LowerIsBetter(ThresholdOverride):
    @model_validator(mode="after")
    def _order(self) -> _LowerIsBetter:
        if self.red < self.green:
            raise ValueError(
                f"lower is better here: the red line ({self.red:g}) must be at or above the green "
                f"line ({self.green:g})"
            )
        return self


class Thresholds(Strict):
    """Per-dimension overrides of the guide's lines (``thresholds:`` in the contract)."""

    completeness: _HigherIsBetter | None = Field(
        None, description="pass share; default green ≥ 0.99, red < 0.95"
    )
    validity: _HigherIsBetter | None = Field(None, description="pass share; default green ≥ 0.99, red < 0.95")
    uniqueness: _HigherIsBetter | None = Field(None, description="pass share; default green = 1, red < 0.999")
    freshness: _LowerIsBetter | None = Field(
        None, description="days; default green ≤ max_age_days, red > twice"
    )
    representativeness: _LowerIsBetter | None = Field(
        None, description="PSI; default green < 0.10, red > 0.25"
    )


_BETTER = {
    "completeness": "higher",
    "validity": "higher",
    "uniqueness": "higher",
    "freshness": "lower",
    "representativeness": "lower",
}


class Contract(Strict):
    """``data_contracts/<name>.contract.yaml``."""

    name: str = Field(..., pattern=_NAME, description="same as the file name before .contract.yaml")
    description: str = ""
    owner: str = Field("", description="the unit accountable for the data")
    dataset: DatasetSource
    suite: str | None = Field(
        None, description="Great Expectations suite file beside this one; default <name>.suite.json"
    )
    personal_data: list[PersonalField] = Field(default_factory=list, description="Art. 8")
    protected_attributes: list[ProtectedAttribute] = Field(default_factory=list, description="Art. 6")
    keys: list[str] = Field(default_factory=list, description="columns that identify a row (unique together)")
    freshness: Freshness | None = None
    representativeness: Representativeness | None = None
    thresholds: Thresholds = Field(default_factory=Thresholds)
    columns: dict[str, ColumnLabels] = Field(
        default_factory=dict,
        description="display names and value labels per column, both languages (docs/contracts.md)",
    )

    @field_validator("personal_data", "protected_attributes", mode="before")
    @classmethod
    def _entries(cls, v: Any) -> Any:
        return [_entry(x) for x in v] if isinstance(v, list) else v

    @field_validator("suite")
    @classmethod
    def _suite_file(cls, v: str | None) -> str | None:
        if v is not None and (not v.endswith(".json") or "/" in v or "\\" in v):
            raise ValueError(f"`suite` must be a .json file name beside the contract, not {v!r}")
        return v

    @field_validator("personal_data", "protected_attributes", "keys")
    @classmethod
    def _no_repeats(cls, v: list[Any]) -> list[Any]:
        cols = [x if isinstance(x, str) else x.column for x in v]
        dup = sorted({c for c in cols if cols.count(c) > 1})
        if dup:
            raise ValueError(f"column '{dup[0]}' is listed twice")
        return v

    # -- derived --------------------------------------------------------------------------------------
    @property
    def suite_file(self) -> str:
        return self.suite or f"{self.name}{SUITE_SUFFIX}"

    @property
    def personal_columns(self) -> list[str]:
        return [p.column for p in self.personal_data]

    @property
    def protected_columns(self) -> list[str]:
        return [p.column for p in self.protected_attributes]

    def threshold(self, dimension: str) -> Threshold:
        """The threshold of a quality dimension: the guide's default, or this contract's override."""
        o = getattr(self.thresholds, dimension)
        if dimension == "freshness":
            green = self.freshness.max_age_days if self.freshness else 40.0
            base = Threshold(
                "lower", green, 2 * green, source=f"contract freshness.max_age_days ({green:g} days)"
            )
        elif dimension == "representativeness":
            base = threshold_for("psi")
        else:
            base = threshold_for(dimension)
        if o is None:
            return base
        extra = {
            k: v
            for k, v in (("green_inclusive", o.green_inclusive), ("red_inclusive", o.red_inclusive))
            if v is not None
        }
        return Threshold(
            _BETTER[dimension],
            o.green,
            o.red,
            **{"green_inclusive": base.green_inclusive, "red_inclusive": base.red_inclusive, **extra},
            source="contract thresholds",
        )


class ContractFile:
    """A loaded contract and where it lives."""

    def __init__(self, path: Path, contract: Contract) -> None:
        self.path = Path(path)
        self.contract = contract

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def suite_path(self) -> Path:
        return self.path.parent / self.contract.suite_file

    @property
    def default_root(self) -> Path:
        """The workspace root the contract's relative paths are resolved against: the folder holding
        ``data_contracts/``."""
        return self.path.resolve().parent.parent

    def __repr__(self) -> str:
        return f"ContractFile({str(self.path)!r})"


def load_contract(path: Path | str) -> ContractFile:
    """Read and check ``<name>.contract.yaml``; errors name the file, line and field."""
    path = Path(path)
    if not path.name.endswith(CONTRACT_SUFFIX):
        raise ContractError(
            f"a contract file name must end with {CONTRACT_SUFFIX}",
            file=path,
            fix=f"rename it to <name>{CONTRACT_SUFFIX}",
        )
    c = load_model(path, Contract, ContractError)
    expected = path.name.removesuffix(CONTRACT_SUFFIX)
    if c.name != expected:
        raise ContractError(
            f"name '{c.name}' does not match the file name",
            file=path,
            field="name",
            fix=f"rename the file to {c.name}{CONTRACT_SUFFIX} or set name: {expected}",
        )
    return ContractFile(path, c)


def list_contracts(folder: Path | str) -> list[Path]:
    """The contract files in ``folder`` (``*.contract.yaml``), sorted by name."""
    folder = Path(folder)
    return sorted(folder.glob(f"*{CONTRACT_SUFFIX}")) if folder.is_dir() else []


def find_contract(folder: Path | str, name: str) -> Path:
    """The file of contract ``name`` in ``folder``; a clear error listing the known ones if absent."""
    folder = Path(folder)
    if not re.fullmatch(_NAME, name):
        raise ContractError(
            f"'{name}' is not a contract name",
            field="NAME",
            fix="use the file name without .contract.yaml (letters, digits, '-' and '_')",
        )
    path = folder / f"{name}{CONTRACT_SUFFIX}"
    if not path.is_file():
        known = ", ".join(p.name.removesuffix(CONTRACT_SUFFIX) for p in list_contracts(folder)) or "none"
        raise ContractError(
            f"no contract named '{name}'",
            file=folder,
            fix=f"known contracts: {known}; add {name}{CONTRACT_SUFFIX} and {name}{SUITE_SUFFIX}"
            " or run `govreport contracts scaffold DATA --name NAME`",
        )
    return path
