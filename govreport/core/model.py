"""The one strict pydantic base every settings file model derives from: an unknown key is an error naming
the field (a typo in a YAML file never passes silently)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["Strict", "Bilingual", "ColumnLabels"]


class Strict(BaseModel):
    """A pydantic model that forbids unknown fields (``extra="forbid"``)."""

    model_config = ConfigDict(extra="forbid")


class Bilingual(Strict):
    """A display text in both report languages: ``{zh: 性別, en: Sex}``."""

    zh: str = Field(..., min_length=1)
    en: str = Field(..., min_length=1)


class ColumnLabels(Strict):
    """How reports name a column and its coded values (a data contract's ``columns:``, or an inventory
    protected attribute's override): ``label: {zh: 性別, en: Sex}``, ``values: {1: {zh: 男, en: Male}}``."""

    label: Bilingual | None = None
    values: dict[str, Bilingual] = Field(default_factory=dict, description="code → display text")

    @field_validator("values", mode="before")
    @classmethod
    def _codes_as_text(cls, v: Any) -> Any:
        # YAML reads `1:` as an integer key and `1.0` as a float; the data's codes are matched as text
        if isinstance(v, dict):
            return {_code(k): x for k, x in v.items()}
        return v


def _code(k: Any) -> str:
    if isinstance(k, float) and k.is_integer():
        return str(int(k))
    return str(k)
