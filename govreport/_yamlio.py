"""YAML loading that remembers line numbers, so configuration errors can name the line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError

__all__ = ["load_yaml", "load_model", "format_validation_error"]

M = TypeVar("M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic parses them and, for an impossible date such as
    2026-13-01, reports the field and line instead of PyYAML raising a bare ValueError."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def _line_index(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*path, k)] = key.start_mark.line + 1
            _line_index(value, (*path, k), out)
            out[(*path, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, (*path, i), out)


def load_yaml(path: Path, error: type[ConfigError] = ConfigError) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Parse a YAML file; return the data and a map from key path to 1-based line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", file=path, fix="create it, or check the path") from None
    except UnicodeDecodeError:
        raise error("not UTF-8 text", file=path, fix="save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise error(f"malformed YAML: {e.problem}", file=path, line=line, fix="fix the YAML syntax") from None
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _line_index(node, (), lines)
    return data, lines


def _closest_line(lines: dict[tuple[Any, ...], int], loc: Sequence[Any]) -> int | None:
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())


def format_validation_error(err: ValidationError) -> tuple[str, tuple[Any, ...], str]:
    """First error of a pydantic ValidationError as (message, loc, fix)."""
    first = err.errors()[0]
    loc = tuple(x for x in first["loc"] if not (isinstance(x, str) and x.startswith("function-")))
    kind = first["type"]
    msg = first["msg"]
    if kind == "extra_forbidden":
        return "unknown field", loc, "remove it or check its spelling against the documented fields"
    if kind == "missing":
        return "required field is missing", loc, "add it"
    if kind.startswith("value_error"):
        msg = msg.removeprefix("Value error, ")
        return msg, loc, "correct the value"
    return msg, loc, "correct the value"


def load_model(path: Path, model: type[M], error: type[ConfigError] = ConfigError, **context: Any) -> M:
    """Load ``path`` into the pydantic ``model``; errors name file, line and field."""
    data, lines = load_yaml(path, error)
    if data is None:
        raise error("file is empty", file=path, fix=f"fill it in; see the documented {model.__name__} fields")
    if not isinstance(data, dict):
        raise error("expected a mapping of field: value at the top level", file=path, line=1)
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as e:
        msg, loc, fix = format_validation_error(e)
        field = ".".join(str(x) for x in loc) or None
        raise error(msg, file=path, line=_closest_line(lines, loc), field=field, fix=fix) from None
