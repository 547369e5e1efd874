"""What a scaffold produces: the decisions it made (:class:`Guess`), the :class:`Scaffold` itself, the
contract's commented YAML, and writing the suite and contract files (which must read back).

Contract: no data is read here; :mod:`._scaffold` decides, this module writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..data.masking import mask_text
from ..errors import InputError
from ._model import load_contract

__all__ = ["Guess", "Scaffold", "contract_text", "write_scaffold"]


@dataclass
class Guess:
    """One thing the scaffold decided about a column, and from what: its ``name`` or its ``values``."""

    column: str
    source: str  # "name" | "values"
    what: str
    evidence: str = ""

    def __str__(self) -> str:
        return f"{self.column}: {self.what}" + (f" ({self.evidence})" if self.evidence else "")


@dataclass
class Scaffold:
    """A scaffolded contract: the suite (GX JSON), the contract's YAML text, and what was guessed."""

    name: str
    suite: dict[str, Any]
    contract_text: str
    personal: list[tuple[str, str]] = field(default_factory=list)
    protected: list[tuple[str, str, str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    freshness_column: str | None = None
    notes: list[str] = field(default_factory=list)
    guesses: list[Guess] = field(default_factory=list)
    rows: int = 0
    sampled: int = 0

    def by(self, source: str) -> list[Guess]:
        """The guesses made from column names (``"name"``) or from the values (``"values"``)."""
        return [g for g in self.guesses if g.source == source]


def _q(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)


def contract_text(
    name: str,
    data_path: str,
    encoding: str | None,
    delimiter: str | None,
    personal: list[tuple[str, str]],
    protected: list[tuple[str, str, str]],
    keys: list[str],
    fresh: str | None,
    *,
    rows: int,
    rows_read: int | None,
    sampled: int = 0,
    truncated: bool = False,
    guesses: list[Guess] | None = None,
    coded: dict[str, tuple[list[int], str | None]] | None = None,
) -> str:
    day = datetime.now(UTC).date().isoformat()
    read = (
        f"{rows:,} rows"
        + (f" of {rows_read:,}" if rows_read and rows_read != rows else "")
        + (" (the file's first rows only)" if truncated else "")
    )
    lines = [
        f"# Data contract scaffolded by `govreport contracts scaffold` from {data_path} ({read}) on {day}.",
        "# Review every line. Entries with `confirmed: false` were guessed from column names and content:",
        "# set confirmed: true, or delete them. Give each personal-data column its purpose (Art. 8).",
        "# Format: docs/contracts.md. Its suite is the Great Expectations JSON beside this file.",
        f"# The suite's sets, ranges, lengths, null tolerances and key come from all {rows:,} rows read; the",
        f"# format guesses from {sampled or rows:,} sampled rows. "
        "Tolerances (`mostly`): the observed share of",
        "# misses doubled, and at least one point more. What was guessed, and from what:",
    ]
    for g in guesses or []:
        said = " ".join(mask_text(str(g)).split())  # one comment line, whatever the column name holds
        lines.append(f"#   [{'by name  ' if g.source == 'name' else 'by values'}] {said}")
    lines += [
        f"name: {name}",
        'description: ""',
        'owner: ""',
        "dataset:",
        f"  path: {_q(data_path)}",
    ]
    if encoding:
        lines.append(f"  encoding: {_q(encoding)}")
    if delimiter:
        lines.append(f"  delimiter: {_q(delimiter)}")
    lines.append(f"suite: {name}.suite.json")
    if personal:
        lines.append(
            "personal_data:                # Art. 8: masked in every output; map each to its purpose"
        )
        lines += [f'  - {{column: {_q(c)}, kind: {k}, purpose: "", confirmed: false}}' for c, k in personal]
    else:
        lines.append(
            "personal_data: []             # Art. 8: none found — add any column holding personal data"
        )
    if protected:
        lines.append(
            "protected_attributes:         # Art. 6: assessed for fairness; say if the model uses it"
        )
        lines += [
            f"  - {{column: {_q(c)}, attribute: {a}, used_as_feature: null, confirmed: false}}  # by {how}"
            for c, a, how in protected
        ]
    else:
        lines.append("protected_attributes: []      # Art. 6: none found")
    lines += columns_block(coded or {})
    lines.append(f"keys: [{', '.join(_q(k) for k in keys)}]")
    lines.append("freshness:                    # age of the newest record (column) or of the file")
    if fresh:
        lines.append(f"  column: {_q(fresh)}")
    lines.append("  max_age_days: 40")
    lines += [
        "# representativeness:          # compare with the training data (PSI per column)",
        '#   reference: {path: "data/training.csv"}',
        "#   columns: []                # default: the protected attributes",
        "# thresholds:                  # override a dimension's lines, e.g.",
        "#   completeness: {green: 0.99, red: 0.95}",
    ]
    return "\n".join(lines) + "\n"


#: a name to start from for an Art. 6 attribute's column (the data engineer checks it)
_CATEGORY_NAMES = {
    "sex": ("性別", "Sex"),
    "age": ("年齡", "Age"),
    "marital_status": ("婚姻狀況", "Marital status"),
    "nationality": ("國籍", "Nationality"),
    "ethnicity": ("種族", "Ethnicity"),
    "disability": ("身心障礙", "Disability"),
    "religion": ("宗教", "Religion"),
}


def columns_block(coded: dict[str, tuple[list[int], str | None]]) -> list[str]:
    """The ``columns:`` block for columns holding a few integer codes: placeholder names (the code itself,
    or a name to start from for an Art. 6 attribute) that `contracts lint` flags until a person fills them
    in — reports show these names instead of the codes (docs/contracts.md)."""
    if not coded:
        return []
    lines = [
        "columns:                      # how reports name these columns and their codes (docs/contracts.md):",
        "                              # FILL IN each name in Chinese and English — until then reports show",
        "                              # the codes; `contracts lint` warns while a name is still the code",
    ]
    for col, (codes, cat) in coded.items():
        zh, en = _CATEGORY_NAMES.get(cat or "", (col, col))
        hint = "check the name" if cat in _CATEGORY_NAMES else "the column's name, e.g. {zh: 性別, en: Sex}"
        lines.append(f"  {_q(col)}:")
        lines.append(f"    label: {{zh: {_q(zh)}, en: {_q(en)}}}  # {hint}")
        lines.append(f"    values:                    # {len(codes)} codes seen: what each one means")
        lines += [f"      {c}: {{zh: {_q(str(c))}, en: {_q(str(c))}}}" for c in codes]
    return lines


def write_scaffold(folder: Path | str, sc: Scaffold, *, force: bool = False) -> tuple[Path, Path]:
    """Write ``<name>.suite.json`` and ``<name>.contract.yaml`` into ``folder``; returns their paths."""
    folder = Path(folder)
    sp, cp = folder / f"{sc.name}.suite.json", folder / f"{sc.name}.contract.yaml"
    for p in (cp, sp):
        if p.exists() and not force:
            raise InputError(f"{p.name} already exists", file=p, fix="choose another --name, or pass --force")
    folder.mkdir(parents=True, exist_ok=True)
    sp.write_text(json.dumps(sc.suite, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    cp.write_text(sc.contract_text, encoding="utf-8")
    load_contract(cp)  # what was written must read back
    return sp, cp
