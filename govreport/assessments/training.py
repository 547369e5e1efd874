"""The training-data audit of a predictive system (Art. 6, 7, 12): the ``training`` section of results.json.

Computed by the ``data_quality`` template (and summarised in ``model_risk``) for a system that declares a
dataset with ``role: training`` and a ``model:`` block. The metrics are :mod:`govreport.metrics._training`;
this module reads the data, decides what to compare rows by and which column holds the time, reuses an
audit already recorded for the same model version and training data, and keeps masked examples.

Two parts (ids and definitions in docs/training-data.md):

* **per model version** — ``training.label_balance``, ``training.label_rate_by_group.<attr>``,
  ``training.differential_missingness.<attr>``, ``training.label_leakage``: they depend on the training
  data alone, so they are computed once per ``model.version`` and SHA-256 of the training file (and
  :data:`AUDIT_METHOD`); a later period's run finds the earlier ``data_quality`` record in the evidence
  store (its results.json checked against the recorded SHA-256) and shows the same figures, citing the
  period and RUN_ID that recorded them.
* **per period** — ``training.group_coverage.<attr>``, ``training.overlap_with_scoring``,
  ``training.window``: against that period's scoring data.

What a row is compared by (overlap): the training contract's ``keys`` when both files have them, else the
model's features. The time column (window): the training contract's ``freshness.column``.

Examples are masked: personal-data columns of the contract with :func:`govreport.data.masking.mask_value`,
every other value with :func:`~govreport.data.masking.mask_text`; a file without keys is cited by row number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .. import metrics
from ..core.files import sha256_file
from ..core.periods import Period
from ..core.status import Indicator, RunStatus, Status, Threshold
from ..data.masking import mask_text, mask_value
from ..errors import InputError, MetricInputError
from .model_risk import Assessment

__all__ = ["AUDIT_METHOD", "TRAINING_TEMPLATE", "audit_frames", "audit_system", "summary"]

#: Bumped when a per-version figure's definition changes: an audit recorded under another method is redone.
AUDIT_METHOD = 1
#: The template whose runs record the audit.
TRAINING_TEMPLATE = "data_quality"
_MAX_EXAMPLES = 5


def _indicator_from_dict(d: Mapping[str, Any]) -> Indicator:
    th = d.get("threshold")
    threshold = (
        Threshold(**{k: v for k, v in th.items() if k in Threshold.__dataclass_fields__}) if th else None
    )
    return Indicator(
        id=d["id"],
        dimension=d["dimension"],
        article=d["article"],
        value=d.get("value"),
        label_zh=d["label_zh"],
        label_en=d["label_en"],
        threshold=threshold,
        status=Status(d["status"]),
        unit=d.get("unit", ""),
        note=d.get("note", ""),
        details=dict(d.get("details") or {}),
    )


def _examples(
    frame: pd.DataFrame,
    positions: Sequence[int],
    columns: Sequence[str],
    *,
    keys: Sequence[str],
    personal: Sequence[str],
) -> list[dict[str, Any]]:
    """Up to five rows of ``frame`` (by position), cited by key (or row number) with ``columns``, masked."""
    out = []
    keys = [k for k in keys if k in frame.columns]
    for pos in list(positions)[:_MAX_EXAMPLES]:
        row = frame.iloc[int(pos)]
        ex: dict[str, Any] = {} if keys else {"row": int(pos) + 1}
        for c in [*keys, *[c for c in columns if c not in keys]]:
            v = row[c]
            if pd.isna(v):
                ex[c] = None
            elif c in personal:
                ex[c] = mask_value(v)
            else:
                ex[c] = mask_text(v) if isinstance(v, str) else (v.item() if hasattr(v, "item") else v)
        out.append(ex)
    return out


def audit_frames(
    training: pd.DataFrame,
    scoring: pd.DataFrame,
    *,
    label: str,
    label_favourable: Any,
    features: Sequence[str],
    protected: Sequence[str],
    period: Period,
    bands: Mapping[str, Sequence[float]] | None = None,
    keys: Sequence[str] = (),
    time_column: str | None = None,
    personal: Sequence[str] = (),
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    min_group_size: int = 30,
    model_version: str | None = None,
    training_sha256: str | None = None,
    recorded: Mapping[str, Any] | None = None,
) -> Assessment:
    """The audit of ``training`` against this period's ``scoring`` data (see the module docstring).

    ``recorded``: the ``per_version`` part of an earlier run's ``training`` section for the same model
    version and training data — shown as it was recorded instead of computed again."""
    feats = [f for f in dict.fromkeys(features) if f != label]
    missing = [c for c in (label, *feats, *protected) if c not in training.columns]
    if missing:
        raise MetricInputError(
            f"the training data lacks the column(s) {', '.join(missing)}",
            field=missing[0],
            fix="train on data with the model's label, features and protected attributes, or correct the "
            "system's model block",
        )
    protected = list(protected)
    notes: list[str] = []
    common: dict[str, Any] = dict(thresholds=thresholds)
    grouped: dict[str, Any] = dict(bands=bands, min_group_size=min_group_size, thresholds=thresholds)

    if recorded is not None:
        per_version = dict(recorded)
        v_indicators = [_indicator_from_dict(d) for d in per_version["indicators"]]
        r = per_version.get("recorded") or {}
        notes.append(
            f"training-data audit of model version {model_version or '(none)'} as recorded in "
            f"{r.get('period')} (RUN_ID {r.get('seq')}): same version and training data (SHA-256)"
        )
    else:
        balance = metrics.label_balance(training, label=label, label_favourable=label_favourable, **common)
        rates = metrics.label_rate_by_group(
            training, label=label, label_favourable=label_favourable, protected=protected, **grouped
        )
        missingness = metrics.differential_missingness(training, feats, protected=protected, **grouped)
        leakage = metrics.label_leakage(
            training, feats, label=label, label_favourable=label_favourable, **common
        )
        v_indicators = balance.indicators()
        v_indicators += [i for r in rates.values() for i in r.indicators()]
        v_indicators += [i for m in missingness.values() for i in m.indicators()]
        v_indicators += leakage.indicators()
        examples: dict[str, Any] = {}
        for attr, m in missingness.items():
            if m.worst_feature and m.status not in (Status.GREEN, Status.NOT_ASSESSED):
                enc = metrics.encode_attribute(training[attr], attr, (bands or {}).get(attr))
                in_group = enc.codes == enc.labels.index(m.high_group)
                rows = (in_group & training[m.worst_feature].isna().to_numpy()).nonzero()[0]
                examples[f"differential_missingness.{attr}"] = _examples(
                    training, rows, [attr, m.worst_feature], keys=keys, personal=personal
                )
        for f in leakage.flagged:
            examples[f"label_leakage.{f}"] = _examples(
                training, range(len(training)), [f, label], keys=keys, personal=personal
            )
        per_version = {
            "key": {
                "model_version": model_version,
                "training_sha256": training_sha256,
                "method": AUDIT_METHOD,
            },
            "recorded": {"period": period.label},
            "rows": len(training),
            "label_balance": balance.to_dict(),
            "label_rate_by_group": {k: v.to_dict() for k, v in rates.items()},
            "differential_missingness": {k: v.to_dict() for k, v in missingness.items()},
            "label_leakage": leakage.to_dict(),
            "examples": examples,
            "indicators": [i.to_dict() for i in v_indicators],
        }

    coverage = metrics.group_coverage(training, scoring, protected=protected, **grouped)
    key_cols = [k for k in keys if k in training.columns and k in scoring.columns]
    basis, cols = ("keys", key_cols) if key_cols else ("features", feats)
    overlap = metrics.overlap_with_scoring(training, scoring, cols, basis=basis, **common) if cols else None
    if time_column is not None and time_column not in training.columns:
        raise MetricInputError(
            f"the training data lacks its time column {time_column}",
            field="freshness.column",
            fix="correct freshness.column in the training contract",
        )
    window = metrics.training_window(
        training[time_column] if time_column else None, period.start, column=time_column, **common
    )
    p_indicators = [i for c in coverage.values() for i in c.indicators()]
    if overlap is not None:
        p_indicators += overlap.indicators()
    else:
        notes.append("no keys and no model features: overlap with the scoring data not assessed")
    p_indicators += window.indicators()
    per_period = {
        "period": period.label,
        "scoring_rows": len(scoring),
        "group_coverage": {k: v.to_dict() for k, v in coverage.items()},
        "overlap_with_scoring": overlap.to_dict() if overlap is not None else None,
        "window": window.to_dict(),
        "examples": {
            "overlap_with_scoring": _examples(
                scoring, overlap.examples, cols[:3], keys=key_cols, personal=personal
            )
            if overlap is not None and overlap.n_overlap
            else []
        },
    }
    section = {
        "model_version": model_version,
        "training_sha256": training_sha256,
        "per_version": per_version,
        "per_period": per_period,
    }
    return Assessment(v_indicators + p_indicators, {"training": section}, notes)


# -- a system of the inventory -------------------------------------------------------------------------
def _recorded(ctx: Any, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``per_version`` part of the newest succeeded ``data_quality`` run of this system recorded under
    ``key`` (model version, training SHA-256, method), its results.json unchanged since; None without one."""
    from ..evidence.queries import open_store  # lazy: only runs with a training set read the store

    records = open_store(ctx.ws, writing=False).records(
        system_id=ctx.system.id, template=TRAINING_TEMPLATE, status=RunStatus.SUCCEEDED
    )
    for rec in reversed(records):
        out = (rec.outputs or {}).get("results") or {}
        path = ctx.ws.resolve(out["path"]) if out.get("path") else None
        if path is None or not Path(path).is_file() or sha256_file(path) != out.get("sha256"):
            continue
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        pv = ((data.get("training") or {}).get("per_version")) or {}
        if pv.get("key") == dict(key):
            pv["recorded"] = {
                **(pv.get("recorded") or {}),
                "seq": (pv.get("recorded") or {}).get("seq", rec.seq),
            }
            return pv
    return None


def audit_system(ctx: Any, *, reuse: bool = True) -> Assessment | None:
    """The audit of the inventory system of a :class:`govreport.run.context.TemplateContext` for its
    period; None when it declares no training set or no model block."""
    from ..contracts import load_contract  # lazy: Great Expectations is not imported by this

    system = ctx.system
    ds, m = system.dataset("training"), system.model
    if ds is None or m is None or system.dataset("scoring") is None:
        return None
    keys: list[str] = []
    time_column = None
    personal: list[str] = []
    if ds.contract:
        path = ctx.ws.contracts_dir / f"{ds.contract}.contract.yaml"
        if path.is_file():
            c = load_contract(path).contract
            keys, personal = list(c.keys), c.personal_columns
            time_column = c.freshness.column if c.freshness else None
    pas = system.protected_attributes
    training = ctx.load("training")
    try:
        local = ctx.dataset_path("training")
    except InputError:  # a Spark table: no file to fingerprint, so the audit is not reused across periods
        local = None
    sha = sha256_file(local) if local is not None and Path(local).is_file() else None
    key = {"model_version": m.version, "training_sha256": sha, "method": AUDIT_METHOD}
    recorded = _recorded(ctx, key) if reuse and sha is not None else None
    return audit_frames(
        training,
        ctx.load("scoring"),
        label=m.label,
        label_favourable=m.label_favourable,
        features=m.features,
        protected=[p.column for p in pas],
        period=ctx.period,
        bands={p.column: p.bands for p in pas if p.bands},
        keys=keys,
        time_column=time_column,
        personal=personal,
        thresholds=system.thresholds,
        min_group_size=system.fairness.min_group_size,
        model_version=m.version,
        training_sha256=sha,
        recorded=recorded,
    )


def summary(audit: Assessment) -> dict[str, Any]:
    """What ``model_risk`` shows of the audit: each indicator's id, status, value and details, the model
    version and where the per-version figures were recorded (the full audit is the data_quality report)."""
    section = audit.sections["training"]
    return {
        "model_version": section["model_version"],
        "training_sha256": section["training_sha256"],
        "recorded": section["per_version"].get("recorded"),
        "period": section["per_period"]["period"],
        "status": Status(
            max((i.status or Status.NOT_ASSESSED for i in audit.indicators), key=lambda s: s.severity)
        ).value,
        "indicators": [
            {k: d[k] for k in ("id", "label_zh", "label_en", "value", "unit", "status", "details", "note")}
            for d in (i.to_dict() for i in audit.indicators)
        ],
        "template": TRAINING_TEMPLATE,
    }
