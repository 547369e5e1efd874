"""The demo's training sets (issue 21): what each predictive system's model learnt from, problems planted.

Each predictive system's ``training.parquet`` holds the applications (or transactions) its model version was
trained on: the rows of its ``reference.parquet`` — the reference is the training sample the model was
validated on, the same rows — plus the date each was recorded, over the year before the first quarter, and
the training export's problems:

* ``card-default`` (model 2024.1): the training export lost ``BILL_AMT1`` for most applicants aged 65+ (a
  feature missing mostly for one age band: ``training.differential_missingness.AGE``); and in the second
  quarter the scoring export reuses 1,500 training applications (``training.overlap_with_scoring``).
* ``txn-monitoring`` (model 2023.2): the training export back-filled ``VELOCITY_24H`` after the investigation,
  so it counts the investigated transactions too — a leaky feature that predicts the label on its own
  (``training.label_leakage``).

The audit finds them in the ``data_quality`` reports; the scoring data and the reference are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.periods import Period

__all__ = [
    "TRAINING_COLUMN",
    "make_training",
    "reuse_training_rows",
    "write_predictive_data",
    "REUSED_ROWS",
    "REUSE_STEP",
]

#: The date column of each system's training data (the training contract's ``freshness.column``).
TRAINING_COLUMN = {"card-default": "APPLIED_AT", "txn-monitoring": "TXN_DATE"}
#: Scoring rows the card-default export copies from the training data, and in which quarter (0-based).
REUSED_ROWS = 1_500
REUSE_STEP = 1


def _dates(n: int, first: Period, seed: int) -> pd.Series:
    """``n`` dates spread over the 365 days before ``first`` starts (deterministic)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(first.start) - pd.Timedelta(days=365)
    return pd.Series(start + pd.to_timedelta(np.sort(rng.integers(0, 365, n)), unit="D"))


def make_training(system_id: str, reference: pd.DataFrame, plist: Sequence[Period]) -> pd.DataFrame:
    """The training set of ``system_id``: the reference rows, dated, with the export's planted problem."""
    out = reference.copy()
    out[TRAINING_COLUMN[system_id]] = _dates(len(out), plist[0], seed=len(system_id)).to_numpy()
    rng = np.random.default_rng(21)
    if system_id == "card-default":  # most applicants aged 65+ lost their bill amount in the export
        lost = (out["AGE"] >= 65).to_numpy() & (rng.random(len(out)) < 0.7)
        out["BILL_AMT1"] = out["BILL_AMT1"].astype("float64").where(~lost)
    elif system_id == "txn-monitoring":  # velocity back-filled after the investigation: the label leaks
        out["VELOCITY_24H"] = out["VELOCITY_24H"] + 15 * out["CONFIRMED_SUSPICIOUS"]
    return out


def reuse_training_rows(scoring: pd.DataFrame, training: pd.DataFrame) -> pd.DataFrame:
    """``scoring`` with its last :data:`REUSED_ROWS` rows replaced by training rows (their own ids): an export
    that re-scored applications the model was trained on."""
    pool = training[scoring.columns].dropna()
    reused = (
        pool.iloc[:: max(1, len(pool) // REUSED_ROWS)].iloc[:REUSED_ROWS].astype(scoring.dtypes.to_dict())
    )
    return pd.concat([scoring.iloc[: len(scoring) - len(reused)], reused], ignore_index=True)


def write_predictive_data(
    root: Path, plist: Sequence[Period], makers: Mapping[str, Callable[[int], pd.DataFrame]]
) -> None:
    """Each predictive system's reference, training set and quarterly scoring files under ``data/<id>/``."""
    for sid, maker in makers.items():
        d = root / "data" / sid
        d.mkdir(parents=True, exist_ok=True)
        reference = maker(-1)
        reference.to_parquet(d / "reference.parquet", index=False)
        training = make_training(sid, reference, plist)
        training.to_parquet(d / "training.parquet", index=False)
        for step, p in enumerate(plist):
            scoring = maker(step)
            if sid == "card-default" and step == REUSE_STEP:
                scoring = reuse_training_rows(scoring, training)
            scoring.to_parquet(d / f"scoring_{p.label}.parquet", index=False)
