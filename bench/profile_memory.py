"""Peak memory of one system's model-risk assessment, step by step, in one long-lived process (issue 8).

    python bench/profile_memory.py --ws bench/out/ws/s1-r10000000-p1            # card-01, 2026Q3
    python bench/profile_memory.py --ws bench/out/ws/s1-r1000000-p2 --results /tmp/after.json
    python bench/profile_memory.py --ws … --variant proposed          # the changes proposed for assess.py
    python bench/profile_memory.py --ws … --gx-metrics                # + each Great Expectations metric
    python bench/profile_memory.py --ws … --gx-unique-sort            # the uniqueness check proposed for GX
    python bench/profile_memory.py --compare /tmp/before.json /tmp/after.json    # field by field

The process first imports what a long-lived worker would already hold (pandas, Great Expectations,
scikit-learn, Papermill, nbconvert, Plotly), then runs what the model-risk template's library cell runs:
``open_context(ws, system, period, tmpdir, template="model_risk")`` and ``assess_predictive(ctx)``, and
writes ``results.json`` with ``ctx.save`` (``--results`` copies it where you say, for ``--compare``).

A thread samples this process's RSS (``/proc/self/statm``) every 10 ms; each library call — the two loads,
``assess_frames`` and every metric function in it, ``data_quality``, GX's ``batch.validate`` and the
representativeness check — is wrapped (the real function runs) and gets: RSS when it starts, its peak RSS
while it runs (a sample at its start and end too), the peak's increase over the start ("transient"), and what
it leaves behind ("retained"; freed memory that an allocator keeps counts too). ``--json`` writes it all.
Calls nest: ``assess_frames`` contains the metric functions, ``data_quality`` the Great
Expectations run and the representativeness check. The peak of the whole process is compared with the
in-memory size of the scored dataset (``DataFrame.memory_usage(deep=True)``), issue 8's measure.

``--variant reference-columns|free-reference|proposed`` runs it with changes proposed for
``govreport/assess.py``, made from outside by the wrappers (see :func:`instrument`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MiB = 2**20
_PAGE = os.sysconf("SC_PAGE_SIZE")
TARGET_FACTOR = 3.0
TOP_GX = 12  # --gx-metrics: the Great Expectations metrics shown (largest transient first)


def rss() -> int:
    """Resident set size of this process in bytes (one read of /proc/self/statm)."""
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * _PAGE


@dataclass
class Step:
    name: str
    depth: int
    start: int
    peak: int
    end: int = 0
    seconds: float = 0.0

    @property
    def transient(self) -> int:
        return self.peak - self.start

    @property
    def retained(self) -> int:
        return self.end - self.start


@dataclass
class Profiler:
    """RSS sampled every ``interval`` seconds; the peak of every step still running is raised by each
    sample."""

    interval: float = 0.01
    steps: list[Step] = field(default_factory=list)
    active: list[Step] = field(default_factory=list)
    peak: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sample(self) -> int:
        r = rss()
        with self._lock:
            self.samples += 1
            self.peak = max(self.peak, r)
            for s in self.active:
                s.peak = max(s.peak, r)
        return r

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def start(self) -> None:
        self.peak = rss()
        threading.Thread(target=self._run, daemon=True, name="rss-sampler").start()

    def stop(self) -> None:
        self._stop.set()

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[Step]:
        r = self.sample()
        s = Step(name, len(self.active), r, r)
        with self._lock:
            self.steps.append(s)
            self.active.append(s)
        t0 = time.perf_counter()
        try:
            yield s
        finally:
            s.seconds = time.perf_counter() - t0
            s.end = self.sample()
            with self._lock:
                self.active.remove(s)

    def wrap(self, owner: Any, attr: str, name: Callable[..., str] | str) -> None:
        """Replace ``owner.attr`` by a wrapper timing each call as a step (the real function runs)."""
        real = getattr(owner, attr)

        @functools.wraps(real)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.step(name(*args, **kwargs) if callable(name) else name):
                return real(*args, **kwargs)

        setattr(owner, attr, wrapper)


def import_worker_modules() -> None:
    """What a long-lived worker (or a kernel) has imported before the first system."""
    import warnings

    warnings.filterwarnings("ignore")
    import great_expectations  # noqa: F401
    import nbconvert  # noqa: F401
    import pandas  # noqa: F401
    import papermill  # noqa: F401
    import plotly.graph_objects  # noqa: F401
    import sklearn.ensemble  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    import govreport.assessments.model_risk  # noqa: F401
    import govreport.contracts  # noqa: F401
    import govreport.metrics  # noqa: F401


def instrument(
    prof: Profiler, sizes: dict[str, int], columns_only: bool = False, release: bool = False
) -> None:
    """Wrap the library calls of ``assess_predictive`` (see the module docstring), with the changes proposed
    for ``govreport/assess.py`` made from outside (``--variant``; the library code itself runs unchanged):

    ``columns_only``: the reference is read with only the columns the indicators use (label, score,
    features) — a partial frame, so it is not offered to the contract validation, which validates whole files;
    ``release``: once the indicators are computed the reference's columns are dropped (in place: the frame
    ``assess_predictive`` holds is emptied) and forgotten by the context, as if ``assess_predictive`` released
    it before ``ctx.data_quality()`` (and had Arrow's allocator hand the memory back); the representativeness
    check then reads the columns it compares itself.
    """
    from great_expectations.datasource.fluent.interfaces import Batch

    import govreport.assessments.model_risk as assess
    import govreport.contracts._validate as validate_mod
    import govreport.metrics as metrics
    from govreport.data.read import read_parquet
    from govreport.run.context import TemplateContext

    real_load = TemplateContext.load
    contexts: list[TemplateContext] = []

    def load(self: TemplateContext, role: str, columns: Any = None) -> Any:
        contexts.append(self)
        m = self.system.model
        if columns_only and role == "reference" and m is not None:
            import pyarrow.parquet as pq

            path = self.dataset_path(role)
            used = {m.label, m.score, *m.features}
            with prof.step(f"load {role} (columns used)"):
                df = read_parquet(path, columns=[c for c in pq.read_schema(path).names if c in used])
        else:
            with prof.step(f"load {role}" + (" (columns used)" if columns is not None else "")):
                df = real_load(self, role, columns)
        sizes[role] = int(df.memory_usage(deep=True).sum())
        return df

    TemplateContext.load = load  # type: ignore[method-assign]
    real_frames = assess.assess_frames

    def assess_frames(current: Any, reference: Any, **kwargs: Any) -> Any:
        with prof.step("assess_frames (indicators)"):
            result = real_frames(current, reference, **kwargs)
        if release and reference is not None:
            import pyarrow as pa

            reference.drop(columns=list(reference.columns), inplace=True)
            for ctx in contexts:
                for key in [k for k, v in ctx._frames.items() if v is reference]:
                    del ctx._frames[key]
            # a Parquet frame's numeric columns are Arrow's memory (zero-copy conversion): hand it back now,
            # not whenever Arrow's allocator next purges
            pa.default_memory_pool().release_unused()
        return result

    assess.assess_frames = assess_frames  # type: ignore[assignment]
    prof.wrap(TemplateContext, "data_quality", "data_quality (Great Expectations)")
    prof.wrap(validate_mod, "_representativeness", "representativeness")
    prof.wrap(Batch, "validate", "GX batch.validate")
    for fn in ("fairness", "proxy_scan", "drift", "feature_importance", "reason_codes"):
        prof.wrap(metrics, fn, fn)
    prof.wrap(
        metrics,
        "model_quality",
        lambda *a, **kw: f"model_quality ({'current' if 'reference_gini' in kw else 'reference'})",
    )


def instrument_gx_metrics(prof: Profiler) -> None:
    """Each metric Great Expectations computes directly (map metrics, value counts, …) as a step of its own,
    named ``GX <metric> <column>`` (``--gx-metrics``)."""
    from great_expectations.execution_engine.execution_engine import ExecutionEngine

    real = ExecutionEngine._process_direct_and_bundled_metric_computation_configurations

    def timed(cfg: Any) -> Callable[..., Any]:
        mc = cfg.metric_configuration
        column = (mc.metric_domain_kwargs or {}).get("column") or ""
        name = f"GX {mc.metric_name} {column}".rstrip()
        fn = cfg.metric_fn

        def call(**kwargs: Any) -> Any:
            with prof.step(name):
                return fn(**kwargs)

        return call

    def process(
        self: Any, metric_fn_direct_configurations: list[Any], metric_fn_bundle_configurations: list[Any]
    ) -> Any:
        for cfg in metric_fn_direct_configurations:
            object.__setattr__(cfg, "metric_fn", timed(cfg))
        n = len(metric_fn_bundle_configurations)
        with prof.step(f"GX metric bundle ({n} aggregates)") if n else contextlib.nullcontext():
            return real(self, metric_fn_direct_configurations, metric_fn_bundle_configurations)

    ExecutionEngine._process_direct_and_bundled_metric_computation_configurations = process  # type: ignore[method-assign]


def sorted_unique_condition() -> None:
    """``--gx-unique-sort``: Great Expectations' pandas condition of ``expect_column_values_to_be_unique``
    (``~column.duplicated(keep=False)``: for an Arrow string column a dictionary encoding — a hash table of
    every distinct value — then a second hash table of the codes) replaced, for Arrow-backed columns, by the
    same mask from one sort: sort indices, neighbours compared, the flags put back in row order. A proposal
    for ``contracts/_validate.py`` (swapped into GX's registered provider for the run; other dtypes as GX
    does).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    from great_expectations.expectations.registry import _registered_metrics

    def condition_cell(fn: Any) -> Any:
        """The closure cell holding GX's own ``_pandas(cls, column, **kwargs)`` inside its decorators."""
        for c in fn.__closure__ or ():
            inner = c.cell_contents
            if callable(inner) and getattr(inner, "__code__", None) is not None:
                if inner.__code__.co_varnames[:2] == ("cls", "column"):
                    return c
                found = condition_cell(inner)
                if found is not None:
                    return found
        return None

    cell = condition_cell(
        _registered_metrics["column_values.unique.condition"]["providers"]["PandasExecutionEngine"][1]
    )
    gx_condition = cell.cell_contents

    def condition(cls: Any, column: pd.Series, **kwargs: Any) -> pd.Series:
        if not hasattr(column.array, "__arrow_array__") or column.isna().any():
            return gx_condition(cls, column, **kwargs)
        values = pa.chunked_array(column.array.__arrow_array__())
        order = pc.sort_indices(values).to_numpy()
        ordered = values.take(order)
        same = pc.equal(ordered[1:], ordered[:-1]).to_numpy(zero_copy_only=False)
        del ordered
        dup_sorted = np.zeros(len(order), dtype=bool)
        dup_sorted[1:] |= same
        dup_sorted[:-1] |= same
        dup = np.empty(len(order), dtype=bool)
        dup[order] = dup_sorted
        return pd.Series(~dup, index=column.index, name=column.name)

    cell.cell_contents = condition


#: ``--variant``: (read only the reference columns the indicators use, release the reference before GX).
VARIANTS: dict[str, tuple[bool, bool]] = {
    "as-is": (False, False),
    "reference-columns": (True, False),
    "free-reference": (False, True),
    "proposed": (True, True),
}


def run(
    ws: Path,
    system: str,
    period: str,
    results: Path | None,
    variant: str,
    gx_metrics: bool = False,
    gx_unique_sort: bool = False,
) -> dict[str, Any]:
    base0 = rss()
    t0 = time.perf_counter()
    import_worker_modules()
    from govreport.assessments.model_risk import assess_predictive
    from govreport.run.context import open_context

    imports_s = time.perf_counter() - t0
    prof = Profiler()
    sizes: dict[str, int] = {}
    instrument(prof, sizes, *VARIANTS[variant])
    if gx_metrics:
        instrument_gx_metrics(prof)
    if gx_unique_sort:
        sorted_unique_condition()
    tmp = Path(tempfile.mkdtemp(prefix="profile-memory-"))
    try:
        baseline = rss()
        prof.start()
        with prof.step("assess_predictive (total)"):
            ctx = open_context(ws, system, period, tmp, template="model_risk")
            result = assess_predictive(ctx)
        after = prof.sample()
        prof.stop()
        ctx.save(result.indicators, result.sections, result.notes)
        if results is not None:
            results.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp / "results.json", results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    scored = sizes.get("scoring", 0)
    return {
        "workspace": str(ws),
        "system": system,
        "period": period,
        "variant": variant + (" + gx-unique-sort" if gx_unique_sort else ""),
        "rss_at_start_bytes": base0,
        "imports_s": imports_s,
        "baseline_rss_bytes": baseline,
        "peak_rss_bytes": prof.peak,
        "rss_after_bytes": after,
        "samples": prof.samples,
        "dataset_bytes": sizes,
        "ratio": prof.peak / scored if scored else None,
        "steps": [
            {
                "name": s.name,
                "depth": s.depth,
                "start_bytes": s.start,
                "peak_bytes": s.peak,
                "end_bytes": s.end,
                "transient_bytes": s.transient,
                "retained_bytes": s.retained,
                "seconds": s.seconds,
            }
            for s in prof.steps
        ],
    }


def table(report: dict[str, Any]) -> str:
    def mib(b: int) -> str:
        return f"{b / MiB:,.0f}"

    scored = report["dataset_bytes"].get("scoring", 0)
    lines = [
        f"{report['workspace']} · {report['system']} · {report['period']} · variant {report['variant']}",
        "",
        "| step | s | RSS at start MiB | peak MiB | transient MiB (peak − start) | retained MiB |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    gx = [s for s in report["steps"] if s["name"].startswith("GX ") and s["name"] != "GX batch.validate"]
    top = {id(s) for s in sorted(gx, key=lambda s: -s["transient_bytes"])[:TOP_GX]}
    for s in report["steps"]:
        if s in gx and id(s) not in top:
            continue  # --gx-metrics: only the largest
        name = "&nbsp;&nbsp;" * s["depth"] + s["name"]
        lines.append(
            f"| {name} | {s['seconds']:.2f} | {mib(s['start_bytes'])} | {mib(s['peak_bytes'])} | "
            f"{mib(s['transient_bytes'])} | {mib(s['retained_bytes'])} |"
        )
    ds = ", ".join(f"{k} {mib(v)} MiB" for k, v in report["dataset_bytes"].items())
    lines += [
        "",
        f"* RSS after imports (baseline): {mib(report['baseline_rss_bytes'])} MiB "
        f"(interpreter alone {mib(report['rss_at_start_bytes'])} MiB; imports {report['imports_s']:.1f} s)",
        f"* datasets in pandas (memory_usage(deep=True)): {ds}",
        f"* **peak RSS {mib(report['peak_rss_bytes'])} MiB = {report['peak_rss_bytes'] / scored:.2f}× the "
        f"scored dataset** (target < {TARGET_FACTOR:g}× = {mib(int(TARGET_FACTOR * scored))} MiB: "
        f"{'PASS' if report['peak_rss_bytes'] < TARGET_FACTOR * scored else 'FAIL'}); "
        f"above the baseline: {mib(report['peak_rss_bytes'] - report['baseline_rss_bytes'])} MiB "
        f"= {(report['peak_rss_bytes'] - report['baseline_rss_bytes']) / scored:.2f}×; "
        f"{report['samples']:,} samples",
    ]
    return "\n".join(lines)


# -- comparing two results.json ------------------------------------------------------------------------------
_VOLATILE = {"generated_at", "seconds", "path", "as_of"}


def differences(a: Any, b: Any, where: str = "") -> Iterator[str]:
    """Every field that differs (floats compared exactly), skipping times and paths."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k in _VOLATILE:
                continue
            if k not in a or k not in b:
                yield f"{where}.{k}: only in {'second' if k not in a else 'first'}"
            else:
                yield from differences(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{where}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from differences(x, y, f"{where}[{i}]")
    elif (type(a) is not type(b) or a != b) and not (
        isinstance(a, float) and isinstance(b, float) and a != a and b != b
    ):  # NaN equals NaN here
        yield f"{where}: {a!r} != {b!r}"


def count_fields(a: Any) -> int:
    if isinstance(a, dict):
        return sum(count_fields(v) for k, v in a.items() if k not in _VOLATILE)
    if isinstance(a, list):
        return sum(count_fields(v) for v in a)
    return 1


def compare(first: Path, second: Path) -> int:
    a = json.loads(first.read_text(encoding="utf-8"))
    b = json.loads(second.read_text(encoding="utf-8"))
    diffs = list(differences(a, b))
    for d in diffs[:50]:
        print(d)
    print(
        f"{count_fields(a):,} fields compared ({len(a.get('indicators', []))} indicators), "
        f"{len(diffs)} differ{'' if diffs else ': identical'} (ignoring {', '.join(sorted(_VOLATILE))})"
    )
    return 1 if diffs else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ws", type=Path, default=ROOT / "bench" / "out" / "ws" / "s1-r10000000-p1")
    ap.add_argument("--system", default="card-01")
    ap.add_argument("--period", default="2026Q3")
    ap.add_argument("--results", type=Path, help="copy the run's results.json here")
    ap.add_argument("--json", type=Path, help="write the measurements here")
    ap.add_argument(
        "--variant",
        choices=tuple(VARIANTS),
        default="as-is",
        help="as-is, or with changes proposed for assess.py (see instrument())",
    )
    ap.add_argument(
        "--gx-metrics",
        action="store_true",
        help=f"also time each metric Great Expectations computes (the {TOP_GX} largest are shown)",
    )
    ap.add_argument(
        "--gx-unique-sort",
        action="store_true",
        help="GX's uniqueness check by one sort instead of two hash tables (see sorted_unique_condition)",
    )
    ap.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("FIRST", "SECOND"),
        help="compare two results.json field by field and exit",
    )
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    report = run(
        args.ws.resolve(),
        args.system,
        args.period,
        args.results,
        args.variant,
        args.gx_metrics,
        args.gx_unique_sort,
    )
    print(table(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
