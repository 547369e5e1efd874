"""The data-contract file: ``data_contracts/<name>.contract.yaml`` beside ``<name>.suite.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .._yamlio import load_model
from ..errors import ContractError

__all__ = ["Contract", "DatasetSource", "Freshness", "ContractFile", "load_contract", "list_contracts"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatasetSource(_Strict):
    """Where the data is: a file (CSV, Parquet, JSON Lines) or a SQL table through a SQLAlchemy URL."""

    path: str | None = Field(None, description="file path, relative to the workspace; may contain {period}")
    format: Literal["auto", "csv", "parquet", "jsonl"] = "auto"
    encoding: str = Field("utf-8", description="e.g. cp950 or big5 for files exported by Taiwanese systems")
    delimiter: str = ","
    url: str | None = Field(None, description="SQLAlchemy URL, e.g. sqlite:///data/bank.db")
    url_env: str | None = Field(None, description="environment variable holding the URL (keeps passwords out of git)")
    table: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DatasetSource:
        sql = bool(self.url or self.url_env)
        if bool(self.path) == sql:
            raise ValueError("give either `path` (a file) or `url`/`url_env` with `table` (a SQL table)")
        if sql and not self.table:
            raise ValueError("a SQL dataset needs `table`")
        return self


class Freshness(_Strict):
    """How old the data may be: by a timestamp column's latest value, or the file's modification time."""

    column: str | None = None
    max_age_days: Annotated[float, Field(gt=0)] = 40


class Contract(_Strict):
    name: str = Field(..., pattern=r"^[A-Za-z0-9_-]+$")
    description: str = ""
    dataset: DatasetSource
    suite: str = Field(..., description="the Great Expectations suite file beside this contract")
    personal_data: list[str] = Field(default_factory=list, description="columns holding personal data (Art. 8)")
    protected_attributes: list[str] = Field(default_factory=list, description="Art. 6 attributes")
    keys: list[str] = Field(default_factory=list, description="columns that identify a row (unique together)")
    freshness: Freshness | None = None
    reference: DatasetSource | None = Field(None, description="training/reference data for representativeness")
    representativeness_columns: list[str] = Field(default_factory=list,
                                                  description="columns compared with the reference (default: "
                                                              "protected attributes)")
    thresholds: dict[str, dict[str, float | bool]] = Field(default_factory=dict)


class ContractFile:
    """A loaded contract and where it lives."""

    def __init__(self, path: Path, contract: Contract) -> None:
        self.path = path
        self.contract = contract

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def suite_path(self) -> Path:
        return self.path.parent / self.contract.suite


def load_contract(path: Path) -> ContractFile:
    c = load_model(path, Contract, ContractError)
    expected = path.name.removesuffix(".contract.yaml")
    if c.name != expected:
        raise ContractError(f"name '{c.name}' does not match the file name", file=path, field="name",
                            fix=f"rename the file to {c.name}.contract.yaml or set name: {expected}")
    return ContractFile(path, c)


def list_contracts(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.contract.yaml")) if folder.is_dir() else []
