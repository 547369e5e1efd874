"""``contracts lint``: problems a review should catch before a run does."""

from __future__ import annotations

from pathlib import Path

from ..errors import GovreportError
from ._load import read_source
from ._model import list_contracts, load_contract
from ._validate import _columns_of, load_suite

__all__ = ["lint"]


def lint(folder: Path, root: Path, period: str | None = None) -> list[str]:
    """One line per problem (empty: clean): unknown expectation types, malformed files, columns the data
    no longer has, a suite written by another Great Expectations version."""
    import great_expectations as gx

    problems: list[str] = []
    for path in list_contracts(folder):
        try:
            cf = load_contract(path)
            suite = load_suite(cf.suite_path)
        except GovreportError as e:
            problems.append(str(e))
            continue
        version = (suite.get("meta") or {}).get("great_expectations_version")
        if version and version != gx.__version__:
            problems.append(f"{cf.suite_path}: written by Great Expectations {version}, installed {gx.__version__} "
                            f"— open and save it with the installed version, then review the diff")
        src = cf.contract.dataset
        if src.path and ("{period}" not in src.path or period):
            try:
                df, data_path = read_source(src, root, period, contract_path=path)
            except GovreportError as e:
                problems.append(str(e))
                continue
            gone = sorted({c for e in suite["expectations"] for c in _columns_of(e) if c not in df.columns})
            if gone:
                problems.append(f"{cf.suite_path}: column(s) {', '.join(gone)} are no longer in {data_path}")
    return problems
