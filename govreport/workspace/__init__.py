"""workspace — every file a bank keeps: ``govreport.yaml`` (config, incl. Spark settings), the inventory
``systems/*.yaml`` with energy declarations, ``findings.yaml``, ``sustainability.yaml`` and the grid factors,
and ``govreport init`` (scaffold).

Contract: reads and validates those files; knows nothing about runs, the evidence store or reports.
"""

from . import config as _config
from .config import (
    CONFIG_FILE,
    PLACEHOLDER_NAME_EN,
    PLACEHOLDER_NAME_ZH,
    EngineSettings,
    NotifySettings,
    RunSettings,
    SmtpSettings,
    SparkSettings,
    Workspace,
    WorkspaceConfig,
    as_workspace,
    find_workspace,
)

__all__ = [
    "Workspace",
    "WorkspaceConfig",
    "RunSettings",
    "NotifySettings",
    "SmtpSettings",
    "EngineSettings",
    "SparkSettings",
    "find_workspace",
    "as_workspace",
    "CONFIG_FILE",
    "PLACEHOLDER_NAME_ZH",
    "PLACEHOLDER_NAME_EN",
]


def __getattr__(name: str) -> object:
    """Every other public name of ``govreport.workspace`` before the package layout, from :mod:`.config`."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_config, name)
