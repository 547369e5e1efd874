"""``results.json``: the machine-readable result of one template run.

The schema ships as ``govreport/schemas/results.schema.json`` (documented in docs/results.md). The file
is validated against it when written, and written under a temporary name then renamed.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .files import atomic_write_text, now
from .resources import schema_path
from .status import Indicator, roll_up, worst
from .version import __version__

__all__ = ["build_results", "write_results", "load_results", "validate_results", "json_safe"]

SCHEMA_VERSION = "1.0"


def json_safe(obj: Any) -> Any:
    """Replace NaN/inf by None and numpy scalars by Python numbers, recursively."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        with contextlib.suppress(ValueError, AttributeError):
            obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def build_results(
    *,
    system: Mapping[str, Any],
    period: str,
    template: str,
    indicators: Iterable[Indicator],
    sections: Mapping[str, Any] | None = None,
    notes: Iterable[str] = (),
    inputs: Iterable[Mapping[str, Any]] = (),
    timezone: str | None = None,
) -> dict[str, Any]:
    """results.json's content. ``timezone`` (govreport.yaml's): every time its report prints is written
    in it, so rendering never looks the workspace up again (absent in older results: Asia/Taipei)."""
    inds = list(indicators)
    dims, _ = roll_up([i.to_dict() for i in inds])
    data = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": now("seconds"),
        "govreport_version": __version__,
        "system": dict(system),
        "period": period,
        "template": template,
        "status": worst(dims.values()).value,
        "dimensions": dims,
        "indicators": [i.to_dict() for i in inds],
        "inputs": list(inputs),
        "notes": list(notes),
    }
    if timezone:
        data["timezone"] = timezone
    for key, value in (sections or {}).items():
        if key in data:
            raise ValueError(f"section name {key!r} collides with a results.json field")
        data[key] = value
    return json_safe(data)


def validate_results(data: Mapping[str, Any]) -> None:
    import jsonschema

    schema = json.loads(schema_path("results.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def write_results(path: str | Path, data: Mapping[str, Any]) -> Path:
    """Validate ``data`` against the schema and write it atomically."""
    validate_results(data)
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(p, json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False))
    return p


def load_results(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
