"""Where the packaged templates, example contracts, schedules and schemas live.

In a wheel they are bundled under ``govreport/_bundled/``; in a source checkout (editable install) they
are the top-level ``templates_nb/``, ``data_contracts/`` and ``scheduled/`` folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_dir", "schema_path"]

_PKG = Path(__file__).resolve().parents[1]  # govreport/


def bundled_dir(name: str) -> Path:
    """The packaged folder ``name`` (``templates_nb``, ``data_contracts`` or ``scheduled``)."""
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"govreport's packaged folder {name!r} is missing; reinstall govreport")


def schema_path(name: str) -> Path:
    """A JSON Schema shipped with the package, e.g. ``results.schema.json``."""
    return _PKG / "schemas" / name
