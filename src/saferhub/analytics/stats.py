"""Significance tests for crime counts: is a change, or a difference from the peer average, real?

Two exact tests on Poisson counts, written to give the same answers as R's ``poisson.test``
(and therefore ``binom.test``), and vectorised with numpy so a national scorecard (hundreds of
thousands of tests) takes milliseconds. Methods, in plain English, are in
docs/analytics/methods.md.

**This year against last year** (:func:`rate_ratio_test`): the counts ``x1`` (this period) and
``x0`` (a year earlier) are treated as Poisson with exposures ``t1`` and ``t0`` (the
populations). Conditional on the total ``n = x1 + x0``, ``x1`` is binomial with
``p = t1 / (t1 + t0)`` when the rates are equal. The two-sided p-value is that of the exact
binomial test (the "minimum likelihood" method of R's ``binom.test``: the total probability
of every outcome no more likely than the one observed). The confidence interval for the rate
ratio ``(x1/t1) / (x0/t0)`` is the Clopper-Pearson interval for ``p`` transformed by
``p / (1 - p) * t0 / t1``. Reference: Przyborowski and Wilenski (1940); R Core Team,
``poisson.test``; Clopper and Pearson (1934).

**An area against its peer group's average rate** (:func:`expected_count_test`): the area's
count is compared with the count expected if it had the peer mean rate (mean rate times its
population): the exact one-sample Poisson test of R's ``poisson.test(x, T, r)``, with the
exact (Garwood) interval for the ratio of observed to expected. The peer mean is treated as
known, as in funnel plots (Spiegelhalter 2005).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

__all__ = [
    "DEFAULT_ALPHA",
    "ExpectedCountTest",
    "RateRatioTest",
    "expected_count_test",
    "expected_count_tests",
    "rate_ratio_test",
    "rate_ratio_tests",
]

DEFAULT_ALPHA = 0.05
"""Two-sided significance level; the confidence intervals are at 1 - alpha (95%)."""

_REL_ERR = 1 + 1e-7
"""R's tolerance when comparing probabilities of outcomes (binom.test, poisson.test)."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class RateRatioTest:
    """The exact conditional test of a change in rate between two periods.

    ``ratio`` is this period's rate divided by the earlier period's (inf when the earlier
    count is 0, nan when both are 0); ``ci_low``/``ci_high`` its 1 - alpha confidence interval.
    """

    count: int
    exposure: float
    base_count: int
    base_exposure: float
    ratio: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float

    @property
    def significant(self) -> bool:
        """True when the change is statistically significant at level ``alpha`` (two-sided)."""
        return self.p_value < self.alpha


@dataclass(frozen=True, slots=True)
class ExpectedCountTest:
    """The exact one-sample Poisson test of an observed count against an expected count.

    ``ratio`` is observed / expected (e.g. the area's rate over the peer mean rate), with its
    1 - alpha confidence interval.
    """

    count: int
    expected: float
    ratio: float
    p_value: float
    ci_low: float
    ci_high: float
    alpha: float

    @property
    def significant(self) -> bool:
        """True when the count differs significantly from the expected count at ``alpha``."""
        return self.p_value < self.alpha


def _as_float(values: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(values, dtype=np.float64))


def _binom_two_sided(x: FloatArray, n: FloatArray, p: FloatArray) -> FloatArray:
    """R's binom.test two-sided p-value for arrays (n > 0, 0 <= p <= 1)."""
    d: FloatArray = np.asarray(stats.binom.pmf(x, n, p), dtype=np.float64)
    m = n * p
    threshold = d * _REL_ERR
    pvalue = np.ones_like(x)
    below = x < m
    above = x > m
    if below.any():
        xb, nb, pb, tb = x[below], n[below], p[below], threshold[below]
        # pmf is non-increasing on [ceil(m), n]: find the first k there with pmf(k) <= d.
        lo = np.ceil(nb * pb)
        hi = nb + 1
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = np.floor((lo + hi) / 2)
            ok = stats.binom.pmf(mid, nb, pb) <= tb
            hi = np.where(active & ok, mid, hi)
            lo = np.where(active & ~ok, mid + 1, lo)
        pvalue[below] = stats.binom.cdf(xb, nb, pb) + stats.binom.sf(lo - 1, nb, pb)
    if above.any():
        xa, na, pa, ta = x[above], n[above], p[above], threshold[above]
        # pmf is non-decreasing on [0, floor(m)]: count the i there with pmf(i) <= d.
        lo = np.zeros_like(xa)
        hi = np.floor(na * pa) + 1
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = np.floor((lo + hi) / 2)
            ok = stats.binom.pmf(mid, na, pa) <= ta
            lo = np.where(active & ok, mid + 1, lo)
            hi = np.where(active & ~ok, mid, hi)
        y = lo  # outcomes 0 .. y-1 are no more likely than x
        pvalue[above] = stats.binom.cdf(y - 1, na, pa) + stats.binom.sf(xa - 1, na, pa)
    result: FloatArray = np.minimum(1.0, pvalue)
    return result


def _poisson_two_sided(x: FloatArray, m: FloatArray) -> FloatArray:
    """R's poisson.test one-sample two-sided p-value for arrays (m >= 0)."""
    pvalue = np.ones_like(x)
    zero = m == 0
    pvalue[zero] = np.where(x[zero] == 0, 1.0, 0.0)
    d: FloatArray = np.asarray(stats.poisson.pmf(x, m), dtype=np.float64)
    threshold = d * _REL_ERR
    below = (x < m) & ~zero
    above = (x > m) & ~zero
    if below.any():
        xb, mb, tb = x[below], m[below], threshold[below]
        lo = np.ceil(mb)
        hi = np.maximum(np.ceil(2 * mb - xb), lo + 1)
        grow = stats.poisson.pmf(hi, mb) > tb
        while grow.any():
            hi = np.where(grow, hi * 2, hi)
            grow = stats.poisson.pmf(hi, mb) > tb
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = np.floor((lo + hi) / 2)
            ok = stats.poisson.pmf(mid, mb) <= tb
            hi = np.where(active & ok, mid, hi)
            lo = np.where(active & ~ok, mid + 1, lo)
        pvalue[below] = stats.poisson.cdf(xb, mb) + stats.poisson.sf(lo - 1, mb)
    if above.any():
        xa, ma, ta = x[above], m[above], threshold[above]
        lo = np.zeros_like(xa)
        hi = np.floor(ma) + 1
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = np.floor((lo + hi) / 2)
            ok = stats.poisson.pmf(mid, ma) <= ta
            lo = np.where(active & ok, mid + 1, lo)
            hi = np.where(active & ~ok, mid, hi)
        pvalue[above] = stats.poisson.cdf(lo - 1, ma) + stats.poisson.sf(xa - 1, ma)
    result: FloatArray = np.minimum(1.0, pvalue)
    return result


def rate_ratio_tests(
    counts: npt.ArrayLike,
    exposures: npt.ArrayLike,
    base_counts: npt.ArrayLike,
    base_exposures: npt.ArrayLike,
    alpha: float = DEFAULT_ALPHA,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Vectorised :func:`rate_ratio_test`: arrays of (ratio, p_value, ci_low, ci_high).

    Where both counts are 0 there is no information: p-value 1, interval (0, inf).
    """
    x1, t1, x0, t0 = (_as_float(a) for a in (counts, exposures, base_counts, base_exposures))
    x1, t1, x0, t0 = np.broadcast_arrays(x1, t1, x0, t0)
    _check_alpha(alpha)
    if np.any(t1 <= 0) or np.any(t0 <= 0) or np.any(x1 < 0) or np.any(x0 < 0):
        raise ValueError("counts must be >= 0 and exposures (populations) > 0")
    n = x1 + x0
    p = t1 / (t1 + t0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (x1 / t1) / (x0 / t0)
    informative = n > 0
    pvalue = np.ones_like(x1)
    low = np.zeros_like(x1)
    high = np.full_like(x1, np.inf)
    if informative.any():
        xi, ni, pi = x1[informative], n[informative], p[informative]
        pvalue[informative] = _binom_two_sided(xi, ni, pi)
        with np.errstate(divide="ignore", invalid="ignore"):
            p_low = np.where(xi == 0, 0.0, special.betaincinv(xi, ni - xi + 1, alpha / 2))
            p_high = np.where(xi == ni, 1.0, special.betaincinv(xi + 1, ni - xi, 1 - alpha / 2))
            scale = t0[informative] / t1[informative]
            low[informative] = p_low / (1 - p_low) * scale
            high[informative] = np.where(p_high >= 1.0, np.inf, p_high / (1 - p_high) * scale)
    return ratio, pvalue, low, high


def rate_ratio_test(
    count: int,
    exposure: float,
    base_count: int,
    base_exposure: float,
    alpha: float = DEFAULT_ALPHA,
) -> RateRatioTest:
    """Is the rate ``count / exposure`` significantly different from ``base_count / base_exposure``?

    The exact conditional (binomial) test for the ratio of two Poisson rates, two-sided, as
    R's ``poisson.test(c(count, base_count), c(exposure, base_exposure))``. Exposures are the
    populations of each period (equal exposures compare the raw counts).
    """
    ratio, pvalue, low, high = rate_ratio_tests(
        [count], [exposure], [base_count], [base_exposure], alpha
    )
    return RateRatioTest(
        count=count,
        exposure=exposure,
        base_count=base_count,
        base_exposure=base_exposure,
        ratio=float(ratio[0]),
        p_value=float(pvalue[0]),
        ci_low=float(low[0]),
        ci_high=float(high[0]),
        alpha=alpha,
    )


def expected_count_tests(
    counts: npt.ArrayLike, expected: npt.ArrayLike, alpha: float = DEFAULT_ALPHA
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Vectorised :func:`expected_count_test`: arrays of (ratio, p_value, ci_low, ci_high)."""
    x, m = np.broadcast_arrays(_as_float(counts), _as_float(expected))
    _check_alpha(alpha)
    if np.any(x < 0) or np.any(m < 0):
        raise ValueError("counts and expected counts must be >= 0")
    pvalue = _poisson_two_sided(x, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = x / m
        low_count = np.where(x == 0, 0.0, special.gammaincinv(np.maximum(x, 1), alpha / 2))
        high_count = special.gammaincinv(x + 1, 1 - alpha / 2)
        low = low_count / m
        high = high_count / m
    return ratio, pvalue, low, high


def expected_count_test(
    count: int, expected: float, alpha: float = DEFAULT_ALPHA
) -> ExpectedCountTest:
    """Is ``count`` significantly different from the Poisson ``expected`` count?

    The exact one-sample Poisson test, two-sided, as R's ``poisson.test(count, T, r)`` with
    ``expected = r * T``; the interval is for observed/expected. Used to compare an area with
    the count it would have at its peer group's mean rate.
    """
    ratio, pvalue, low, high = expected_count_tests([count], [expected], alpha)
    return ExpectedCountTest(
        count=count,
        expected=expected,
        ratio=float(ratio[0]),
        p_value=float(pvalue[0]),
        ci_low=float(low[0]),
        ci_high=float(high[0]),
        alpha=alpha,
    )


def _check_alpha(alpha: float) -> None:
    if not (0 < alpha < 1) or math.isnan(alpha):
        raise ValueError(f"alpha must be between 0 and 1 (got {alpha})")
