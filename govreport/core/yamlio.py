"""The one YAML loader of govreport: every workspace file (govreport.yaml, systems/, scheduled/, findings,
sustainability, data contracts, genai rules) is read here.

It remembers line numbers, so configuration errors can name the line, and it is bounded, so a file in a
workspace cannot be turned against the process that reads it (issue 19). Each refusal is one line naming
the file and line, given in well under a second:

* files larger than :data:`MAX_BYTES` (5 MB; the largest real workspace file is a few kB);
* alias expansion: at most :data:`MAX_ALIASES` aliases (``*name``) per file, and no anchor may be used in
  a way that makes the loaded document hold more than :data:`MAX_NODES` nodes ("billion laughs");
* nesting deeper than :data:`MAX_DEPTH` (64) levels;
* a key repeated in one mapping (a second ``run:`` block would silently replace the first);
* code tags (``!!python/object``…): the loader is a ``SafeLoader``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import ConfigError

__all__ = [
    "load_yaml",
    "load_model",
    "format_validation_error",
    "MAX_BYTES",
    "MAX_ALIASES",
    "MAX_NODES",
    "MAX_DEPTH",
]

M = TypeVar("M", bound=BaseModel)


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic parses them and, for an impossible date such as
    2026-13-01, reports the field and line instead of PyYAML raising a bare ValueError. It also stops at
    :data:`MAX_DEPTH` levels of nesting (before Python's recursion limit, which takes seconds to reach)."""

    _depth = 0
    _aliases = 0

    def fetch_flow_collection_start(self, token_class: Any) -> None:
        # checked while scanning: PyYAML's scanner slows down quadratically with flow nesting ([[[[…)
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(
                f"nested more than {MAX_DEPTH} levels deep", self.get_mark().line + 1, "flatten the file"
            )
        super().fetch_flow_collection_start(token_class)  # type: ignore[misc]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", mark.line + 1, "flatten the file")
            if self.check_event(yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise _Refused(
                        f"more than {MAX_ALIASES} aliases (*name)",
                        self.peek_event().start_mark.line + 1,
                        "write the values out; workspace files need few or no aliases",
                    )
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)

#: largest workspace YAML file read, in bytes (docs/workspace.md)
MAX_BYTES = 5 * 1024 * 1024
#: aliases (``*name``) allowed in one file
MAX_ALIASES = 100
#: nodes the loaded document may hold once every alias is expanded
MAX_NODES = 200_000
#: levels of nesting (mappings and lists inside each other)
MAX_DEPTH = 64


class _Refused(Exception):
    def __init__(self, message: str, line: int | None, fix: str) -> None:
        super().__init__(message)
        self.message, self.line, self.fix = message, line, fix


def _check_tree(node: yaml.Node) -> None:
    """Refuse duplicate keys, recursive aliases and alias bombs, walking the composed node graph once per
    distinct node (sizes of shared subtrees are memoised, so a bomb is measured without being expanded).
    The number of aliases is counted while composing (:class:`_Loader`), where their lines are known."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in open_:
            raise _Refused(
                "an alias refers to the value it is part of",
                n.start_mark.line + 1,
                "remove the self-reference",
            )
        if key in sizes:
            return sizes[key]
        open_.add(key)
        total = 1
        if isinstance(n, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in keys and k.value != "<<":
                        raise _Refused(
                            f"duplicate key '{k.value}' (first on line {keys[k.value]})",
                            k.start_mark.line + 1,
                            "keep one of them: YAML would silently use the last",
                        )
                    keys.setdefault(k.value, k.start_mark.line + 1)
                total += size(k) + size(v)
        elif isinstance(n, yaml.SequenceNode):
            for item in n.value:
                total += size(item)
        if total > MAX_NODES:
            raise _Refused(
                f"the document expands to more than {MAX_NODES} values (nested aliases?)",
                n.start_mark.line + 1,
                "write the values out without nested aliases",
            )
        open_.discard(key)
        sizes[key] = total
        return total

    size(node)


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
        nbytes = path.stat().st_size
        if nbytes > MAX_BYTES:
            raise error(
                f"file is {nbytes / 1024 / 1024:.1f} MB, larger than the {MAX_BYTES // 1024 // 1024} MB "
                "a workspace file may be",
                file=path,
                line=1,
                fix="keep data out of workspace YAML files (point to it from a dataset entry)",
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error("file not found", file=path, fix="create it, or check the path") from None
    except UnicodeDecodeError:
        raise error("not UTF-8 text", file=path, fix="save the file as UTF-8") from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_tree(node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _Refused as e:
        raise error(e.message, file=path, line=e.line, fix=e.fix) from None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise error(f"malformed YAML: {e.problem}", file=path, line=line, fix="fix the YAML syntax") from None
    except yaml.YAMLError as e:
        raise error(f"malformed YAML: {e}", file=path, fix="fix the YAML syntax") from None
    except RecursionError:
        raise error("the YAML nests too deeply", file=path, fix="flatten the file") from None
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
