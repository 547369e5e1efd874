"""Data contracts (Art. 7, 8): a dataset, its Great Expectations suite, and what the bank must know of it.

A contract is ``data_contracts/<name>.contract.yaml`` (:class:`Contract`) beside its suite in Great
Expectations' own JSON, ``<name>.suite.json``, so GX's tools can read and edit it. Dropping the two files
into ``data_contracts/`` is enough for them to be listed, linted and validated (``docs/contracts.md``).

:func:`validate` runs the suite through Great Expectations' own engine (pandas for files, SQL for a
table) and summarises it into completeness, validity, uniqueness, freshness and representativeness, each
an :class:`~govreport.core.status.Indicator` with a status and threshold; sample values of personal-data
columns are masked. Great Expectations (≈6 s to import) is imported only when validating, scaffolding or
linting, never by ``import govreport.contracts``.
"""

from __future__ import annotations

from ..core.expectations import expectation_key, signature
from ._dimensions import LABELS as DIMENSION_LABELS
from ._lint import LintIssue, lint
from ._model import (
    QUALITY_DIMENSIONS,
    Contract,
    ContractFile,
    DatasetSource,
    Freshness,
    PersonalField,
    ProtectedAttribute,
    Representativeness,
    ThresholdOverride,
    Thresholds,
    find_contract,
    list_contracts,
    load_contract,
)
from ._result import ContractResult, gx_context
from ._scaffold import Scaffold, detect_protected_attribute, personal_not_text, scaffold, write_scaffold
from ._spark import is_spark_data, validate_suite_on_spark
from ._suite import DIMENSION_OF, SuiteFile, load_suite, read_suite
from ._validate import validate

#: Kept for callers of the first version: the five dimensions in report order.
DIMENSIONS = QUALITY_DIMENSIONS

__all__ = [
    "gx_context",
    # the contract file
    "Contract",
    "ContractFile",
    "DatasetSource",
    "PersonalField",
    "ProtectedAttribute",
    "Freshness",
    "Representativeness",
    "ThresholdOverride",
    "Thresholds",
    "load_contract",
    "list_contracts",
    "find_contract",
    # the suite file
    "SuiteFile",
    "read_suite",
    "load_suite",
    # validation
    "validate",
    "ContractResult",
    "validate_suite_on_spark",
    "personal_not_text",
    "is_spark_data",
    "QUALITY_DIMENSIONS",
    "DIMENSIONS",
    "DIMENSION_OF",
    "DIMENSION_LABELS",
    # scaffold and lint
    "scaffold",
    "write_scaffold",
    "Scaffold",
    "detect_protected_attribute",
    "lint",
    "LintIssue",
    # naming an expectation
    "signature",
    "expectation_key",
]
