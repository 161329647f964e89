"""What a board report says, as plain frozen data built from a stored scorecard run.

Nothing is computed from the warehouse here: the figures are those of the run
(``performance.services.scorecard_run_for``). The *published* version passes the run's results
through the analytics engine's disclosure control (``analytics.scorecard.publish``: small
numbers hidden with secondary suppression) and leaves out restricted indicators; the
*internal* version leaves out restricted indicators for readers who may not see them.

A report converts to and from plain data (:meth:`BoardReport.to_data`), which is how a
published report is stored as a snapshot.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saferhub.analytics.disclosure import DisclosureRule
from saferhub.analytics.indicators import Indicator, IndicatorSet
from saferhub.analytics.scorecard import IndicatorResult, MonthlySeries, NoDataError, publish
from saferhub.performance.models import ScorecardRun
from saferhub.reports import rules

DEFAULT_THRESHOLD = 5
"""Counts from 1 to 4 are hidden in published reports ("fewer than 5", as MARAC reports do)."""

PUBLICATION_NOTE = (
    "To protect people's privacy, counts from 1 to {last} are not published, nor are figures "
    "from which they could be worked out (shown as a dash). Percentage changes on a count "
    "below {base} are not published."
)


@dataclass(frozen=True, slots=True)
class SeriesData:
    """The monthly counts behind an indicator's chart (None = missing or hidden)."""

    months: tuple[str, ...]
    counts: tuple[int | None, ...]
    centre: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    outside: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportLine:
    """One indicator of the report: a scorecard row, and its page if it is a priority."""

    indicator_id: str
    name: str
    definition: str
    count: int | None
    previous_count: int | None
    change: int | None
    change_pct: float | None
    rate: float | None
    previous_rate: float | None
    per: int | None
    """Rate base (1,000 residents), or None for indicators reported as counts only."""
    significant: bool | None
    p_value: float | None
    rag: str | None
    polarity: str
    peer_rank: int | None
    peer_size: int | None
    peer_mean_rate: float | None
    peer_comparison: str | None
    complete: bool
    previous_complete: bool
    previous_period: str
    notes: tuple[str, ...]
    suppressed: tuple[str, ...]
    series: SeriesData
    sentence: str | None
    commentary: str
    restricted: bool

    @property
    def has_rate(self) -> bool:
        """True when the indicator is reported per head of population."""
        return self.per is not None


@dataclass(frozen=True, slots=True)
class BoardReport:
    """A quarterly (or other period's) performance report for a partnership's board."""

    partnership_name: str
    partnership_slug: str
    is_synthetic: bool
    published: bool
    includes_restricted: bool
    """The internal report shows restricted figures (marked as such on its cover)."""
    area_name: str
    area_code: str
    period: str
    period_type: str
    period_label: str
    lines: tuple[ReportLine, ...]
    summary: tuple[str, ...]
    priorities: tuple[str, ...]
    caveats: tuple[str, ...]
    run_id: int
    computed_at: str
    inputs: tuple[Mapping[str, Any], ...]
    warehouse_fingerprint: str
    definitions_version: str
    software_version: str
    threshold: int | None
    """Disclosure threshold (published reports only)."""
    published_version: int | None = None
    published_at: str | None = None
    earlier_versions: tuple[Mapping[str, Any], ...] = ()
    """Published reports: the versions this one replaces (number, date)."""

    @property
    def token(self) -> str:
        """The period as written in the report's address."""
        return rules.period_token(self.period, self.period_type)

    @property
    def priority_lines(self) -> tuple[ReportLine, ...]:
        """The lines that get a page of their own, in scorecard order."""
        wanted = set(self.priorities)
        return tuple(line for line in self.lines if line.indicator_id in wanted)

    @property
    def input_files(self) -> int:
        """How many warehouse files the figures come from."""
        return len(self.inputs)

    def line(self, indicator_id: str) -> ReportLine:
        """The line of one indicator (KeyError if the report has none)."""
        for line in self.lines:
            if line.indicator_id == indicator_id:
                return line
        raise KeyError(indicator_id)

    def with_publication(
        self, *, version: int, published_at: str, earlier: Sequence[Mapping[str, Any]]
    ) -> BoardReport:
        """The same report stamped with its published version."""
        return dataclasses.replace(
            self,
            published_version=version,
            published_at=published_at,
            earlier_versions=tuple(earlier),
        )

    def to_data(self) -> dict[str, Any]:
        """The report as plain JSON-ready data (a published snapshot)."""
        # Through JSON, so the data are exactly what the database stores (lists, not tuples).
        data: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(self)))
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> BoardReport:
        """A report from :meth:`to_data`'s output."""
        values = dict(data)
        values["lines"] = tuple(_line_from_data(line) for line in values["lines"])
        for key in ("summary", "priorities", "caveats"):
            values[key] = tuple(values[key])
        values["inputs"] = tuple(values["inputs"])
        values["earlier_versions"] = tuple(values.get("earlier_versions", ()))
        return cls(**values)


def _line_from_data(data: Mapping[str, Any]) -> ReportLine:
    values = dict(data)
    series = values["series"]
    values["series"] = SeriesData(**{key: tuple(value) for key, value in series.items()})
    values["notes"] = tuple(values["notes"])
    values["suppressed"] = tuple(values["suppressed"])
    return ReportLine(**values)


# --- building ----------------------------------------------------------------------------


def require_data(report: BoardReport) -> BoardReport:
    """The report, if any indicator has a figure; otherwise NoDataError saying what is missing
    (a period with no data is reported as missing, never as zeros)."""
    if any(line.count is not None or line.previous_count is not None for line in report.lines):
        return report
    missing = [note for note in report.caveats if note.startswith("Incomplete figure for this")]
    detail = f" {missing[0]}" if missing else ""
    raise NoDataError(
        f"No data are loaded for {report.area_name} for {report.period_label}.{detail} "
        "Load the missing files, then try again."
    )


def result_from_data(data: Mapping[str, Any]) -> IndicatorResult:
    """A stored run's result (plain data) back as the analytics engine's own record."""
    values = dict(data)
    series = dict(values["series"])
    plain: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in series.items()
    }
    values["series"] = MonthlySeries(**plain)
    for key in ("peer_codes", "notes", "suppressed"):
        values[key] = tuple(values.get(key) or ())
    return IndicatorResult(**values)


def _is_restricted(indicator: Indicator | None) -> bool:
    # Read defensively: the flag arrived with the performance pages' indicator definitions.
    return bool(getattr(indicator, "restricted", False))


def _indicator(indicators: IndicatorSet, indicator_id: str) -> Indicator | None:
    try:
        return indicators.get(indicator_id)
    except KeyError:
        return None


def build_report(
    run: ScorecardRun,
    indicators: IndicatorSet,
    *,
    commentary: Mapping[str, str],
    published: bool = False,
    include_restricted: bool = False,
    threshold: int = DEFAULT_THRESHOLD,
) -> BoardReport:
    """The board report of a stored scorecard run, for the partnership's own area.

    ``published``: disclosure control applied and restricted indicators left out (whatever
    ``include_restricted`` says). Sub-areas are not reported separately: their figures add up
    to the partnership's, and disclosure control protects each area's figures on their own.
    """
    main_code = run.area_codes[0]
    results = [result_from_data(r) for r in run.results_for(main_code)]
    restricted = {
        r.indicator_id for r in results if _is_restricted(_indicator(indicators, r.indicator_id))
    }
    rule = DisclosureRule(threshold=threshold)
    if published:
        results = [
            r for r in publish(results, indicators, rule) if r.indicator_id not in restricted
        ]
    elif not include_restricted:
        results = [r for r in results if r.indicator_id not in restricted]
    facts = [
        rules.LineFacts(
            r.indicator_id,
            r.indicator_name,
            r.count,
            r.previous_count,
            r.change_pct,
            r.significant,
            r.rag,
        )
        for r in results
    ]
    shown_ids = {r.indicator_id for r in results}
    notes_commentary = {k: v for k, v in commentary.items() if k in shown_ids and v.strip()}
    lines = tuple(
        _line(
            r,
            indicators,
            notes_commentary.get(r.indicator_id, ""),
            r.indicator_id in restricted,
            published,
        )
        for r in results
    )
    area_name = results[0].area_name if results else run.partnership.name
    caveats = _caveats(lines, published=published, rule=rule)
    return BoardReport(
        partnership_name=run.partnership.name,
        partnership_slug=run.partnership.slug,
        is_synthetic=run.partnership.is_synthetic,
        published=published,
        includes_restricted=not published and include_restricted and bool(restricted & shown_ids),
        area_name=area_name,
        area_code=main_code,
        period=run.period,
        period_type=run.period_type,
        period_label=run.period_label,
        lines=lines,
        summary=rules.summary_sentences(facts),
        priorities=rules.priority_ids(facts, notes_commentary),
        caveats=caveats,
        run_id=run.pk,
        computed_at=run.computed_at.isoformat(timespec="seconds"),
        inputs=tuple(dict(item) for item in run.inputs),
        warehouse_fingerprint=run.warehouse_fingerprint,
        definitions_version=run.definitions_version,
        software_version=run.software_version,
        threshold=threshold if published else None,
    )


def _line(
    r: IndicatorResult,
    indicators: IndicatorSet,
    commentary: str,
    restricted: bool,
    published: bool,
) -> ReportLine:
    indicator = _indicator(indicators, r.indicator_id)
    per = indicator.per if indicator is not None and indicator.has_rate else None
    if per is None and r.rate_per_1000 is not None:
        per = 1000
    series = r.series
    limits_hidden = published and "series" in r.suppressed
    # With a month hidden, the centre line (a mean) and the limits would reveal it.
    empty: tuple[float, ...] = ()
    hidden = published and bool({"count", "previous_count"} & set(r.suppressed))
    # A hidden count's rate feeds the peer mean, and its RAG rating says which way it went.
    peer_mean = None if hidden else r.peer_mean_rate
    return ReportLine(
        indicator_id=r.indicator_id,
        name=r.indicator_name,
        definition=r.definition,
        count=r.count,
        previous_count=r.previous_count,
        change=r.change,
        change_pct=r.change_pct,
        rate=r.rate_per_1000,
        previous_rate=r.previous_rate_per_1000,
        per=per,
        significant=r.significant,
        p_value=r.p_value,
        rag=None if hidden else r.rag,
        polarity=r.polarity,
        peer_rank=r.peer_rank,
        peer_size=r.peer_size,
        peer_mean_rate=peer_mean,
        peer_comparison=None if hidden else r.peer_comparison,
        complete=r.complete,
        previous_complete=r.previous_complete,
        previous_period=r.previous_period,
        notes=tuple(r.notes),
        suppressed=tuple(r.suppressed),
        series=SeriesData(
            months=tuple(series.months),
            counts=tuple(series.counts),
            centre=empty if limits_hidden else tuple(series.centre),
            lower=empty if limits_hidden else tuple(series.lower),
            upper=empty if limits_hidden else tuple(series.upper),
            outside=() if limits_hidden else tuple(series.outside),
        ),
        sentence=rules.change_sentence(
            r.indicator_name, r.count, r.previous_count, r.change_pct, r.significant
        ),
        commentary=commentary,
        restricted=restricted,
    )


def _caveats(
    lines: Sequence[ReportLine], *, published: bool, rule: DisclosureRule
) -> tuple[str, ...]:
    """The report's data notes: each distinct note once, then the publication rule."""
    seen: dict[str, None] = {}
    for line in lines:
        for note in line.notes:
            if not note.startswith("Published figures:"):
                seen.setdefault(note, None)
    notes = list(seen)
    if any(not line.complete or not line.previous_complete for line in lines):
        notes.append(
            "Where a month has no data for a police force, the figure leaves that month out "
            "(it is not counted as zero) and is marked as incomplete."
        )
    if published:
        notes.append(PUBLICATION_NOTE.format(last=rule.threshold - 1, base=rule.min_change_base))
    return tuple(notes)
