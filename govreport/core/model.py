"""The one strict pydantic base every settings file model derives from: an unknown key is an error naming
the field (a typo in a YAML file never passes silently)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Strict"]


class Strict(BaseModel):
    """A pydantic model that forbids unknown fields (``extra="forbid"``)."""

    model_config = ConfigDict(extra="forbid")
