"""How one expectation is named to a reader: its suite index, type and arguments in one line.

``signature(entry)`` turns an expectation entry of a validation result (``ContractResult.expectations``,
the ``data_quality.<contract>.expectations`` of results.json) into
``#12 expect_column_values_to_be_between(AGE, 18, 100, mostly=0.99)``: the index is the expectation's
position in the suite (0-based, as ``expectations[12]`` in ``contracts lint`` messages and in the suite
JSON), the column(s) and the main arguments are positional, every other argument is ``name=value``. Two
range checks on one column thus read differently in the console, the report and the validation page.

Pure functions on plain dicts: no Great Expectations import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["signature", "call", "format_value", "POSITIONAL", "expectation_key"]

#: Arguments shown without their name, in this order, after the column(s).
POSITIONAL = (
    "min_value",
    "max_value",
    "value_set",
    "regex",
    "regex_list",
    "type_",
    "type_list",
    "strftime_format",
    "value",
    "column_set",
    "column_list",
)
_COLUMN_ARGS = ("column", "column_A", "column_B", "column_list")
_SKIP = ("batch_id", "result_format", "catch_exceptions", "include_config", "meta", "row_condition_parser")
#: Longest value text before it is cut with an ellipsis (a value set of 200 codes stays readable).
MAX_VALUE_TEXT = 80


def format_value(v: Any, limit: int = MAX_VALUE_TEXT) -> str:
    """A value as a reader writes it: integers without decimals, lists in brackets, long text cut."""
    if isinstance(v, bool):
        text = "true" if v else "false"
    elif isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        text = str(int(v))
    elif isinstance(v, list | tuple):
        text = "[" + ", ".join(format_value(x, limit) for x in v) + "]"
    elif isinstance(v, dict):
        text = json.dumps(v, ensure_ascii=False, default=str)
    else:
        text = str(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def call(entry: Mapping[str, Any]) -> str:
    """``type(COLUMN, positional…, name=value…, mostly=m)`` of one expectation entry."""
    kwargs = dict(entry.get("kwargs") or {})
    parts: list[str] = []
    for key in ("column", "column_A", "column_B"):
        if isinstance(kwargs.get(key), str):
            parts.append(str(kwargs.pop(key)))
    if kwargs.get("column_list") is not None and "column_list" not in _positional_for(entry):
        parts.append(", ".join(map(str, kwargs.pop("column_list"))))
    for key in POSITIONAL:
        if key in kwargs and kwargs[key] is not None:
            parts.append(format_value(kwargs.pop(key)))
        else:
            kwargs.pop(key, None)
    mostly = kwargs.pop("mostly", None)
    for key in sorted(kwargs):
        if key in _SKIP or kwargs[key] is None:
            continue
        parts.append(f"{key}={format_value(kwargs[key])}")
    if mostly is not None:
        parts.append(f"mostly={format_value(mostly)}")
    return f"{entry.get('type', '?')}({', '.join(parts)})"


def _positional_for(entry: Mapping[str, Any]) -> tuple[str, ...]:
    # a table-level column list (expect_table_columns_to_match_ordered_list) is the argument itself
    return ("column_list",) if str(entry.get("type", "")).startswith("expect_table_") else ()


def signature(entry: Mapping[str, Any]) -> str:
    """``#<index> <call>``: how the console, the report and the validation page name an expectation."""
    index = entry.get("index")
    return f"#{index} {call(entry)}" if index is not None else call(entry)


def expectation_key(entry: Mapping[str, Any]) -> str:
    """The same expectation across periods: its type and arguments (not its index, which moves when a
    suite gains an expectation)."""
    return json.dumps(
        [entry.get("type"), entry.get("kwargs") or {}], sort_keys=True, ensure_ascii=False, default=str
    )
