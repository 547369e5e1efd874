"""Names of attributes and groups as a reader reads them (issue 17): a column's display name and a code's
label from results.json's ``labels`` section (the data contract's ``columns:``, overridden by the inventory),
falling back to the code itself; ordered bands (``<25``, ``25–34``, ``≥65``) sorted by their bounds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["attr_name", "group_name", "band_key", "sort_groups"]

_NUM = re.compile(r"-?\d+(?:\.\d+)?")


def attr_name(column: str, labels: Mapping[str, Any] | None) -> tuple[str, str]:
    """(zh, en) display name of a column; the column itself when no label is declared."""
    lab = ((labels or {}).get(column) or {}).get("label")
    return (lab["zh"], lab["en"]) if lab else (column, column)


def group_name(column: str, code: Any, labels: Mapping[str, Any] | None) -> tuple[str, str]:
    """(zh, en) label of one group of ``column`` (an intersection "a×b" of "COL1×COL2" part by part)."""
    cols = column.split("×")
    parts = str(code).replace(" | ", "×").split("×")
    if len(cols) > 1 and len(parts) == len(cols):
        pairs = [group_name(c.strip(), p.strip(), labels) for c, p in zip(cols, parts, strict=True)]
        return "×".join(z for z, _ in pairs), " × ".join(e for _, e in pairs)
    text = str(code)
    if text == "(missing)":
        return "（缺值）", "(missing)"
    values = ((labels or {}).get(column) or {}).get("values") or {}
    key = text[:-2] if text.endswith(".0") else text
    v = values.get(key) or values.get(text)
    return (v["zh"], v["en"]) if v else (text, text)


def band_key(code: Any) -> tuple[int, float, str]:
    """Sort key of a group: numeric bands by their lower bound ("<25" first, "≥65" last), then text."""
    text = str(code)
    nums = [float(x) for x in _NUM.findall(text.replace("–", " ").replace("−", "-"))]
    if not nums:
        return (1, math.inf, text)
    low = nums[0]
    if text.lstrip().startswith(("<", "≤", "<=")):
        low = -math.inf
    elif text.lstrip().startswith((">", "≥", ">=")):
        low = nums[0] + 0.5
    return (0, low, text)


def sort_groups(codes: Iterable[Any]) -> list[Any]:
    """Groups in reading order: bands by bound, codes numerically, "(missing)" last."""
    return sorted(codes, key=lambda c: (str(c) == "(missing)", band_key(c)))
