"""Significance tests against reference values from R and an independent implementation (scipy).

R reference values (R 4.x):

* ``poisson.test(c(11, 6+8+7), c(800, 1083+1050+878))`` (R documentation example, eba1977):
  p-value = 0.07967, 95% CI 0.8584264 to 4.2772659, rate ratio 1.971488.
* ``binom.test(682, 682+243, p = 3/4)`` (R documentation, Mendel's peas): p-value = 0.3825,
  95% CI 0.7076683 to 0.7654066.
* ``poisson.test(137, 24.19893)`` (R documentation, Welsh nickel workers): 95% CI 4.753125 to
  6.692709, rate 5.661407, p-value < 2.2e-16.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from saferhub.analytics.stats import (
    expected_count_test,
    expected_count_tests,
    rate_ratio_test,
    rate_ratio_tests,
)


def test_r_poisson_test_two_sample_example() -> None:
    result = rate_ratio_test(11, 800, 6 + 8 + 7, 1083 + 1050 + 878)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.ci_low == pytest.approx(0.8584264, abs=5e-8)
    assert result.ci_high == pytest.approx(4.2772659, abs=5e-8)
    assert result.ratio == pytest.approx(1.971488, abs=5e-7)
    assert not result.significant


def test_r_binom_test_example_via_rate_ratio() -> None:
    # With exposures 3:1 the conditional test is binom.test(682, 925, p = 3/4).
    result = rate_ratio_test(682, 3.0, 243, 1.0)
    assert result.p_value == pytest.approx(0.3825, abs=5e-5)
    # The interval for p maps to the ratio interval by p/(1-p) * t0/t1.
    p_low, p_high = 0.7076683, 0.7654066
    assert result.ci_low == pytest.approx(p_low / (1 - p_low) / 3, rel=1e-6)
    assert result.ci_high == pytest.approx(p_high / (1 - p_high) / 3, rel=1e-6)


def test_r_poisson_test_one_sample_example() -> None:
    result = expected_count_test(137, 24.19893)
    assert result.ci_low == pytest.approx(4.753125, abs=5e-7)
    assert result.ci_high == pytest.approx(6.692709, abs=5e-7)
    assert result.ratio == pytest.approx(5.661407, abs=5e-7)
    assert result.p_value < 2.2e-16


def test_domain_example_rise_of_4_6_percent_is_not_significant() -> None:
    # DOMAIN.md: 2,796 to 2,925 is +4.6% but not significant.
    result = rate_ratio_test(2925, 1.0, 2796, 1.0)
    assert pytest.approx(0.046, abs=5e-4) == (2925 - 2796) / 2796
    assert not result.significant
    assert result.ci_low < 1 < result.ci_high
    reference = stats.binomtest(2925, 2925 + 2796, 0.5)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_population_change_is_allowed_for() -> None:
    # The same counts with a population that grew 10%: the rate barely changed.
    grew = rate_ratio_test(1100, 110_000, 1000, 100_000)
    assert grew.ratio == pytest.approx(1.0)
    assert grew.p_value == pytest.approx(1.0, abs=0.02)
    same_population = rate_ratio_test(1100, 100_000, 1000, 100_000)
    assert same_population.significant


def test_sixteen_percent_rise_on_a_large_base_is_significant() -> None:
    # The scrutiny question: is a 16% rise in recorded domestic abuse real?
    assert rate_ratio_test(7055, 1.0, 6142, 1.0).significant
    assert not rate_ratio_test(29, 1.0, 25, 1.0).significant


@settings(max_examples=300, deadline=None)
@given(
    x1=st.integers(0, 400),
    x0=st.integers(0, 400),
    t1=st.floats(0.2, 5.0),
    t0=st.floats(0.2, 5.0),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_agrees_with_scipy_binomtest(x1: int, x0: int, t1: float, t0: float, alpha: float) -> None:
    if x1 + x0 == 0:
        result = rate_ratio_test(x1, t1, x0, t0, alpha)
        assert result.p_value == 1.0
        return
    p = t1 / (t1 + t0)
    reference = stats.binomtest(x1, x1 + x0, p)
    ci = reference.proportion_ci(confidence_level=1 - alpha, method="exact")
    result = rate_ratio_test(x1, t1, x0, t0, alpha)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-7, abs=1e-12)
    scale = t0 / t1
    expected_low = ci.low / (1 - ci.low) * scale
    assert result.ci_low == pytest.approx(expected_low, rel=1e-6, abs=1e-12)
    if ci.high >= 1:
        assert result.ci_high == np.inf
    else:
        assert result.ci_high == pytest.approx(ci.high / (1 - ci.high) * scale, rel=1e-6)


def test_vectorised_equals_scalar() -> None:
    counts = np.array([0, 3, 50, 900, 12])
    base = np.array([4, 3, 70, 800, 0])
    ratio, p, low, high = rate_ratio_tests(counts, 2.0, base, 1.5)
    for i in range(len(counts)):
        one = rate_ratio_test(int(counts[i]), 2.0, int(base[i]), 1.5)
        assert (p[i], low[i], high[i]) == (one.p_value, one.ci_low, one.ci_high)
    assert ratio[4] == np.inf


@settings(max_examples=200, deadline=None)
@given(x=st.integers(0, 300), m=st.floats(0.05, 300.0))
def test_one_sample_agrees_with_brute_force_r_definition(x: int, m: float) -> None:
    # R's poisson.test: sum of the probabilities of all outcomes no more likely than x.
    support = np.arange(0, int(m * 4 + x * 2 + 60))
    pmf = stats.poisson.pmf(support, m)
    d = stats.poisson.pmf(x, m)
    expected = min(1.0, float(pmf[pmf <= d * (1 + 1e-7)].sum()))
    if x == m:
        expected = 1.0
    result = expected_count_test(x, m)
    assert result.p_value == pytest.approx(expected, rel=1e-6, abs=1e-12)


def test_one_sample_interval_is_garwood() -> None:
    _ratio, p, low, high = expected_count_tests([0, 10], [2.0, 10.0])
    assert low[0] == 0.0
    assert high[0] == pytest.approx(stats.chi2.ppf(0.975, 2) / 2 / 2.0)
    assert low[1] == pytest.approx(stats.chi2.ppf(0.025, 20) / 2 / 10.0)
    assert high[1] == pytest.approx(stats.chi2.ppf(0.975, 22) / 2 / 10.0)
    assert p[1] == 1.0


def test_invalid_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="alpha"):
        rate_ratio_test(1, 1.0, 1, 1.0, alpha=1.5)
    with pytest.raises(ValueError, match="exposures"):
        rate_ratio_test(1, 0.0, 1, 1.0)
