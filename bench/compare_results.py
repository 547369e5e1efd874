"""Compare every results.json of two demo workspaces (main before issue 22, the branch after), ignoring
times (also the data files' modification times), durations, versions and energy measurements (and the
sustainability figures computed from them; their statuses are compared) and the evidence records' sequence
numbers (``seq``, "RUN_ID n" in notes: records are numbered in the order jobs finish, which two workers
running side by side change from one run to the next). Exit 1 on any other difference.

    python bench/compare_results.py BEFORE_WS AFTER_WS
"""

import json
import re
import sys
from pathlib import Path

#: sustainability indicators computed from the energy CodeCarbon measured during the runs: their figures
#: change with every run (their statuses are still compared)
MEASURED = ("energy_", "emissions_", "intensity_", "energy_intensity")
MEASURED_FIELDS = {"value", "judged_value", "change_abs", "change_pct", "previous_value", "vs_target_pct"}
IGNORED_KEYS = {
    "newest",
    "oldest",  # data files' modification times (freshness)
    "generated_at",
    "started_at",
    "finished_at",
    "created_at",
    "timestamp",
    "govreport_version",
    "versions",
    "seconds",
    "duration_s",
    "elapsed_s",
    "run_at",
    "validated_at",
    "gx_version",
    "energy",
    "seq",  # the evidence record's number: the order jobs finished in
}
RUN_ID = re.compile(r"RUN_ID \d+")


def scrub(x, path=""):
    if isinstance(x, dict) and str(x.get("indicator") or x.get("id") or "").removeprefix(
        "sustainability."
    ).startswith(MEASURED):
        x = {k: v for k, v in x.items() if k not in MEASURED_FIELDS}
    if isinstance(x, dict):
        return {
            k: scrub(v, f"{path}.{k}")
            for k, v in x.items()
            if k not in IGNORED_KEYS and not k.endswith(("_seconds", "_at", "_s", "_ms"))
        }
    if isinstance(x, list):
        return [scrub(v, path) for v in x]
    if isinstance(x, str):
        return RUN_ID.sub("RUN_ID n", x)
    return x


def diff(a, b, path=""):
    if type(a) is not type(b):
        yield f"{path}: {a!r} != {b!r}"
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}.{k}: only in {'after' if k in b else 'before'}"
            else:
                yield from diff(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: {a!r} != {b!r}"


def results(ws: Path) -> dict[str, Path]:
    out = {}
    for f in sorted((ws / "reports").glob("*/*/*/v*/results.json")):
        period, system, template, _v = f.parts[-5:-1]
        out[f"{period}/{system}/{template}"] = f  # the latest version wins (sorted)
    return out


before, after = results(Path(sys.argv[1])), results(Path(sys.argv[2]))
bad = 0
if set(before) != set(after):
    print("runs differ:", sorted(set(before) ^ set(after)))
    bad += 1
for key in sorted(set(before) & set(after)):
    a = scrub(json.loads(before[key].read_text(encoding="utf-8")))
    b = scrub(json.loads(after[key].read_text(encoding="utf-8")))
    lines = list(diff(a, b))
    if lines:
        bad += 1
        print(f"{key}: {len(lines)} difference(s)")
        for line in lines[:10]:
            print("   ", line)
print(
    f"{len(before)} results.json compared; {bad} differ"
    if bad
    else f"{len(before)} results.json identical (times, versions, energy aside)"
)
sys.exit(1 if bad else 0)
