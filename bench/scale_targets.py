"""Issue 22's targets for ``bench/bench_scale.py``'s portfolio runs, and where the time goes when one is
missed.

| portfolio | figure | target | kind |
|---|---|--:|---|
| 4 × 500,000 rows | ratio to the peer (the peer's wall / govreport's wall, same run) | ≥ 15× | must |
| 4 × 500,000 rows | overhead: CPU outside the computation and the evidence, share of all | ≤ 30 % | must |
| 4 × 500,000 rows | whole process tree's peak memory (PSS; the RSS sum beside it) | ≤ 1.2 GiB | goal |
| 10 × 1,000,000 rows | ratio to the peer | ≥ 30× | goal |

The ratio and the overhead are bench_scale's own (``targets``: the peer's wall, scaled by N/K when it ran on
K of the N systems, over govreport's wall; ``overhead_cpu``). A missed must makes the bench exit 1; a missed
goal is printed with :func:`where_time_goes`.
"""

from __future__ import annotations

from typing import Any

GiB = 2**30

#: (systems, rows) → [(key, target, kind)]
TARGETS: dict[tuple[int, int], list[tuple[str, float, str]]] = {
    (4, 500_000): [("ratio", 15.0, "must"), ("overhead", 0.30, "must"), ("tree_peak", 1.2 * GiB, "goal")],
    (10, 1_000_000): [("ratio", 30.0, "goal")],
}


def _runs(gov: dict[str, Any]) -> str:
    """``, the median of N runs: a, b, c s`` when govreport was timed more than once (--repeat)."""
    walls = [x["wall_s"] for x in gov.get("repeats") or []]
    if len(walls) < 2:
        return ""
    return f", the median of {len(walls)} runs: " + ", ".join(f"{w:.1f}" for w in walls) + " s"


def issue22_targets(r: dict[str, Any], overhead: tuple[float, float, str] | None) -> list[dict[str, Any]]:
    """The targets of the table above that apply to this result (``overhead``: bench_scale.overhead_cpu)."""
    gov, out = r["govreport"], []
    env = r.get("environment") or {}
    load = f"{env.get('load_average_at_start')} → {env.get('load_average_at_end')}"
    for key, target, kind in TARGETS.get((r["systems"], r["rows"]), []):
        if key == "ratio" and "peer" in r:
            ratio = r["peer"]["wall_s"] * r["peer"]["scale"] / gov["wall_s"]
            out.append(
                {
                    "target": f"issue 22: ratio to the peer ≥ {target:g}×",
                    "kind": kind,
                    "ok": ratio >= target,
                    "measured": f"{ratio:.1f}× (peer {r['peer']['wall_s'] * r['peer']['scale']:.1f} s / "
                    f"govreport {gov['wall_s']:.1f} s wall{_runs(gov)}, same run; load {load})",
                }
            )
        elif key == "overhead" and overhead is not None:
            over, total, _how = overhead
            share = over / total if total else 1.0
            out.append(
                {
                    "target": f"issue 22: overhead ≤ {target:.0%} of govreport's CPU",
                    "kind": kind,
                    "ok": share <= target,
                    "measured": f"{over:.1f} s of {total:.1f} s = {share:.0%}",
                }
            )
        elif key == "tree_peak":
            rss, pss = gov["peak_tree_rss_bytes"], gov.get("peak_tree_pss_bytes") or 0
            peak = pss or rss  # PSS counts a page shared by forked processes once; the RSS sum, once each
            out.append(
                {
                    "target": f"issue 22: whole process tree ≤ {target / GiB:.1f} GiB",
                    "kind": kind,
                    "ok": peak <= target,
                    "measured": (
                        f"{pss / GiB:.2f} GiB PSS; sum of RSS {rss / GiB:.2f} GiB"
                        if pss
                        else f"{rss / GiB:.2f} GiB RSS"
                    )
                    + f" (largest process {gov['peak_process_rss_bytes'] / GiB:.2f} GiB, "
                    f"{gov.get('workers', 1)} worker(s))",
                }
            )
    return out


def peer_cells(peer: dict[str, Any]) -> dict[str, float]:
    """The peer's Papermill cell durations, summed over its systems, by cell."""
    cells: dict[str, float] = {}
    for s in peer["systems"]:
        for k, v in s["cell_s"].items():
            cells[k] = cells.get(k, 0.0) + v
    return cells


def where_time_goes(r: dict[str, Any]) -> list[str]:
    """govreport's CPU by part of the run, largest first, as lines (for a missed goal)."""
    gov = r["govreport"]
    ok = [j for j in gov["jobs"] if j["status"] == "succeeded"]
    parts: dict[str, float] = {}
    compute = sum(j.get("compute_cpu_s") or 0.0 for j in ok)
    render = sum(j.get("render_cpu_s") or 0.0 for j in ok)
    kinds = gov.get("cpu_by_process_kind_s") or {}
    parts["computation (workers: load, contract, indicators, results.json)"] = compute
    parts["rendering (workers, nbconvert)"] = render
    if "worker" in kinds:
        parts["workers besides computing and rendering (imports, Papermill/nbclient, CodeCarbon)"] = max(
            0.0, kinds["worker"] - compute - render
        )
    if "worker fork server" in kinds:
        parts["the workers' one warm-up (fork server: imports, a Great Expectations context)"] = kinds[
            "worker fork server"
        ]
    if "kernel zygote" in kinds:
        parts["kernel zygotes (ipykernel's imports, once per worker)"] = kinds["kernel zygote"]
    if "kernel" in kinds:
        parts[f"kernels ({len(ok)}: start, imports, presentation cells)"] = kinds["kernel"]
    if "cli" in kinds:
        parts["CLI (pre-flight, hashing, evidence)"] = kinds["cli"]
    total = gov["cpu_s"] or 1.0
    lines = [f"where govreport's {gov['cpu_s']:.1f} s of CPU went ({gov['wall_s']:.1f} s wall):"]
    for name, cpu in sorted(parts.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {cpu:7.1f} s  {cpu / total:4.0%}  {name}")
    if "peer" in r:
        p = r["peer"]
        top = sorted(peer_cells(p).items(), key=lambda kv: -kv[1])[:3]
        lines.append(
            f"the peer's {p['wall_s']:.1f} s wall ({len(p['systems'])} system(s)): "
            + ", ".join(f"{k} {v:.1f} s" for k, v in top)
        )
    return lines
