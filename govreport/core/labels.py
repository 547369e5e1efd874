"""Indicator labels with column codes replaced by their display names (issue 17): "差別影響比（SEX×AGE）" →
"差別影響比（性別×年齡）". ``labels`` is results.json's ``labels`` section (a data contract's ``columns:``,
overridden by the inventory; :func:`govreport.assessments.labels.column_labels`). Shared by the review's
computation and every report, so both name columns alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["display_label", "relabel"]


def display_label(text: str, labels: Mapping[str, Any] | None, lang: str) -> str:
    """An indicator's label with the column codes in its suffix ("差別影響比（SEX×AGE）", "Disparate impact
    ratio (SEX×AGE)") replaced by their display names in ``lang`` ("差別影響比（性別×年齡）"); unchanged
    when no column of the suffix is labelled."""
    if not text or not labels:
        return text
    named = {c: (v.get("label") or {}).get("zh" if lang == "zh-TW" else "en") for c, v in labels.items()}
    named = {c: n for c, n in named.items() if n}
    if not named:
        return text
    opener = "（" if lang == "zh-TW" and text.endswith("）") else " ("
    head, sep, tail = text.rpartition(opener)
    if not sep:
        return text
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(re.escape(c) for c in sorted(named, key=len, reverse=True)) + r")"
        r"(?![A-Za-z0-9_])"
    )
    return head + sep + pattern.sub(lambda m: named[m.group(1)], tail)


def relabel(indicator: Mapping[str, Any], labels: Mapping[str, Any] | None) -> tuple[str, str]:
    """(zh, en) label of an indicator with its columns named (:func:`display_label`)."""
    zh = indicator.get("label_zh") or indicator.get("id", "")
    en = indicator.get("label_en") or indicator.get("id", "")
    return display_label(zh, labels, "zh-TW"), display_label(en, labels, "en")
