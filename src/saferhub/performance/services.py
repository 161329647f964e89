"""Computing and storing scorecard runs. Pages ask for a run; if none matches what the
warehouse now holds, one is computed (once) and stored."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from django.conf import settings
from django.db import transaction

import saferhub
from saferhub.analytics.indicators import IndicatorSet, load_indicators
from saferhub.analytics.periods import resolve_period
from saferhub.analytics.scorecard import IndicatorResult, compute_scorecards, load_geography
from saferhub.organisations.models import Partnership
from saferhub.performance.models import ScorecardRun
from saferhub.performance.warehouse import current_inputs, fingerprint, read_only


class NoAreaError(LookupError):
    """The partnership has no ONS area code, or the warehouse has no geography for it."""


def indicator_set() -> IndicatorSet:
    """The deployment's indicator definitions (SAFERHUB_INDICATORS, or the defaults)."""
    return load_indicators(settings.INDICATORS_PATH)


def _plain(value: Any) -> Any:
    """JSON-safe: NaN and infinities (no figure) become None, tuples become lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _as_data(result: IndicatorResult) -> dict[str, Any]:
    data: dict[str, Any] = _plain(dataclasses.asdict(result))
    return data


def scorecard_run_for(
    *, partnership: Partnership, period: str, period_type: str | None = None
) -> ScorecardRun:
    """The stored run for the partnership's area and sub-areas and this period, computed now
    if the warehouse has changed since the last one (or there is none)."""
    resolved = resolve_period(period, period_type)
    indicators = indicator_set()
    with read_only() as con:
        inputs = current_inputs(con)
        stamp = fingerprint(inputs)
        existing = ScorecardRun.objects.filter(
            partnership=partnership,
            period=period,
            period_type=resolved.type.value,
            warehouse_fingerprint=stamp,
            definitions_version=indicators.version,
        ).first()
        if existing is not None:
            return existing
        if not partnership.code:
            raise NoAreaError(f"{partnership.name} has no ONS area code, so it has no figures yet")
        geography = load_geography(con)
        try:
            main = geography.resolve(partnership.code)
        except LookupError as error:
            raise NoAreaError(str(error)) from error
        areas = [main, *_sub_areas(geography, main)]
        results = compute_scorecards(con, areas, [resolved], indicators, geography=geography)
    with transaction.atomic():
        return ScorecardRun.objects.create(
            partnership=partnership,
            period=period,
            period_type=resolved.type.value,
            period_label=resolved.description,
            area_codes=[a.code for a in areas],
            warehouse_fingerprint=stamp,
            inputs=inputs,
            definitions_version=indicators.version,
            software_version=saferhub.__version__,
            results=[_as_data(r) for r in results],
        )


def _sub_areas(geography: Any, main: Any) -> list[Any]:
    """A county's or force's CSPs; a CSP's districts (when it has more than one)."""
    if main.type in ("county", "force"):
        return [geography.resolve(code) for code in main.csps_within]
    if main.type == "csp" and len(main.districts) > 1:
        return [geography.resolve(code) for code in main.districts]
    return []
