"""Computing and storing scorecard runs. Pages ask for a run; if none matches what the
warehouse now holds, one is computed (once) and stored.

A run is keyed by the partnership, the period, the warehouse fingerprint (every loaded file
and its checksum) and the indicator definitions version, so it is reused until new data are
loaded or the definitions change, and can always be reproduced from what it records.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

import saferhub
from saferhub.analytics.indicators import IndicatorSet, default_indicators_path, load_indicators
from saferhub.analytics.periods import resolve_period
from saferhub.analytics.scorecard import (
    Area,
    Geography,
    IndicatorResult,
    compute_scorecards,
    load_geography,
)
from saferhub.organisations.models import Partnership
from saferhub.performance import rules
from saferhub.performance.models import ScorecardRun
from saferhub.performance.warehouse import WarehouseState, read_only, state


class NoAreaError(LookupError):
    """The partnership has no ONS area code, or the warehouse has no geography for it."""


_indicator_cache: dict[tuple[str, int, int], IndicatorSet] = {}
_compute_lock = threading.Lock()


def indicator_set() -> IndicatorSet:
    """The deployment's indicator definitions (SAFERHUB_INDICATORS, or the defaults), read
    again whenever the file changes."""
    path = Path(settings.INDICATORS_PATH or default_indicators_path())
    info = path.stat()
    key = (str(path), info.st_mtime_ns, info.st_size)
    cached = _indicator_cache.get(key)
    if cached is None:
        cached = load_indicators(path)
        _indicator_cache.clear()
        _indicator_cache[key] = cached
    return cached


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


def sub_areas(geography: Geography, main: Area) -> list[Area]:
    """The areas shown under a partnership's own: a county's or force area's CSPs, or a
    CSP's districts when it has more than one."""
    if main.type in ("county", "force"):
        return [geography.areas[code] for code in main.csps_within if code in geography.areas]
    if main.type == "csp" and len(main.districts) > 1:
        return [geography.areas[code] for code in main.districts if code in geography.areas]
    return []


def _stored(
    partnership: Partnership, period: str, period_type: str, current: WarehouseState, version: str
) -> ScorecardRun | None:
    # The large JSON fields load only when read: a page whose rendering is cached needs
    # just the run's identity.
    return (
        ScorecardRun.objects.filter(
            partnership=partnership,
            period=period,
            period_type=period_type,
            warehouse_fingerprint=current.fingerprint,
            definitions_version=version,
        )
        .defer("results", "peer_figures", "inputs")
        .first()
    )


def scorecard_run_for(
    *, partnership: Partnership, period: str, period_type: str | None = None
) -> ScorecardRun:
    """The stored run for the partnership's area and sub-areas and this period, computed now
    if the warehouse has changed since the last one (or there is none).

    Raises NoAreaError when the partnership has no ONS code or the warehouse has no
    geography for it; ``performance.warehouse.WarehouseBusyError`` while a load holds the
    warehouse for longer than a page can wait.
    """
    resolved = resolve_period(period, period_type)
    indicators = indicator_set()
    current = state()
    existing = _stored(partnership, period, resolved.type.value, current, indicators.version)
    if existing is not None:
        return existing
    if not partnership.code:
        raise NoAreaError(f"{partnership.name} has no ONS area code, so it has no figures yet")
    # One computation at a time in this process: concurrent first requests for the same run
    # wait for it instead of computing it again.
    with _compute_lock:
        current = state()
        existing = _stored(partnership, period, resolved.type.value, current, indicators.version)
        if existing is not None:
            return existing
        with read_only() as con:
            geography = load_geography(con)
            try:
                main = geography.resolve(partnership.code)
            except LookupError as error:
                raise NoAreaError(
                    f"The warehouse has no geography for {partnership.name} "
                    f"({partnership.code}): {error}"
                ) from error
            areas = [main, *sub_areas(geography, main)]
            codes = {a.code for a in areas}
            # Each area's peers are computed too (their figures feed the peer statistics
            # anyway): the pages draw every peer's figure beside the area's own.
            peers = {
                p.code: p for a in areas for p in geography.default_peers(a) if p.code not in codes
            }
            everything = compute_scorecards(
                con, [*areas, *peers.values()], [resolved], indicators, geography=geography
            )
        results = [r for r in everything if r.area_code in codes]
        peer_figures: dict[str, Any] = {"names": {}, "figures": {}}
        for r in everything:
            peer_figures["names"][r.area_code] = r.area_name
            peer_figures["figures"].setdefault(r.area_code, {})[r.indicator_id] = _plain(
                [r.count, r.rate_per_1000]
            )
        with transaction.atomic():
            return ScorecardRun.objects.create(
                partnership=partnership,
                period=period,
                period_type=resolved.type.value,
                period_label=resolved.description,
                area_codes=[a.code for a in areas],
                warehouse_fingerprint=current.fingerprint,
                inputs=current.inputs,
                definitions_version=indicators.version,
                software_version=saferhub.__version__,
                results=[_as_data(r) for r in results],
                peer_figures=peer_figures,
            )


def scorecard_runs_refresh(*, partnership: Partnership | None = None) -> list[ScorecardRun]:
    """Bring stored runs up to date after a data load (called by the data-load task).

    For the partnership (or every partnership with an ONS code), computes the run for each
    period already asked for before and for the dashboard's default period, if the
    warehouse has changed since. Returns the runs now current. Partnerships whose area is
    not in the warehouse are skipped.
    """
    targets = (
        [partnership]
        if partnership is not None
        else list(Partnership.objects.exclude(code="").order_by("pk"))
    )
    current = state()
    choices = rules.period_choices(current.last_month, current.first_month)
    default = rules.default_period(choices)
    refreshed: list[ScorecardRun] = []
    for target in targets:
        if not target.code:
            continue
        asked = set(
            ScorecardRun.objects.filter(partnership=target)
            .values_list("period", "period_type")
            .distinct()
        )
        if default is not None:
            asked.add((default.period, default.period_type))
        for period, period_type in sorted(asked):
            try:
                refreshed.append(
                    scorecard_run_for(partnership=target, period=period, period_type=period_type)
                )
            except NoAreaError:
                break
    return refreshed
