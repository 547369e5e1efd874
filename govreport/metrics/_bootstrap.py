"""Bootstrap on sufficient statistics.

Resampling the rows of a data set with replacement and then tabulating them gives cell counts that
follow a multinomial distribution with the observed cell shares; so drawing the count tables directly
with :meth:`numpy.random.Generator.multinomial` is the same bootstrap as resampling rows, at a cost that
depends on the number of cells, not of rows. Intervals are percentile intervals; replicates in which a
statistic is undefined (e.g. a group drawn empty) are left out of that statistic's interval.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["resample_counts", "percentile_interval"]


def resample_counts(counts: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` bootstrap replicates of a count table: an int64 array of shape ``(n_boot,
    *counts.shape)``."""
    flat = np.asarray(counts, dtype=np.int64).ravel()
    total = int(flat.sum())
    if total == 0 or n_boot <= 0:
        return np.zeros((max(n_boot, 0), *np.shape(counts)), dtype=np.int64)
    draws = rng.multinomial(total, flat / total, size=n_boot)
    return draws.reshape((n_boot, *np.shape(counts)))


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds over axis 0, ignoring NaN; NaN where no replicate is defined."""
    alpha = (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanquantile(samples, alpha, axis=0)
        hi = np.nanquantile(samples, 1.0 - alpha, axis=0)
    return lo, hi
