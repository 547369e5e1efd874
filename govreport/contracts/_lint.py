"""``contracts lint``: problems a review should catch before a run does.

Errors (a validation would fail with exit 2): a contract or suite that does not load, an unknown
expectation type or arguments Great Expectations rejects, columns the suite or the contract's keys name
that the data no longer has, unreadable data. Warnings: a suite written by another Great Expectations
version, unconfirmed personal-data or Art. 6 entries, a protected attribute used as a feature without
justification, personal-data / protected / representativeness columns the data lacks, a suite file no
contract uses, a dataset that cannot be found to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..core.yamlio import load_yaml
from ..data.read import SqlTable, fill_period, read_header, resolve_data_path, sql_url
from ..errors import GovreportError
from ._model import CONTRACT_SUFFIX, SUITE_SUFFIX, ContractFile, list_contracts, load_contract
from ._suite import read_suite, suite_problems

__all__ = ["LintIssue", "lint"]


@dataclass
class LintIssue:
    """One finding of :func:`lint`; ``str()`` is one line."""

    severity: Literal["error", "warning"]
    file: str
    message: str
    line: int | None = None
    field: str | None = None
    fix: str | None = None

    @classmethod
    def of(
        cls, e: GovreportError, severity: Literal["error", "warning"] = "error", file: Path | None = None
    ) -> LintIssue:
        return cls(severity, e.file or str(file or ""), e.message, e.line, e.field, e.fix)

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        text = (
            f"{self.severity}: {where}: " + (f"field '{self.field}': " if self.field else "") + self.message
        )
        return text + (f" — {self.fix}" if self.fix else "")

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "fix": self.fix,
        }


def _latest(template: str, root: Path) -> Path | None:
    """The newest file matching a ``{period}`` path (by name: period labels sort in time order)."""
    pattern = template.replace("{period}", "*")
    p = Path(pattern)
    base, rel = (Path(p.anchor), str(p.relative_to(p.anchor))) if p.is_absolute() else (root, pattern)
    found = sorted(base.glob(rel))
    return found[-1] if found else None


def _data_columns(
    cf: ContractFile, root: Path, period: str | None, out: list[LintIssue]
) -> tuple[list[str], str] | None:
    c = cf.contract
    src = c.dataset
    try:
        if src.is_sql:
            url = sql_url(src, cf.path, root)
            table = (
                fill_period(str(src.table), period, file=cf.path, field="dataset.table")
                if "{period}" not in str(src.table) or period
                else None
            )
            if table is None:
                out.append(
                    LintIssue(
                        "warning",
                        str(cf.path),
                        "the table name contains {period}; columns not checked",
                        field="dataset.table",
                        fix="pass --period to check a period's table",
                    )
                )
                return None
            t = SqlTable(url, table, src.schema_name, contract_path=cf.path)
            t.dispose()
            return t.columns, f"table {table}"
        text = str(src.path)
        if text.startswith("spark:"):  # a table of the Spark catalogue: checked when validated on Spark
            out.append(
                LintIssue(
                    "warning",
                    str(cf.path),
                    f"{text} is a Spark table; columns not checked here",
                    field="dataset.path",
                    fix="run `govreport contracts validate` to check it on Spark",
                )
            )
            return None
        if text.startswith("spark+parquet:"):  # Parquet that Spark reads: a local one is checked like a file
            src = src.model_copy(update={"path": text.removeprefix("spark+parquet:")})
        if "{period}" in str(src.path) and not period:
            path = _latest(str(src.path), root)
            if path is None:
                out.append(
                    LintIssue(
                        "warning",
                        str(cf.path),
                        f"no data file matches '{src.path}'; columns not checked",
                        field="dataset.path",
                        fix="pass --period, or check the path",
                    )
                )
                return None
        else:
            path = resolve_data_path(src, root, period, contract_path=cf.path)
        if not path.exists():
            out.append(
                LintIssue(
                    "warning",
                    str(cf.path),
                    f"dataset {path} not found; columns not checked",
                    field="dataset.path",
                    fix="check dataset.path (or pass --period)",
                )
            )
            return None
        if path.is_dir():  # a Parquet folder (Spark's part files): its schema is the first part's
            parts = sorted(path.glob("*.parquet"))
            if not parts:
                out.append(
                    LintIssue(
                        "warning",
                        str(cf.path),
                        f"no Parquet part files in {path}; columns not checked",
                        field="dataset.path",
                        fix="check dataset.path",
                    )
                )
                return None
            return read_header(parts[0], src), str(path)
        return read_header(path, src), str(path)
    except GovreportError as e:
        out.append(LintIssue.of(e, file=cf.path))
        return None


def lint(
    folder: Path | str, root: Path | str | None = None, *, period: str | None = None, check_data: bool = True
) -> list[LintIssue]:
    """Every problem found in the contracts of ``folder`` (empty: clean), errors first."""
    import great_expectations

    folder = Path(folder)
    root = Path(root) if root is not None else folder.resolve().parent
    out: list[LintIssue] = []
    if not folder.is_dir():
        return [
            LintIssue("error", str(folder), "no data_contracts folder", fix="create it, or pass --workspace")
        ]
    used: set[str] = set()
    for path in list_contracts(folder):
        try:
            cf = load_contract(path)
        except GovreportError as e:
            out.append(LintIssue.of(e, file=path))
            used.add(path.name.removesuffix(CONTRACT_SUFFIX) + SUITE_SUFFIX)
            continue
        c = cf.contract
        used.add(c.suite_file)
        suite_cols: list[str] = []
        try:
            sf = read_suite(cf.suite_path)
            out += [LintIssue.of(e) for e in suite_problems(sf)]
            suite_cols = sf.columns()
            if sf.gx_version and sf.gx_version != great_expectations.__version__:
                out.append(
                    LintIssue(
                        "warning",
                        str(sf.path),
                        f"written by Great Expectations {sf.gx_version}, "
                        f"installed {great_expectations.__version__}",
                        field="meta.great_expectations_version",
                        fix="open and save it with the installed version, then review the diff",
                    )
                )
        except GovreportError as e:
            out.append(LintIssue.of(e))
        lines = load_yaml(path)[1]
        for i, p in enumerate(c.personal_data):
            where = {"line": lines.get(("personal_data", i)), "field": f"personal_data[{i}]"}
            if not p.confirmed:
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"personal_data '{p.column}' is not confirmed",
                        fix="set confirmed: true, or delete the entry",
                        **where,
                    )
                )
            if not p.purpose.strip():
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"personal_data '{p.column}' has no purpose",
                        fix="say why the system needs it (Art. 8)",
                        **where,
                    )
                )
        for i, a in enumerate(c.protected_attributes):
            where = {"line": lines.get(("protected_attributes", i)), "field": f"protected_attributes[{i}]"}
            if not a.confirmed:
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"protected attribute '{a.column}' is not confirmed",
                        fix="set confirmed: true, or delete the entry",
                        **where,
                    )
                )
            if a.used_as_feature and not a.justification.strip():
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"protected attribute '{a.column}' is used as a feature without a justification",
                        fix="record the justification (Art. 6)",
                        **where,
                    )
                )
        for col, lab in c.columns.items():  # scaffold's placeholders: a name that is still the code
            todo = [code for code, v in lab.values.items() if v.zh == v.en == code]
            named = lab.label is None or not lab.label.zh == lab.label.en == col
            if not named or todo:
                parts = ([] if named else ["its name"]) + ([f"code(s) {', '.join(todo)}"] if todo else [])
                what = " and ".join(parts)
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"columns '{col}': {what} still read as the code (a placeholder)",
                        fix="write what it means in Chinese and English, e.g. {zh: 女, en: Female}, "
                        "or delete the entry",
                        line=lines.get(("columns", col)),
                        field=f"columns.{col}",
                    )
                )
        if not check_data:
            continue
        found = _data_columns(cf, Path(root), period, out)
        if found is None:
            continue
        columns, where = found
        gone = [col for col in suite_cols if col not in columns]
        if gone:
            out.append(
                LintIssue(
                    "error",
                    str(cf.suite_path),
                    f"column(s) {', '.join(gone)} are no longer in {where}",
                    field=gone[0],
                    fix="fix the export, or remove the expectations on them",
                )
            )
        named = [*c.keys, *([c.freshness.column] if c.freshness and c.freshness.column else [])]
        gone = [col for col in named if col not in columns]
        if gone:
            out.append(
                LintIssue(
                    "error",
                    str(path),
                    f"column(s) {', '.join(gone)} named by keys / freshness.column are not in {where}",
                    field=gone[0],
                    fix="fix the export, or the contract",
                )
            )
        rep_cols = c.representativeness.columns if c.representativeness else []
        for what, cols in (
            ("personal_data", c.personal_columns),
            ("protected_attributes", c.protected_columns),
            ("representativeness.columns", rep_cols),
        ):
            gone = [col for col in cols if col not in columns]
            if gone:
                out.append(
                    LintIssue(
                        "warning",
                        str(path),
                        f"{what} lists {', '.join(gone)}, not in {where}",
                        field=what,
                        fix="remove them, or fix the export",
                    )
                )
    for sp in sorted(folder.glob(f"*{SUITE_SUFFIX}")):
        if sp.name not in used:
            out.append(
                LintIssue(
                    "warning",
                    str(sp),
                    "no contract uses this suite",
                    fix=f"add {sp.name.removesuffix(SUITE_SUFFIX)}{CONTRACT_SUFFIX}, or delete it",
                )
            )
    return sorted(out, key=lambda i: i.severity != "error")
