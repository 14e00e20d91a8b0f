"""Momentum scores: is a concept's share in the window really higher or lower than before?

The scoring behind :mod:`seedscope.trends`, on plain counts so it can be
checked on hand-built series: for each concept, the documents carrying it
inside the window and before it, out of all documents on each side.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

#: At most this share of the concepts called new/rising/fading should be wrong.
FDR = 0.05
#: A label needs this many documents (inside the window for new/rising, before it for fading).
MIN_DOCS = 3
#: ... and the share must have changed by at least this factor.
MIN_RATIO = 1.25


def _false_discovery_level(p_values: np.ndarray, fdr: float) -> float:
    """Benjamini–Hochberg: the error level of each interval once ``p_values`` are screened.

    With ``R`` of ``m`` concepts selected at false discovery rate ``fdr``,
    intervals at level ``1 - fdr·R/m`` keep the share of wrong calls among
    the selected ones under ``fdr`` (Benjamini & Yekutieli's FCR intervals);
    with nothing selected it is Bonferroni's ``fdr/m``.
    """
    m = len(p_values)
    if not m:
        return fdr
    ranked = np.sort(p_values)
    passing = np.flatnonzero(ranked <= fdr * np.arange(1, m + 1) / m)
    selected = int(passing[-1]) + 1 if len(passing) else 0
    return fdr * max(selected, 1) / m


def score_momentum(
    window_docs: np.ndarray,
    window_total: int,
    before_docs: np.ndarray,
    before_total: int,
    *,
    min_docs: int = MIN_DOCS,
    min_ratio: float = MIN_RATIO,
    fdr: float = FDR,
) -> pd.DataFrame:
    """Ratio of shares, its confidence bounds, the score and the label, per concept.

    The test is conditional on the concept's documents: of its ``k``
    documents, how many fall in the window? Without a change, a fraction
    ``n1 / (n1 + n0)`` of them would. The Wilson score interval of that
    fraction, mapped back to the ratio of shares, is exact enough for small
    counts and stays finite and informative when a side is 0 (a concept in 27
    window documents and none of 579 earlier ones is clearly new, which a
    log-ratio interval with 0.5 added cannot see).

    Every row is one concept tested at once with the others, so the bounds
    are widened for the number tested (see :func:`_false_discovery_level`):
    among a thousand steady keywords, a few would clear a plain 95 % bound by
    chance. ``score`` is log2 of the bound nearest to 1 when the whole
    interval lies on one side of it (positive: rising, negative: fading),
    else 0, so small counts, whose intervals are wide, score 0.
    """
    k1 = np.asarray(window_docs, dtype=float)
    k0 = np.asarray(before_docs, dtype=float)
    n = len(k1)
    if not window_total or not before_total or not n:
        empty = np.full(n, np.nan)
        return pd.DataFrame(
            {
                "ratio": empty,
                "lower": empty,
                "upper": empty,
                "p_value": np.ones(n),
                "score": np.zeros(n),
                "momentum": np.full(n, "steady", dtype=object),
            }
        )
    k = np.maximum(k1 + k0, 1e-9)
    expected = window_total / (window_total + before_total)
    z_stat = (k1 - k * expected) / np.sqrt(k * expected * (1 - expected))
    p_values = np.array([math.erfc(abs(z) / math.sqrt(2)) for z in z_stat], dtype=float)
    p_values[(k1 + k0) == 0] = 1.0
    level = _false_discovery_level(p_values, fdr)
    z = NormalDist().inv_cdf(1 - level / 2)
    share = k1 / k
    shrink = 1 + z**2 / k
    centre = (share + z**2 / (2 * k)) / shrink
    half = z * np.sqrt(share * (1 - share) / k + z**2 / (4 * k**2)) / shrink
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    scale = before_total / window_total
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(low < 1, low / (1 - low), np.inf) * scale
        upper = np.where(high < 1, high / (1 - high), np.inf) * scale
        ratio = np.where(k0 > 0, (k1 / window_total) / (k0 / before_total), np.inf)
        score = np.where(lower > 1, np.log2(lower), np.where(upper < 1, np.log2(upper), 0.0))
    label = np.full(n, "steady", dtype=object)
    label[(lower > 1) & (ratio >= min_ratio) & (k1 >= min_docs)] = "rising"
    label[(upper < 1) & (ratio <= 1 / min_ratio) & (k0 >= min_docs)] = "fading"
    label[(k0 == 0) & (k1 >= min_docs)] = "new"
    return pd.DataFrame(
        {
            "ratio": ratio,
            "lower": lower,
            "upper": upper,
            "p_value": p_values,
            "score": np.nan_to_num(score, posinf=0.0, neginf=0.0),
            "momentum": label,
        }
    )
