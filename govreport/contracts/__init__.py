"""Data contracts (Art. 7, 8): a dataset, its Great Expectations suite, and what the bank must know of it.

A contract is ``data_contracts/<name>.contract.yaml`` (this package's :class:`Contract`) beside the suite
in Great Expectations' own JSON, ``<name>.suite.json``, so GX's tools can read and edit it. Dropping the
two files into ``data_contracts/`` is enough for them to be listed, linted and validated.

:func:`validate` runs the suite through Great Expectations' own engine (pandas for files, SQL for a table)
and summarises it into completeness, validity, uniqueness, freshness and representativeness, each an
indicator with a status and threshold; sample values of personal-data columns are masked. Great
Expectations is imported only when validating, scaffolding or linting.
"""

from __future__ import annotations

from ._lint import lint
from ._model import Contract, ContractFile, DatasetSource, Freshness, list_contracts, load_contract
from ._scaffold import scaffold, write_scaffold
from ._validate import DIMENSION_OF, DIMENSIONS, ContractResult, load_suite, validate

__all__ = [
    "Contract",
    "ContractFile",
    "DatasetSource",
    "Freshness",
    "ContractResult",
    "DIMENSIONS",
    "DIMENSION_OF",
    "list_contracts",
    "load_contract",
    "load_suite",
    "validate",
    "scaffold",
    "write_scaffold",
    "lint",
]
