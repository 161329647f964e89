"""SPC control limits: c-chart and u-chart, missing months never zero, out-of-limit months."""

from __future__ import annotations

import math

import numpy as np
import pytest

from saferhub.analytics.spc import control_chart, control_limits


def test_c_chart_limits_by_hand() -> None:
    # Mean of 16, 16, 16, 36, 16 is 20; limits 20 +/- 3 * sqrt(20) = 6.58 .. 33.42.
    chart = control_chart([16, 16, 16, 36, 16])
    assert chart.chart == "c"
    assert chart.centre[0] == 20
    assert chart.upper[0] == pytest.approx(20 + 3 * math.sqrt(20))
    assert chart.lower[0] == pytest.approx(20 - 3 * math.sqrt(20))
    assert chart.outside == (3,)


def test_missing_month_stays_missing_and_is_not_zero() -> None:
    with_gap = control_chart([10, None, 10, 10])
    assert with_gap.counts[1] is None
    assert with_gap.centre[0] == 10  # a zero would have pulled the mean to 7.5
    assert 1 not in with_gap.outside


def test_u_chart_when_population_changes() -> None:
    chart = control_chart([10, 10, 20, 20], [100.0, 100.0, 200.0, 200.0])
    assert chart.chart == "u"
    # u = 60 / 600 = 0.1 per unit: centres 10 and 20.
    assert chart.centre == (10.0, 10.0, 20.0, 20.0)
    assert chart.upper[2] == pytest.approx(20 + 3 * math.sqrt(20))


def test_equal_exposures_give_a_c_chart() -> None:
    assert control_chart([1, 2, 3], [5.0, 5.0, 5.0]).chart == "c"


def test_lower_limit_not_below_zero() -> None:
    chart = control_chart([1, 0, 2, 1])
    assert chart.lower == (0.0,) * 4


def test_vectorised_matches_scalar() -> None:
    series = [[16, 16, 16, 36, 16], [10, None, 10, 30, 2]]
    exposures = [[1.0] * 5, [100.0, 100.0, 100.0, 200.0, 200.0]]
    array = np.array([[np.nan if c is None else c for c in row] for row in series])
    centre, lower, upper = control_limits(array, np.array(exposures))
    for i, row in enumerate(series):
        chart = control_chart(row, exposures[i])
        assert np.allclose(centre[i], chart.centre)
        assert np.allclose(lower[i], chart.lower)
        assert np.allclose(upper[i], chart.upper)


def test_all_missing_gives_no_limits() -> None:
    chart = control_chart([None, None])
    assert math.isnan(chart.centre[0]) and chart.outside == ()
