"""Process plumbing shared by the runner's worker and the Spark launch."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["output_to"]


@contextlib.contextmanager
def output_to(log_path: str | Path) -> Iterator[None]:
    """Point this process's stdout and stderr — file descriptors 1 and 2, so that child processes started
    meanwhile (a Jupyter kernel, Spark's Java process) inherit them — at ``log_path`` (appended to), and
    back afterwards, also after an exception."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    saved = os.dup(1), os.dup(2)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for f in (fd, *saved):
            os.close(f)
