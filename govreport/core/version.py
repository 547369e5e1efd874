"""The package version, in one place (``govreport.__version__`` and every record's ``versions`` read it)."""

__version__ = "0.1.0"
