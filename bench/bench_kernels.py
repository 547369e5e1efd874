"""One kernel's start, forked from the worker's zygote against started with Popen (issue 22).

``python bench/bench_kernels.py [--kernels 5]`` starts kernels one after another as the worker does
(:func:`govreport.run.kernels.kernel_manager`), runs in each the import cell of the model_risk template,
then shuts it down; per mode, the CPU of each kernel (user + sys, from start to exit: ``RUSAGE_CHILDREN``
for a Popen kernel, the zygote's ``wait4`` for a forked one) and the wall from start to ready. The zygote's
own start (its imports, paid once per worker) is printed apart. Writes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from govreport.run import kernels  # noqa: E402

CELL = (
    "from IPython.display import HTML, display\n"
    "from govreport.present import charts, figures, html as report_html, training as training_report\n"
    "from govreport.assessments.registry import computation\n"
    "from govreport.present.i18n import bi\n"
    "from govreport.run.context import open_context\n"
)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


async def _one() -> tuple[float, float, bool]:
    """Wall to ready and to the end of the import cell; whether it was forked."""
    t0 = time.perf_counter()
    km = kernels.kernel_manager("python3")
    await km.start_kernel()
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=120)
    ready = time.perf_counter() - t0
    kc.execute(CELL)
    while True:
        msg = await kc.get_iopub_msg(timeout=120)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    done = time.perf_counter() - t0
    kc.stop_channels()
    await km.shutdown_kernel()
    return ready, done, bool(getattr(km.provisioner, "forked", False))


def _mode(n: int, fork: bool) -> dict[str, list[float]]:
    os.environ[kernels.SWITCH] = "1" if fork else "0"
    out: dict[str, list[float]] = {"cpu": [], "ready": [], "cell": []}
    if fork:
        before = _children_cpu()
        z = kernels.start_zygote()
        assert z is not None and z.wait_ready()
        print(f"zygote ready (wall {time.perf_counter():.0f})", file=sys.stderr)
    for _ in range(n):
        c0 = kernels.forked_cpu() if fork else _children_cpu()
        ready, cell, forked = asyncio.run(_one())
        assert forked == fork, "the kernel was not started the way this mode measures"
        c1 = kernels.forked_cpu() if fork else _children_cpu()
        out["cpu"].append(c1 - c0)
        out["ready"].append(ready)
        out["cell"].append(cell)
    if fork:
        kernels_cpu = kernels.forked_cpu()
        kernels.stop_zygote()
        out["zygote"] = [_children_cpu() - before - kernels_cpu]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernels", type=int, default=5)
    a = ap.parse_args()
    print(f"load average before: {os.getloadavg()}")
    popen = _mode(a.kernels, fork=False)
    forked = _mode(a.kernels, fork=True)
    print(f"load average after: {os.getloadavg()}")
    print(f"| per kernel (median of {a.kernels}) | Popen | forked |")
    print("|---|--:|--:|")
    for key, label in (
        ("cpu", "kernel CPU, start to exit, with the model_risk import cell (s)"),
        ("ready", "wall, start to ready (s)"),
        ("cell", "wall, start to the import cell done (s)"),
    ):
        print(f"| {label} | {statistics.median(popen[key]):.2f} | {statistics.median(forked[key]):.2f} |")
    print(f"zygote start (once per worker), CPU: {forked['zygote'][0]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
