"""``contracts scaffold``: a starting suite and contract from a sample of the data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..masking import looks_like_personal_data

__all__ = ["scaffold", "PROTECTED_NAMES"]

#: Art. 6 attributes recognised by column name (English, Chinese, common abbreviations).
PROTECTED_NAMES = {
    "sex": r"^(sex|gender|性別)$", "age": r"^(age|年齡|age_band)$", "birth": r"(birth|dob|出生)",
    "nationality": r"(nationality|國籍|citizenship)", "marital_status": r"^(marriage|marital.*|婚姻.*)$",
    "ethnicity": r"(ethnic|族群|race)", "disability": r"(disab|身心障礙)", "residence": r"(residence|居住|birthplace)",
}
_NAME_LIKE = re.compile(r"(^name$|full_?name|customer_?name|姓名|戶名)", re.I)


def _protected(col: str) -> str | None:
    for cat, pat in PROTECTED_NAMES.items():
        if re.search(pat, col, flags=re.I):
            return cat
    return None


def scaffold(sample: pd.DataFrame, name: str, data_path: str) -> tuple[dict[str, Any], str, list[str]]:
    """(suite JSON dict, contract YAML text, notes for the engineer) from ``sample``."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from ._validate import _gx_context

    _gx_context()
    suite = gx.ExpectationSuite(name=name)
    personal: list[tuple[str, str]] = []
    protected: list[tuple[str, str]] = []
    keys: list[str] = []
    notes: list[str] = []
    suite.add_expectation(gxe.ExpectTableColumnsToMatchSet(column_set=list(map(str, sample.columns)), exact_match=False))
    for col in sample.columns:
        s = sample[col]
        null_rate = float(s.isna().mean())
        if null_rate == 0:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=col))
        else:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=col, mostly=max(0.0, round(1 - 2 * null_rate, 3))))
        kind = looks_like_personal_data(s) or ("name" if _NAME_LIKE.search(str(col)) else None)
        if kind:
            personal.append((col, kind))
        cat = _protected(str(col))
        if cat:
            protected.append((col, cat))
        nun = s.nunique(dropna=True)
        if nun == len(s.dropna()) and nun > 20 and not pd.api.types.is_float_dtype(s):
            suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=col))
            keys.append(col)
        elif pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) and nun > 20:
            lo, hi = s.min(), s.max()
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(column=col, min_value=float(lo), max_value=float(hi)))
        elif nun <= 20 and not kind:
            values = sorted(s.dropna().unique().tolist(), key=str)
            suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(column=col, value_set=values))
        if kind:
            notes.append(f"{col}: looks like personal data ({kind}) — confirm under personal_data")
        if cat:
            notes.append(f"{col}: looks like an Art. 6 attribute ({cat}) — confirm under protected_attributes")
    lines = [
        f"# Data contract scaffolded from {data_path} by `govreport contracts scaffold`.",
        "# Review every line; entries marked 'confirm' were guessed from names and content.",
        f"name: {name}",
        "description: \"\"",
        "dataset:",
        f"  path: {json.dumps(data_path, ensure_ascii=False)}",
        f"suite: {name}.suite.json",
        "personal_data:                     # Art. 8: masked in every output",
        *[f"  - {c:<30} # confirm: looks like {k}" for c, k in personal],
        "protected_attributes:              # Art. 6",
        *[f"  - {c:<30} # confirm: looks like {k}" for c, k in protected],
        f"keys: {json.dumps(keys[:1], ensure_ascii=False)}",
        "freshness: {max_age_days: 40}",
    ]
    if not personal:
        lines[lines.index("personal_data:                     # Art. 8: masked in every output")] = "personal_data: []"
    if not protected:
        lines[lines.index("protected_attributes:              # Art. 6")] = "protected_attributes: []"
    return suite.to_json_dict(), "\n".join(lines) + "\n", notes


def write_scaffold(folder: Path, name: str, suite: dict[str, Any], contract_text: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sp, cp = folder / f"{name}.suite.json", folder / f"{name}.contract.yaml"
    sp.write_text(json.dumps(suite, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    cp.write_text(contract_text, encoding="utf-8")
    return sp, cp
