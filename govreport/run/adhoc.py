"""``govreport assess``: assess one scored file without an inventory entry.

Builds a private, ordinary workspace under ``OUT/.govreport-assess/`` holding one ad-hoc system whose
datasets point at the given files, runs the same ``model_risk`` template through the same runner (so the
run is recorded as evidence like any other), and copies ``report.html`` and ``results.json`` to ``OUT``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..core.periods import parse_period
from ..data.read import read_header
from ..errors import DataError, InputError, MetricInputError
from ..workspace.config import Workspace
from ..workspace.scaffold import init_workspace
from .context import read_dataset
from .runner import run_period

__all__ = ["assess_file", "coerce_value"]

ADHOC_ID = "adhoc"


def coerce_value(series: pd.Series, text: str, option: str) -> Any:
    """The command-line value ``text`` in the column's type (``1`` → 1 for an integer column)."""
    if pd.api.types.is_bool_dtype(series):
        if text.lower() in ("true", "1", "yes"):
            return True
        if text.lower() in ("false", "0", "no"):
            return False
    elif pd.api.types.is_numeric_dtype(series):
        try:
            num = float(text)
        except ValueError:
            raise MetricInputError(
                f"'{text}' is not a number but column '{series.name}' is numeric",
                field=option,
                fix=f"give one of {sorted(series.dropna().unique()[:5].tolist())}",
            ) from None
        return int(num) if num.is_integer() else num
    return text


def assess_file(
    data: Path,
    *,
    label: str,
    label_favourable: str,
    prediction: str,
    prediction_favourable: str,
    protected: Sequence[str],
    score: str | None = None,
    score_higher_is: str = "adverse",
    features: Sequence[str] = (),
    reference: Path | None = None,
    out: Path,
    period: str | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> dict[str, Path]:
    """Run the model-risk template on ``data`` for ``period`` (``2026Q3``, ``2026-07``, ``2026``; default: the
    current quarter); return the paths of ``report.html`` and ``results.json``."""
    data = data.resolve()
    # this process reads the header and the two columns whose values the command line names, no more: the
    # runner's worker reads the columns the indicators use (a 2 GB file is read once, in one process)
    header = read_header(data)
    missing = [
        c for c in (label, prediction, *protected, *features, *([score] if score else [])) if c not in header
    ]
    if missing:
        raise DataError(
            f"column(s) {', '.join(dict.fromkeys(missing))} not in the file",
            file=data,
            field=missing[0],
            fix=f"the file has: {', '.join(map(str, header[:30]))}",
        )
    df = read_dataset(data, columns=[label, prediction])
    if reference is not None:
        # raw training data (no score, maybe no label) is a reference too: drift compares the features it
        # has, and the report says which figures needed the rest (assessments.model_risk._reference_gaps)
        ref_cols = set(read_header(reference.resolve()))
        compared = [c for c in (*features, *([score] if score else [])) if c in ref_cols]
        if not compared:
            wanted = [*([score] if score else []), *features]
            raise DataError(
                "the reference file has none of the columns drift compares "
                f"({', '.join(wanted) or 'none given'})",
                file=reference,
                field=wanted[0] if wanted else "--features",
                fix="give --features the reference shares (e.g. the training data's), or a reference with "
                "the score column",
            )
    if not protected:
        raise InputError("no protected attribute given", field="--protected", fix="e.g. --protected SEX,AGE")
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    ws_root = out / ".govreport-assess"
    if not (ws_root / "govreport.yaml").exists():
        init_workspace(ws_root, name_zh="臨時評估", name_en="Ad-hoc assessment")
    system = {
        "id": ADHOC_ID,
        "name_zh": f"臨時評估：{data.name}",
        "name_en": f"Ad-hoc assessment: {data.name}",
        "kind": "predictive",
        "adhoc": True,
        "description": "ad-hoc assessment from `govreport assess`; not an inventory entry",
        "owner": {"name": "(not recorded)"},
        "accountable": {"name": "(not recorded)", "role": "(not recorded)"},
        "scope": {},
        "risk_factors": dict.fromkeys(
            ("customer_facing", "personal_data", "autonomy", "complexity", "impact", "remedies"), 1
        ),
        "datasets": [{"name": "scoring", "role": "scoring", "path": str(data)}]
        + (
            [{"name": "reference", "role": "reference", "path": str(reference.resolve())}]
            if reference
            else []
        ),
        "model": {
            "label": label,
            "label_favourable": coerce_value(df[label], label_favourable, "--label-favourable"),
            "prediction": prediction,
            "prediction_favourable": coerce_value(
                df[prediction], prediction_favourable, "--prediction-favourable"
            ),
            "score": score,
            "score_higher_is": score_higher_is,
            "features": list(features),
        },
        "protected_attributes": [{"column": c} for c in protected],
        "templates": ["model_risk"],
    }
    del df
    (ws_root / "systems" / f"{ADHOC_ID}.yaml").write_text(
        yaml.safe_dump(system, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    ws = Workspace.load(ws_root)
    if period is None:
        today = date.today()
        period = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    period = parse_period(period).label  # a bad period is a one-line error naming --period
    summary = run_period(ws, period, [ADHOC_ID], progress=progress, parallelism=1)
    summary.raise_for_failures()
    result = summary.results[0]
    final = ws.resolve(result.report).parent if result.report else None
    if final is None:
        raise DataError("the assessment produced no report", fix=f"see {ws.reports_dir}")
    paths = {}
    for name in ("report.html", "results.json"):
        target = out / name
        tmp = out / f".{name}.tmp"
        shutil.copyfile(final / name, tmp)
        tmp.replace(target)
        paths[name] = target
    return paths
