"""The one exception tree of govreport.

Every error a user can cause is a :class:`GovreportError`. Its ``str()`` is a single line that names
where the problem is (file, line, field), what is wrong, and how to fix it; the CLI prints that line and
exits with :attr:`GovreportError.exit_code` instead of showing a traceback.

::

    GovreportError                 exit 2 unless noted
    ├── ConfigError                a workspace file is missing or invalid (govreport.yaml, systems/*.yaml)
    │   ├── InventoryError         an AI-system record is invalid, or an id is unknown
    │   └── ScheduleError          a schedule file is invalid
    ├── InputError                 a command-line value is invalid
    │   └── PeriodError            a period is not YYYYQn, YYYY-MM or YYYY
    ├── DataError                  a dataset is missing, unreadable or lacks a column
    │   ├── ContractError          a data contract or its Great Expectations suite is invalid
    │   └── MetricInputError       data cannot be assessed as declared (labels, scores, groups)
    ├── KernelError                the Jupyter kernel for the templates is not installed
    ├── TemplateError              a notebook template is missing, malformed or has bad parameters
    ├── StorageError               a file or folder cannot be written or read (read-only, disk full,
    permissions) ├── RunFailed                  one or more notebook runs failed (exit 1) ├──
    ValidationFailed           data failed its expectations (exit 1) └── EvidenceError              the
    evidence store cannot be opened or written
        └── TamperedEvidence       ``evidence verify`` found a changed, removed or reordered record (exit 1)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "GovreportError",
    "ConfigError",
    "InventoryError",
    "ScheduleError",
    "InputError",
    "PeriodError",
    "DataError",
    "ContractError",
    "MetricInputError",
    "MissingData",
    "KernelError",
    "TemplateError",
    "StorageError",
    "RunFailed",
    "ValidationFailed",
    "EvidenceError",
    "TamperedEvidence",
]


class GovreportError(Exception):
    """Base class: a problem a user can understand and fix.

    Parameters
    ----------
    message:
        What is wrong, in one sentence.
    file, line, field:
        Where it is wrong, when known. ``line`` is 1-based.
    fix:
        What the user should do about it.
    """

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, f"field '{self.field}'" if self.field else "") if p]
        text = ": ".join([*parts, self.message]) if parts else self.message
        if self.fix:
            text += f" — {self.fix}"
        return " ".join(text.split("\n"))


class ConfigError(GovreportError):
    """A workspace configuration file is missing or invalid."""


class InventoryError(ConfigError):
    """An AI-system record is invalid, or a system id is unknown or unsafe."""


class ScheduleError(ConfigError):
    """A schedule file in ``scheduled/`` is invalid."""


class InputError(GovreportError):
    """A value given on the command line or to a library function is invalid."""


class PeriodError(InputError):
    """A period string is not ``YYYYQn``, ``YYYY-MM`` or ``YYYY``."""


class DataError(GovreportError):
    """A dataset is missing, unreadable, empty, or lacks a required column."""


class ContractError(DataError):
    """A data contract or its Great Expectations suite is invalid."""


class MetricInputError(DataError):
    """Data cannot be assessed as declared (label values, scores, protected attributes)."""


class MissingData(DataError):
    """Datasets that the selected jobs cannot run without are absent for the period (checked before a manual
    run starts anything); :attr:`missing` holds one line per dataset (system, dataset, expected path)."""

    def __init__(self, message: str, missing: list[str], **kw: object) -> None:
        self.missing = list(missing)
        super().__init__(message, **kw)  # type: ignore[arg-type]


class KernelError(GovreportError):
    """The Jupyter kernel the templates need is not installed."""


class TemplateError(GovreportError):
    """A notebook template is missing, malformed, or was given parameters it does not declare."""


class StorageError(GovreportError):
    """A file or folder cannot be written or read: a read-only workspace, a full disk, missing permissions.

    :meth:`from_os` turns an :class:`OSError` into the one line users read (the path, what happened, the fix).
    """

    _FIXES = {
        "EROFS": "the file system is mounted read-only: run govreport on a writable copy of the workspace",
        "ENOSPC": "the disk is full: free space (old reports/.staging, site/ copies) and run again",
        "EDQUOT": "the disk quota is exceeded: free space and run again",
        "EACCES": "you may not write there: check the folder's owner and permissions",
        "EPERM": "you may not write there: check the folder's owner and permissions",
    }

    @classmethod
    def from_os(cls, e: OSError, action: str = "cannot write") -> StorageError:
        import errno

        code = errno.errorcode.get(e.errno or 0, "")
        what = e.strerror or str(e)
        return cls(
            f"{action}: {what}" + (f" ({code})" if code else ""),
            file=e.filename,
            fix=cls._FIXES.get(code, "check the disk and the folder's permissions, then run again"),
        )


class RunFailed(GovreportError):
    """One or more notebook runs failed; the others completed and all were recorded."""

    exit_code = 1


class ValidationFailed(GovreportError):
    """Data failed one or more of its expectations."""

    exit_code = 1


class EvidenceError(GovreportError):
    """The evidence store cannot be opened, read or written."""


class TamperedEvidence(EvidenceError):
    """A stored record or output file no longer matches the hash chain."""

    exit_code = 1
