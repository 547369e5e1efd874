"""workspace — every file a bank keeps: ``govreport.yaml`` (config, incl. Spark settings), the inventory
``systems/*.yaml`` with energy declarations, ``findings.yaml``, ``sustainability.yaml`` and the grid factors,
and ``govreport init`` (scaffold).

Contract: reads and validates those files; knows nothing about runs, the evidence store or reports.
"""

from .config import (
           CONFIG_FILE,
           EngineSettings,
           NotifySettings,
           RunSettings,
           SmtpSettings,
           Workspace,
           WorkspaceConfig,
           find_workspace,
)

__all__ = ["Workspace", "WorkspaceConfig", "RunSettings", "NotifySettings", "SmtpSettings", "EngineSettings",
           "find_workspace", "CONFIG_FILE"]
