"""govreport — periodic AI governance reports under the Bankers Association's AI norms.

「金融機構運用人工智慧技術作業規範」 (TBA, 2023, amended 2025): parameterised notebook templates run by
Papermill, data contracts in Great Expectations, fairness / model-quality / explainability /
sustainability indicators, a hash-chained evidence store (Art. 10) and self-contained HTML reports for
senior management (Art. 9, 13).

The public API is listed in ``__all__``; heavy dependencies (Great Expectations, nbconvert, Papermill)
are imported only by the functions that need them.
"""

from __future__ import annotations

import warnings as _warnings

__version__ = "0.1.0"

from . import _compat
from .core.periods import Period, parse_period
from .core.status import DEFAULT_THRESHOLDS, DIMENSIONS, Indicator, Status, Threshold, threshold_for
from .errors import GovreportError
from .workspace.config import Workspace, find_workspace

_compat.install()  # old module paths (govreport.notebook, govreport.charts, …) keep working, with a warning

# Great Expectations imports pyspark when it is installed (the `spark` extra); pyspark 4 then warns about
# pandas 3 at every import, which would land in every notebook's output. Spark's own tests cover the pairing.
_warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

__all__ = [
    "__version__",
    "GovreportError",
    "Period",
    "parse_period",
    "Status",
    "Threshold",
    "Indicator",
    "DIMENSIONS",
    "DEFAULT_THRESHOLDS",
    "threshold_for",
    "Workspace",
    "find_workspace",
]
