"""The Great Expectations suite file: GX 1.x's own JSON (``ExpectationSuite.to_json_dict()``).

:func:`read_suite` parses it without importing Great Expectations (``contracts list``);
:func:`suite_problems` checks every expectation against the installed Great Expectations (known type,
valid arguments); :func:`build_gx_suite` makes the ``ExpectationSuite`` that is validated.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ContractError

__all__ = [
    "SuiteFile",
    "read_suite",
    "suite_problems",
    "load_suite",
    "build_gx_suite",
    "columns_of",
    "dimension_of",
    "DIMENSION_OF",
    "import_gx",
]

#: Expectation types summarised under completeness or uniqueness; every other type counts as validity.
#: An expectation can name its dimension itself: ``"meta": {"dimension": "completeness"}``.
DIMENSION_OF: dict[str, str] = {
    "expect_column_values_to_not_be_null": "completeness",
    "expect_column_to_exist": "completeness",
    "expect_table_columns_to_match_set": "completeness",
    "expect_table_columns_to_match_ordered_list": "completeness",
    "expect_table_column_count_to_equal": "completeness",
    "expect_table_column_count_to_be_between": "completeness",
    "expect_table_row_count_to_be_between": "completeness",
    "expect_table_row_count_to_equal": "completeness",
    "expect_column_proportion_of_non_null_values_to_be_between": "completeness",
    "expect_column_values_to_be_unique": "uniqueness",
    "expect_compound_columns_to_be_unique": "uniqueness",
    "expect_select_column_values_to_be_unique_within_record": "uniqueness",
    "expect_column_proportion_of_unique_values_to_be_between": "uniqueness",
    "expect_column_unique_value_count_to_be_between": "uniqueness",
}
_SUMMARISED = ("completeness", "validity", "uniqueness")
_EXPECTATION_KEYS = {
    "type",
    "kwargs",
    "meta",
    "notes",
    "description",
    "id",
    "rendered_content",
    "severity",
    "expectation_context",
    "success_on_last_run",
}
_SUITE_KEYS = {"name", "id", "expectations", "suite_parameters", "meta", "notes"}
_COLUMN_KEYS = ("column", "column_A", "column_B")
_GX_FIX = "see docs/contracts.md; open the suite with Great Expectations 1.x to edit it"


def import_gx() -> Any:
    """``import great_expectations`` (≈6 s, so only when validating), with analytics and progress bars off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def dimension_of(exp: dict[str, Any]) -> str:
    meta = exp.get("meta") or {}
    dim = meta.get("dimension") if isinstance(meta, dict) else None
    if dim in _SUMMARISED:
        return str(dim)
    return DIMENSION_OF.get(str(exp.get("type")), "validity")


def columns_of(exp: dict[str, Any]) -> list[str]:
    """The columns an expectation reads (not the column lists of table-shape expectations)."""
    kw = exp.get("kwargs") or {}
    cols = [kw[k] for k in _COLUMN_KEYS if isinstance(kw.get(k), str)]
    if not str(exp.get("type", "")).startswith("expect_table_"):
        cols += [c for c in kw.get("column_list") or [] if isinstance(c, str)]
    return cols


@dataclass
class SuiteFile:
    """A suite file as read: its JSON, SHA-256 and the line of each expectation."""

    path: Path
    data: dict[str, Any]
    sha256: str
    lines: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.path.name.removesuffix(".suite.json"))

    @property
    def expectations(self) -> list[dict[str, Any]]:
        return list(self.data.get("expectations") or [])

    @property
    def gx_version(self) -> str | None:
        meta = self.data.get("meta") or {}
        v = meta.get("great_expectations_version") if isinstance(meta, dict) else None
        return str(v) if v else None

    def line_of(self, index: int) -> int | None:
        return self.lines[index] if 0 <= index < len(self.lines) else None

    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for e in self.expectations:
            for c in columns_of(e):
                seen.setdefault(c, None)
        return list(seen)


def _error(
    sf: SuiteFile | Path,
    message: str,
    fix: str,
    *,
    index: int | None = None,
    field: str | None = None,
    line: int | None = None,
) -> ContractError:
    path = sf.path if isinstance(sf, SuiteFile) else sf
    if index is not None and isinstance(sf, SuiteFile):
        line = line or sf.line_of(index)
    return ContractError(message, file=path, line=line, field=field, fix=fix)


def read_suite(path: Path | str) -> SuiteFile:
    """Parse the suite JSON (no Great Expectations import): clear errors for a missing or malformed file
    and for a suite in the Great Expectations 0.x format."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContractError(
            "suite file not found",
            file=path,
            fix="check `suite:` in the contract, or write the suite (`govreport contracts scaffold`)",
        ) from None
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise ContractError("the suite is not UTF-8 text", file=path, fix="save it as UTF-8") from None
    except json.JSONDecodeError as e:
        raise ContractError(
            f"malformed suite JSON: {e.msg} (column {e.colno})",
            file=path,
            line=e.lineno,
            fix="fix the JSON syntax (a missing comma, bracket or quote)",
        ) from None
    if not isinstance(data, dict):
        raise ContractError(
            "not a Great Expectations suite (the top level is not an object)",
            file=path,
            line=1,
            fix="write it with ExpectationSuite.to_json_dict() or `govreport contracts scaffold`",
        )
    if "expectation_suite_name" in data or any(
        isinstance(e, dict) and "expectation_type" in e for e in data.get("expectations") or []
    ):
        raise ContractError(
            "the suite is in the Great Expectations 0.x format (expectation_suite_name / expectation_type)",
            file=path,
            fix="rename expectation_suite_name to name and expectation_type to type, "
            "or re-save the suite with Great Expectations 1.x",
        )
    if not isinstance(data.get("expectations"), list):
        raise ContractError(
            "not a Great Expectations suite (no `expectations` list)",
            file=path,
            field="expectations",
            fix="write it with ExpectationSuite.to_json_dict() or `govreport contracts scaffold`",
        )
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r'"type"\s*:\s*"', text)]
    if len(lines) != len(data["expectations"]):
        lines = []
    return SuiteFile(path, data, hashlib.sha256(raw).hexdigest(), lines)


def _pydantic_message(e: Exception) -> str:
    errors = getattr(e, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            loc = ".".join(str(x) for x in first.get("loc", ()) if x != "__root__")
            msg = str(first.get("msg", ""))
            return f"{loc}: {msg}" if loc else msg
        except Exception:  # pragma: no cover - an unexpected pydantic shape
            pass
    return str(e).strip().splitlines()[-1][:200]


def suite_problems(sf: SuiteFile) -> list[ContractError]:
    """Every problem Great Expectations would have with the suite: unknown top-level keys, unknown
    expectation types (Great Expectations silently drops those), arguments it rejects."""
    import_gx()
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
    from great_expectations.expectations.registry import get_expectation_impl

    problems: list[ContractError] = []
    extra = sorted(set(sf.data) - _SUITE_KEYS)
    if extra:
        problems.append(
            _error(
                sf,
                f"unknown top-level key '{extra[0]}' in the suite",
                f"remove it ({_GX_FIX})",
                field=extra[0],
            )
        )
    for i, exp in enumerate(sf.expectations):
        where = f"expectations[{i}]"
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str):
            problems.append(
                _error(
                    sf, "an expectation without a `type`", f"give it a type ({_GX_FIX})", index=i, field=where
                )
            )
            continue
        kind = exp["type"]
        unknown = sorted(set(exp) - _EXPECTATION_KEYS)
        if unknown:
            problems.append(
                _error(
                    sf,
                    f"unknown key '{unknown[0]}' in expectation {kind}",
                    f"move it into `meta` or remove it ({_GX_FIX})",
                    index=i,
                    field=where,
                )
            )
            continue
        try:
            get_expectation_impl(kind)
        except Exception:
            problems.append(
                _error(
                    sf,
                    f"unknown expectation type '{kind}'",
                    "use a Great Expectations 1.x type such as expect_column_values_to_not_be_null "
                    "(list: https://greatexpectations.io/expectations)",
                    index=i,
                    field=f"{where}.type",
                )
            )
            continue
        if not isinstance(exp.get("kwargs", {}), dict):
            problems.append(
                _error(
                    sf,
                    f"the kwargs of {kind} are not an object",
                    f"fix them ({_GX_FIX})",
                    index=i,
                    field=f"{where}.kwargs",
                )
            )
            continue
        try:
            ExpectationConfiguration(**{k: v for k, v in exp.items() if k != "id"}).to_domain_obj()
        except Exception as e:
            problems.append(
                _error(
                    sf,
                    f"invalid arguments for {kind}: {_pydantic_message(e)}",
                    f"correct the kwargs ({_GX_FIX})",
                    index=i,
                    field=f"{where}.kwargs",
                )
            )
    return problems


def load_suite(path: Path | str) -> SuiteFile:
    """Read the suite and check it against the installed Great Expectations; raise the first problem."""
    sf = read_suite(path)
    problems = suite_problems(sf)
    if problems:
        raise problems[0]
    return sf


def build_gx_suite(
    sf: SuiteFile,
    extra: list[dict[str, Any]] | None = None,
    adapt: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[Any, list[str]]:
    """The ``ExpectationSuite`` to validate (the file's expectations, then ``extra``) and the id given to
    each, so results can be matched back to the file's order. ``adapt`` rewrites an expectation for the
    engine that validates it (the Spark engine reads pandas type names as their Spark types)."""
    gx = import_gx()
    exps = [*sf.expectations, *(extra or [])]
    if adapt is not None:
        exps = [adapt(e) for e in exps]
    ids = [str(uuid.UUID(int=i + 1)) for i in range(len(exps))]
    built = [
        {**{k: v for k, v in e.items() if k in _EXPECTATION_KEYS}, "id": i}
        for e, i in zip(exps, ids, strict=True)
    ]
    suite = gx.ExpectationSuite(
        name=sf.name,
        expectations=built,
        meta=sf.data.get("meta") or {},
        suite_parameters=sf.data.get("suite_parameters") or {},
    )
    if len(suite.expectations) != len(built):  # pragma: no cover - suite_problems catches what GX would drop
        raise _error(sf, "Great Expectations dropped an expectation it could not read", _GX_FIX)
    return suite, ids
