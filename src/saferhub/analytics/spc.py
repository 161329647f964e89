"""Statistical process control (SPC) limits for monthly crime counts.

A monthly series is plotted against a centre line and 3-sigma control limits; a month outside
the limits is "special cause variation" worth a question, a month inside them is ordinary
noise. The chart type follows the data:

* **c-chart** (counts, constant opportunity) when no exposure is given or the exposure is the
  same every month: centre ``c = mean count``, limits ``c +/- 3 * sqrt(c)``.
* **u-chart** (rates, varying opportunity) when each month has its own exposure (the
  population of the year the month falls in): ``u = sum(counts) / sum(exposures)``; each
  month's limits, on the count scale, are ``e * u +/- 3 * sqrt(e * u)``.

Lower limits below zero are set to zero. Missing months (a force's file not loaded) stay
missing (``None``): they are left out of the centre line and are never flagged, and never
counted as zero. Reference: Montgomery, *Introduction to Statistical Quality Control*, ch. 7;
NHS England "Making Data Count" (2019).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["ControlChart", "control_chart", "control_limits"]

SIGMA = 3.0


@dataclass(frozen=True, slots=True)
class ControlChart:
    """A monthly series with its centre line and 3-sigma limits (all on the count scale).

    ``counts[i] is None`` for a missing month; ``outside`` lists the indexes of months above
    the upper or below the lower limit.
    """

    chart: str
    """``'c'`` (counts) or ``'u'`` (counts with varying exposure)."""
    counts: tuple[int | None, ...]
    centre: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    outside: tuple[int, ...]


def control_chart(
    counts: Sequence[int | None], exposures: Sequence[float] | None = None
) -> ControlChart:
    """SPC centre line, 3-sigma limits and out-of-limit months for a monthly count series.

    ``exposures`` (e.g. the population for each month) makes it a u-chart when they differ;
    without them, or when they are all equal, it is a c-chart. With no month present the
    centre and limits are nan.
    """
    if exposures is not None and len(exposures) != len(counts):
        raise ValueError("one exposure is needed for each month")
    present = [i for i, c in enumerate(counts) if c is not None]
    varying = exposures is not None and len({float(exposures[i]) for i in present}) > 1
    if not present:
        nan = (math.nan,) * len(counts)
        return ControlChart("c", tuple(counts), nan, nan, nan, ())
    total = float(sum(counts[i] or 0 for i in present))
    if varying and exposures is not None:
        rate = total / float(sum(exposures[i] for i in present))
        centre = tuple(rate * float(e) for e in exposures)
        chart = "u"
    else:
        centre = (total / len(present),) * len(counts)
        chart = "c"
    upper = tuple(c + SIGMA * math.sqrt(c) for c in centre)
    lower = tuple(max(0.0, c - SIGMA * math.sqrt(c)) for c in centre)
    outside = tuple(
        i for i, c in enumerate(counts) if c is not None and (c > upper[i] or c < lower[i])
    )
    return ControlChart(chart, tuple(counts), centre, lower, upper, outside)


def control_limits(
    counts: npt.NDArray[np.float64], exposures: npt.NDArray[np.float64] | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Vectorised :func:`control_chart` for many series at once: (centre, lower, upper).

    ``counts`` has months on the last axis, nan for a missing month; ``exposures`` (same
    shape, or broadcastable) gives each month's exposure. A series whose present months all
    have the same exposure gets c-chart limits, otherwise u-chart limits, exactly as
    :func:`control_chart` decides. Out-of-limit months are ``(counts > upper) | (counts <
    lower)`` (nan compares false, so missing months are never flagged).
    """
    present = ~np.isnan(counts)
    n_present = present.sum(axis=-1, keepdims=True)
    total = np.where(present, counts, 0.0).sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        c_centre = np.broadcast_to(total / n_present, counts.shape)
        if exposures is None:
            centre = np.array(c_centre)
        else:
            e = np.broadcast_to(exposures, counts.shape)
            highest = np.where(present, e, -np.inf).max(axis=-1, keepdims=True)
            lowest = np.where(present, e, np.inf).min(axis=-1, keepdims=True)
            varying = (highest != lowest) & (n_present > 0)
            rate = total / np.where(present, e, 0.0).sum(axis=-1, keepdims=True)
            centre = np.where(varying, rate * e, c_centre)
    spread = SIGMA * np.sqrt(centre)
    return centre, np.maximum(0.0, centre - spread), centre + spread
