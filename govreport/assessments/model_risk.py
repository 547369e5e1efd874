"""Model-risk assessment of a predictive AI system for one period (Art. 6, 7, 13).

:func:`assess_frames` computes every indicator from the scored data (and the reference period's data) with
:mod:`govreport.metrics`; :func:`assess_predictive` does it for an inventory system inside a template. The
notebook only presents the returned :class:`Assessment`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from .. import metrics
from ..core.status import Indicator
from ..data.read import release_arrow_memory
from ..data.sources import is_spark_text, on_engine, spark_session
from ..engines import drift_on, fairness_on, open_frame, proxy_on, quality_on, require
from ..engines.indicators import as_source, file_source, opened
from ..errors import MetricInputError
from .governance import governance_indicators
from .labels import column_labels

__all__ = ["Assessment", "assess_frames", "assess_predictive", "assess_on_engine"]


@dataclass
class Assessment:
    indicators: list[Indicator]
    sections: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def assess_frames(
    current: pd.DataFrame,
    reference: pd.DataFrame | None,
    *,
    label: str,
    label_favourable: Any,
    prediction: str,
    prediction_favourable: Any,
    protected: Sequence[str],
    score: str | None = None,
    score_higher_is: Literal["adverse", "favourable"] = "adverse",
    features: Sequence[str] = (),
    bands: Mapping[str, Sequence[float]] | None = None,
    justifications: Mapping[str, str] | None = None,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    intersections: Sequence[Sequence[str]] | str | None = "pairs",
    min_group_size: int = 30,
    n_bootstrap: int = 200,
) -> Assessment:
    """All model-risk indicators of one scored dataset (see the module docstring)."""
    notes: list[str] = []
    _require_columns(current.columns, label, prediction, protected, features, score)
    feats = list(features)
    indicators, sections = assemble(
        _pandas_backend(),
        current,
        reference,
        notes,
        label=label,
        label_favourable=label_favourable,
        prediction=prediction,
        prediction_favourable=prediction_favourable,
        protected=protected,
        score=score,
        score_higher_is=score_higher_is,
        features=feats,
        bands=bands,
        justifications=justifications,
        thresholds=thresholds,
        intersections=intersections,
        min_group_size=min_group_size,
        n_bootstrap=n_bootstrap,
    )
    if feats and score:
        exp_indicators, sections["explainability"] = _explainability(
            current,
            feats,
            score=score,
            prediction=prediction,
            prediction_favourable=prediction_favourable,
            score_higher_is=score_higher_is,
            thresholds=thresholds,
        )
        indicators += exp_indicators
    return Assessment(indicators, sections, notes)


def _require_columns(
    present: Any,
    label: str,
    prediction: str,
    protected: Sequence[str],
    features: Sequence[str],
    score: str | None,
) -> None:
    """The one-line error for a column of the model block that the scored data lacks."""
    missing = [
        c for c in (label, prediction, *protected, *features, *([score] if score else [])) if c not in present
    ]
    if missing:
        raise MetricInputError(
            f"the scored data lacks the column(s) {', '.join(dict.fromkeys(missing))}",
            field=missing[0],
            fix="check the column names in the system's model block",
        )


@dataclass(frozen=True)
class Backend:
    """Where the indicators are computed: the four metric functions of one path (pandas, or an engine's
    aggregations in :mod:`govreport.engines`), each with :mod:`govreport.metrics`' signature."""

    fairness: Callable[..., Any]
    proxy_scan: Callable[..., Any]
    model_quality: Callable[..., Any]
    drift: Callable[..., Any]


def _pandas_backend() -> Backend:
    return Backend(metrics.fairness, metrics.proxy_scan, metrics.model_quality, metrics.drift)


def assemble(
    backend: Backend,
    current: Any,
    reference: Any,
    notes: list[str],
    *,
    label: str,
    label_favourable: Any,
    prediction: str,
    prediction_favourable: Any,
    protected: Sequence[str],
    score: str | None,
    score_higher_is: Literal["adverse", "favourable"],
    features: Sequence[str],
    bands: Mapping[str, Sequence[float]] | None,
    justifications: Mapping[str, str] | None,
    thresholds: Mapping[str, Mapping[str, Any]] | None,
    intersections: Sequence[Sequence[str]] | str | None,
    min_group_size: int,
    n_bootstrap: int,
) -> tuple[list[Indicator], dict[str, Any]]:
    """Fairness, proxy scan, model quality and drift of ``current`` (its columns already checked) against
    ``reference``, through ``backend`` — the one order and set of sections every path reports."""
    fair = backend.fairness(
        current,
        label=label,
        label_favourable=label_favourable,
        prediction=prediction,
        prediction_favourable=prediction_favourable,
        protected=list(protected),
        bands=bands,
        thresholds=thresholds,
        min_group_size=min_group_size,
        n_bootstrap=n_bootstrap,
        intersections=None if intersections == "none" else intersections,
    )
    indicators = fair.indicators()
    sections: dict[str, Any] = {"fairness": fair.to_dict()}
    feats = list(features)
    if feats and protected:
        proxy = backend.proxy_scan(
            current, feats, list(protected), justifications=justifications, bands=bands, thresholds=thresholds
        )
        indicators += proxy.indicators()
        sections["proxy"] = proxy.to_dict()
    if score:
        ref_gini = None
        if reference is not None and {label, score} <= set(reference.columns):
            ref_gini = backend.model_quality(
                reference,
                label=label,
                label_favourable=label_favourable,
                score=score,
                score_higher_is=score_higher_is,
            ).gini
        elif reference is not None:  # e.g. the training data as kept, before any score existed
            lacking = ", ".join(c for c in (label, score) if c not in reference.columns)
            notes.append(
                f"the reference data has no {lacking} column: the Gini drop against it needs the label and "
                "the score there — not assessed"
            )
        else:
            notes.append("no reference period with labels and scores: Gini drop not assessed")
        quality = backend.model_quality(
            current,
            label=label,
            label_favourable=label_favourable,
            score=score,
            score_higher_is=score_higher_is,
            reference_gini=ref_gini,
            thresholds=thresholds,
        )
        indicators += quality.indicators()
        sections["model_quality"] = quality.to_dict()
    if reference is not None:
        cols = [c for c in feats if c in reference.columns]
        dr = backend.drift(
            current,
            reference,
            cols,
            score=score if score and score in reference.columns else None,
            thresholds=thresholds,
        )
        indicators += dr.indicators()
        sections["drift"] = dr.to_dict()
        notes.extend(_reference_gaps(reference.columns, feats, score))
    else:
        notes.append("no reference dataset: drift (PSI) not assessed")
    return indicators, sections


def _reference_gaps(ref_columns: Any, feats: Sequence[str], score: str | None) -> list[str]:
    """What a reference without some columns (raw training data has no score) leaves unassessed."""
    have = set(ref_columns)
    notes = []
    if score and score not in have:
        n = sum(1 for c in feats if c in have)
        notes.append(
            f"the reference data has no score column ({score}), as training data kept before scoring: the "
            f"feature PSI ({n} feature(s)) and the proxy scan are assessed; the score's PSI needs the score "
            "in the reference — not assessed"
        )
    lacking = [c for c in feats if c not in have]
    if lacking:
        notes.append(f"feature(s) {', '.join(lacking)} not in the reference data: their PSI is not assessed")
    return notes


def _explainability(
    current: pd.DataFrame,
    feats: Sequence[str],
    *,
    score: str,
    prediction: str,
    prediction_favourable: Any,
    score_higher_is: Literal["adverse", "favourable"],
    thresholds: Mapping[str, Mapping[str, Any]] | None,
) -> tuple[list[Indicator], dict[str, Any]]:
    """Permutation importance and reason codes (Art. 13): they need the rows, so they run on pandas."""
    imp = metrics.feature_importance(current, list(feats), score=score, thresholds=thresholds)
    adverse = current[prediction] != prediction_favourable
    reasons = metrics.reason_codes(
        current, list(feats), score, adverse, score_higher_is=score_higher_is, thresholds=thresholds
    )
    return imp.indicators() + reasons.indicators(), {
        "importance": imp.to_dict(),
        "reason_codes": reasons.to_dict(),
    }


def assess_predictive(ctx: Any) -> Assessment:
    """Assess the inventory system of a :class:`govreport.run.context.TemplateContext` for its period."""
    system = ctx.system
    m = system.model
    if m is None:
        raise MetricInputError(
            f"system '{system.id}' has no model block",
            field="model",
            fix="add label, prediction and score columns to the system record",
        )
    pas = system.protected_attributes
    scoring = system.dataset("scoring")
    # without a contract nothing but the indicators reads the scored data: only the columns they use (a
    # contract validates every column, from the frame loaded here — see TemplateContext.data_quality)
    used = [m.label, m.prediction, *[p.column for p in pas], *m.features, *([m.score] if m.score else [])]
    current = ctx.load("scoring", columns=None if scoring is None or scoring.contract else used)
    kwargs: dict[str, Any] = dict(
        label=m.label,
        label_favourable=m.label_favourable,
        prediction=m.prediction,
        prediction_favourable=m.prediction_favourable,
        protected=[p.column for p in pas],
        score=m.score,
        score_higher_is=m.score_higher_is,
        features=m.features,
        bands={p.column: p.bands for p in pas if p.bands},
        justifications={p.column: p.justification for p in pas if p.used_as_feature and p.justification},
        thresholds=system.thresholds,
        intersections=system.fairness.intersections,
        min_group_size=system.fairness.min_group_size,
        n_bootstrap=system.fairness.n_bootstrap,
    )
    engine = ctx.ws.config.engine
    if engine.kind == "spark" or is_spark_text(system.dataset("scoring").path):  # a lake dataset: on Spark
        result = _assess_on_spark(ctx, current, engine, kwargs)
    else:
        # the reference: only the columns the indicators read (label, score, features), let go before the
        # contract check, which reads what it compares itself — so it never runs on top of both whole frames
        used = [m.label, *([m.score] if m.score else []), *m.features]
        reference = ctx.load("reference", columns=used) if system.dataset("reference") else None
        result = assess_frames(current, reference, **kwargs)
        del reference
        release_arrow_memory()  # the reference's columns were Arrow memory (govreport.data.read)
    dq_indicators, dq_section = ctx.data_quality()
    result.indicators = dq_indicators + result.indicators + governance_indicators(system)
    if dq_section:
        result.sections["data_quality"] = dq_section
    result.sections["labels"] = column_labels(ctx.ws, system)  # how reports name columns and codes
    return result


def _assess_on_spark(ctx: Any, current: pd.DataFrame, engine: Any, kwargs: dict[str, Any]) -> Assessment:
    """On Spark: fairness, proxy scan, model quality and drift over the inventory's datasets (``spark:``,
    ``spark+parquet:``, or Parquet files with ``engine: {kind: spark}``); explainability on ``current``, the
    deterministic sample :meth:`~govreport.run.context.TemplateContext.load` pulled from Spark (every row when
    there are no more than ``engine.explain_sample_rows``)."""
    system, label = ctx.system, ctx.period.label
    _require_columns(
        current.columns,
        kwargs["label"],
        kwargs["prediction"],
        kwargs["protected"],
        kwargs["features"],
        kwargs["score"],
    )  # the pandas path's message; the sample has every column
    settings = engine.spark_settings()
    spark = spark_session(settings)
    ref_ds = system.dataset("reference")
    source = on_engine(system.dataset("scoring").path, "spark", root=ctx.ws.root, period=label)
    reference = on_engine(ref_ds.path, "spark", root=ctx.ws.root, period=label) if ref_ds else None
    result = assess_on_engine(source, reference, score_bins=engine.score_bins, spark=spark, **kwargs)
    notes = [n for n in result.notes if "explainability" not in n]
    master = spark.sparkContext.master
    quality = result.sections.get("model_quality", {}).get("settings", {})
    auc = (
        "AUC exact (per distinct score)"
        if not engine.score_bins
        else f"AUC on {engine.score_bins} score bins, "
        f"within {quality.get('auc_tolerance', float('nan')):.2g} of the exact AUC"
    )
    notes.insert(0, f"indicators computed on Spark (master {master}); {auc}")
    feats = list(kwargs["features"])  # all in ``current``: checked above
    if feats and kwargs["score"]:
        exp_indicators, result.sections["explainability"] = _explainability(
            current,
            feats,
            score=kwargs["score"],
            prediction=kwargs["prediction"],
            prediction_favourable=kwargs["prediction_favourable"],
            score_higher_is=kwargs["score_higher_is"],
            thresholds=kwargs["thresholds"],
        )
        result.indicators += exp_indicators
        sample = current.attrs.get("sample") or {"rows": len(current), "of": len(current)}
        result.sections["explainability"]["sample"] = {
            "rows": sample["rows"],
            "of": sample["of"],
            "max_rows": engine.explain_sample_rows,
        }
        how = (
            "every row"
            if sample["rows"] == sample["of"]
            else "a deterministic sample (smallest 64-bit hash of each row's values)"
        )
        notes.append(
            f"explainability (permutation importance, reason codes) ran in the govreport process on a sample "
            f"of {sample['rows']:,} of {sample['of']:,} scored rows pulled from Spark ({how}; "
            f"engine.explain_sample_rows: {engine.explain_sample_rows:,}): it needs the rows, not counts"
        )
    result.notes = notes
    return result


# -- on an engine --------------------------------------------------------------------------------------------
def assess_on_engine(
    source: Any,
    reference: Any = None,
    *,
    label: str,
    label_favourable: Any,
    prediction: str,
    prediction_favourable: Any,
    protected: Sequence[str],
    score: str | None = None,
    score_higher_is: Literal["adverse", "favourable"] = "adverse",
    features: Sequence[str] = (),
    bands: Mapping[str, Sequence[float]] | None = None,
    justifications: Mapping[str, str] | None = None,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    intersections: Sequence[Sequence[str]] | str | None = "pairs",
    min_group_size: int = 30,
    n_bootstrap: int = 200,
    score_bins: int | None = None,
    spark: Any = None,
) -> Assessment:
    """:func:`govreport.assessments.model_risk.assess_frames` on an engine: fairness, proxy scan, model
    quality and drift.

    A file source runs :func:`~govreport.assessments.model_risk.assess_frames` itself (explainability
    included).
    """
    file = file_source(source)
    if file is not None:
        ref = open_frame(as_source(reference), spark=spark) if reference is not None else None
        return assess_frames(
            file.read_file(),
            ref,
            label=label,
            label_favourable=label_favourable,
            prediction=prediction,
            prediction_favourable=prediction_favourable,
            protected=protected,
            score=score,
            score_higher_is=score_higher_is,
            features=features,
            bands=bands,
            justifications=justifications,
            thresholds=thresholds,
            intersections=intersections,
            min_group_size=min_group_size,
            n_bootstrap=n_bootstrap,
        )
    notes: list[str] = []
    with opened(source, spark) as cur, contextlib.ExitStack() as stack:
        ref = stack.enter_context(opened(reference, spark)) if reference is not None else None
        require(
            cur,
            [label, prediction, *protected, *features, *([score] if score else [])],
            fix="check the column names in the system's model block",
        )
        feats = list(features)
        backend = Backend(
            fairness_on, proxy_on, functools.partial(quality_on, score_bins=score_bins), drift_on
        )
        indicators, sections = assemble(
            backend,
            cur,
            ref,
            notes,
            label=label,
            label_favourable=label_favourable,
            prediction=prediction,
            prediction_favourable=prediction_favourable,
            protected=protected,
            score=score,
            score_higher_is=score_higher_is,
            features=feats,
            bands=bands,
            justifications=justifications,
            thresholds=thresholds,
            intersections=intersections,
            min_group_size=min_group_size,
            n_bootstrap=n_bootstrap,
        )
        if feats and score:
            notes.append(
                f"computed on {cur.engine}: explainability (permutation importance, reason codes) needs "
                "the rows and is not assessed on an engine"
            )
    return Assessment(indicators, sections, notes)
