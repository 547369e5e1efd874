"""govreport — periodic AI governance reports under the Bankers Association's AI norms.

「金融機構運用人工智慧技術作業規範」 (TBA, 2023, amended 2025): parameterised notebook templates run by
Papermill, data contracts in Great Expectations, fairness / model-quality / explainability /
sustainability indicators, a hash-chained evidence store (Art. 10) and self-contained HTML reports for
senior management (Art. 9, 13).

The public API is ``__all__`` (docs/python-api.md): every function that works on a workspace takes a
:class:`Workspace` or its folder first.

===========================  ===========================================================================
:class:`Workspace`           the files a bank keeps (``Workspace.load(path)``)
:func:`run_period`           run every applicable template of the inventory's systems for a period
:func:`run_portfolio`        then the portfolio templates (sustainability, the periodic review)
:func:`build_review`         the periodic review's content for a period, from the evidence store
:func:`build_site`           the static report site of every period
:func:`assess_frames`        fairness, model quality, drift and explainability of two DataFrames
:class:`EvidenceStore`       the hash-chained evidence store (:func:`open_store` opens a workspace's)
:class:`Status`              green / amber / red / not_assessed
:mod:`errors`                the error tree (every message names the file, the field and the fix)
===========================  ===========================================================================

The run, review, site and assessment functions and :class:`Workspace` are imported on first use
(``govreport.run_period`` loads the runner then), so ``import govreport`` and the command line start without
pandas' and Plotly's import time, and the kernel that presents precomputed results without pydantic's;
Great Expectations, nbconvert and Papermill are imported only by the functions that need them.
"""

from __future__ import annotations

import importlib as _importlib
import warnings as _warnings
from typing import TYPE_CHECKING, Any

from . import _compat, errors
from .core.periods import Period, parse_period
from .core.status import (
    DEFAULT_THRESHOLDS,
    DIMENSIONS,
    Indicator,
    RunStatus,
    Status,
    Threshold,
    threshold_for,
)
from .core.version import __version__
from .errors import GovreportError

if TYPE_CHECKING:  # the lazily imported names, for type checkers and IDEs
    from .assessments.model_risk import assess_frames
    from .assessments.review import build_review
    from .evidence.queries import open_store
    from .evidence.store import EvidenceStore
    from .publish.site import build_site
    from .run.runner import run_period, run_portfolio
    from .workspace.config import Workspace, find_workspace

_compat.install()  # old module paths (govreport.notebook, govreport.charts, …) keep working, with a warning

# Great Expectations imports pyspark when it is installed (the `spark` extra); pyspark 4 then warns about
# pandas 3 at every import, which would land in every notebook's output. Spark's own tests cover the pairing.
_warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)

#: Public names imported on first use → the module that defines them. ``Workspace`` too: the kernel that
#: presents precomputed results (govreport.run.presenting) starts without pydantic and YAML.
_LAZY = {
    "Workspace": "govreport.workspace.config",
    "find_workspace": "govreport.workspace.config",
    "run_period": "govreport.run.runner",
    "run_portfolio": "govreport.run.runner",
    "build_review": "govreport.assessments.review",
    "build_site": "govreport.publish.site",
    "assess_frames": "govreport.assessments.model_risk",
    "EvidenceStore": "govreport.evidence.store",
    "open_store": "govreport.evidence.queries",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govreport' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    # a workspace and what runs on it
    "Workspace",
    "find_workspace",
    "run_period",
    "run_portfolio",
    "build_review",
    "build_site",
    # one scored dataset, no workspace needed
    "assess_frames",
    # the evidence
    "EvidenceStore",
    "open_store",
    # vocabulary
    "Status",
    "RunStatus",
    "Threshold",
    "Indicator",
    "DIMENSIONS",
    "DEFAULT_THRESHOLDS",
    "threshold_for",
    "Period",
    "parse_period",
    # errors
    "errors",
    "GovreportError",
]
