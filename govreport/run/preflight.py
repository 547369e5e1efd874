"""Pre-flight checks before anything starts: the kernel exists, and each template declares the parameters
the runner injects (a tagged ``parameters`` cell).

Contract: raises one-line errors (:class:`~govreport.errors.KernelError`,
:class:`~govreport.errors.TemplateError`) naming the template and the fix; starts no kernel.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..assessments.registry import computation_name
from ..errors import KernelError, TemplateError
from ..workspace.config import Workspace
from .jobs import Job

#: The parameters the runner injects into every template.
INJECTED = ("workspace", "system_id", "period", "output_dir")


def kernel_specs() -> Any:
    """jupyter_client's ``KernelSpecManager`` with the folders it searches by default — Jupyter's, then
    IPython's own ``kernels`` — named here: its default imports all of IPython to find IPython's folder,
    0.3–0.6 s of CPU for a path, in the runner and in each worker's first job (tests check the folders are
    the same)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_core.paths import jupyter_path

    ipython = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
    return KernelSpecManager(kernel_dirs=[*jupyter_path("kernels"), os.path.join(ipython, "kernels")])


def check_kernel(name: str) -> None:
    """Refuse to start when the kernel is not installed (checked once, before any notebook runs)."""
    from jupyter_client.kernelspec import NoSuchKernel

    try:
        kernel_specs().get_kernel_spec(name)
    except NoSuchKernel:
        raise KernelError(
            f"Jupyter kernel '{name}' is not installed",
            field="run.kernel",
            fix=f"run `python -m ipykernel install --user --name {name}`, "
            "or set run.kernel in govreport.yaml",
        ) from None


def template_parameters(path: Path) -> dict[str, Any]:
    """The parameters a template declares in its cell tagged ``parameters``."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # nbformat raises several unrelated types for bad files
        raise TemplateError(
            f"not a readable notebook ({type(e).__name__})", file=path, fix="restore the file"
        ) from None
    meta = nb.metadata
    if "kernelspec" not in meta or "language_info" not in meta:
        raise TemplateError(
            "notebook metadata lacks kernelspec or language_info (Papermill needs both)",
            file=path,
            fix="open and save it in JupyterLab with a Python kernel",
        )
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise TemplateError("no cell tagged 'parameters'", file=path, fix="tag the cell holding the defaults")
    from papermill.inspection import inspect_notebook

    return inspect_notebook(str(path))


def kernel_runs_this_python(name: str) -> bool:
    """Whether kernel ``name`` runs the interpreter of this process — then the runner's worker may compute
    a template's results for it (:mod:`govreport.assessments.registry`), with the same packages; a kernel of
    another environment computes its own."""
    try:
        argv = kernel_specs().get_kernel_spec(name).argv
    except Exception:
        return False
    if not argv:
        return False
    v = sys.version_info
    if argv[0] in ("python", f"python{v.major}", f"python{v.major}.{v.minor}"):
        return True  # jupyter_client starts such a kernel with sys.executable
    exe = shutil.which(argv[0])
    return exe is not None and Path(exe).resolve() == Path(sys.executable).resolve()


def _preflight(ws: Workspace, jobs: Sequence[Job]) -> None:
    check_kernel(ws.config.run.kernel)
    same_python = kernel_runs_this_python(ws.config.run.kernel)
    seen: dict[Path, dict[str, Any]] = {}
    for job in jobs:
        if job.template_path not in seen:
            seen[job.template_path] = template_parameters(job.template_path)
        missing = [p for p in INJECTED if p not in seen[job.template_path]]
        if missing:
            raise TemplateError(
                f"template does not declare the parameter(s) {', '.join(missing)}",
                file=job.template_path,
                fix=f"declare {', '.join(INJECTED)} in its 'parameters' cell",
            )
        job.computes = computation_name(job.template, job.template_path)  # a copy computes like its origin
        job.precomputable = (
            same_python and "precomputed" in seen[job.template_path] and job.computes is not None
        )
