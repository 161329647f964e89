"""Scorecard indicators, declared in a TOML file that an analyst can edit without Python.

Each ``[[indicator]]`` table says what is counted and how it is judged; the ``name`` and
``definition`` are shown to users exactly as written. The default set is
``indicators/default.toml`` beside this module; a partnership can pass its own file. Fields:

``id``            short identifier, lower case letters, digits and ``_`` (unique)
``name``          plain-English name, e.g. "Burglary"
``definition``    plain-English definition shown beside the figure
``source``        ``"police.uk"`` (street-level crime) or ``"partner"`` (partner data)
``crime_types``   police.uk: the crime types counted (names as in the files)
``dataset``       partner: the partner dataset name (docs/partner-data.md)
``categories``    partner, optional: only records whose category is one of these
``markers``       partner, optional: only records with at least one of these markers
``geography``     the smallest area the indicator is reported for: district, csp, county, force
``period_type``   the usual reporting period: month, quarter, fy, fytd, rolling-12
``denominator``   ``"population"`` (rate per ``per`` residents) or ``"none"`` (counts only)
``per``           rate base, default 1000
``polarity``      ``"lower_is_better"``, ``"higher_is_better"`` or ``"neutral"``
``target``        optional target figure (a rate if there is a denominator, else a count)
``rag``           how red/amber/green is decided: ``"last_year"`` (significant change),
                  ``"peer_mean"`` (significantly different from peers), ``"target"``, or
                  ``"none"``
``amber_margin``  for ``rag = "target"``: how far (%) from target is amber, default 5
``restricted``    optional, default ``false``: ``true`` for figures that must stay inside the
                  partnership (for example MARAC and Channel referrals). Restricted indicators
                  are never published and are hidden from roles that do not handle the
                  underlying data (see docs/adr/0006-performance-pages.md)

The file's SHA-256 (first 12 hex digits) is the definition version stored with every result,
so a scorecard can be reproduced with the definitions it was made with.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from saferhub.analytics.periods import PeriodError, PeriodType

__all__ = [
    "GEOGRAPHIES",
    "POLARITIES",
    "POLICE_UK_CRIME_TYPES",
    "RAG_RULES",
    "Indicator",
    "IndicatorError",
    "IndicatorSet",
    "default_indicators_path",
    "load_indicators",
]

POLICE_UK_CRIME_TYPES = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
"""The 14 crime types of current police.uk street files."""

_OLDER_CRIME_TYPES = ("Public disorder and weapons", "Violent crime")
"""Names used in older police.uk files, accepted in indicator definitions."""

GEOGRAPHIES = ("district", "csp", "county", "force")
POLARITIES = ("lower_is_better", "higher_is_better", "neutral")
RAG_RULES = ("last_year", "peer_mean", "target", "none")
SOURCES = ("police.uk", "partner")
DENOMINATORS = ("population", "none")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELDS = {
    "id",
    "name",
    "definition",
    "source",
    "crime_types",
    "dataset",
    "categories",
    "markers",
    "geography",
    "period_type",
    "denominator",
    "per",
    "polarity",
    "target",
    "rag",
    "amber_margin",
    "restricted",
}


class IndicatorError(ValueError):
    """An indicator file that cannot be used; the message names the file, indicator and field."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One scorecard indicator: what is counted, per what, and how it is judged."""

    id: str
    name: str
    definition: str
    source: str
    crime_types: tuple[str, ...]
    dataset: str | None
    categories: tuple[str, ...]
    markers: tuple[str, ...]
    geography: str
    period_type: PeriodType
    denominator: str
    per: int
    polarity: str
    target: float | None
    rag: str
    amber_margin: float
    restricted: bool = False
    """True for figures that must not leave the partnership (never published, and hidden
    from roles that do not handle the data, e.g. board members)."""

    @property
    def has_rate(self) -> bool:
        """True when the indicator is reported as a rate per ``per`` residents."""
        return self.denominator == "population"


@dataclass(frozen=True, slots=True)
class IndicatorSet:
    """The indicators of one file, with the file's definition version."""

    indicators: tuple[Indicator, ...]
    path: str
    version: str
    """First 12 hex digits of the file's SHA-256."""

    def __iter__(self) -> Any:
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        """The indicator with this id (KeyError naming the known ids if there is none)."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        known = ", ".join(i.id for i in self.indicators)
        raise KeyError(f"no indicator {indicator_id!r} in {self.path} (known: {known})")

    def only(self, ids: list[str] | tuple[str, ...]) -> IndicatorSet:
        """The same set restricted to ``ids`` (in the file's order)."""
        for indicator_id in ids:
            self.get(indicator_id)
        chosen = tuple(i for i in self.indicators if i.id in set(ids))
        return IndicatorSet(chosen, self.path, self.version)

    def additive_groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Police.uk indicators that are exactly the sum of single-crime-type indicators.

        E.g. all crime = the sum of the 13 crime-type indicators it covers. Used by disclosure
        control so a hidden crime type cannot be recovered from the total.
        """
        singles = {
            i.crime_types[0]: i.id
            for i in self.indicators
            if i.source == "police.uk" and len(i.crime_types) == 1
        }
        groups = []
        for indicator in self.indicators:
            if indicator.source != "police.uk" or len(indicator.crime_types) < 2:
                continue
            if all(t in singles for t in indicator.crime_types):
                groups.append((indicator.id, tuple(singles[t] for t in indicator.crime_types)))
        return tuple(groups)

    def unrestricted(self) -> IndicatorSet:
        """The same set without restricted indicators: what may be published or shown to
        roles that do not handle restricted data."""
        chosen = tuple(i for i in self.indicators if not i.restricted)
        return IndicatorSet(chosen, self.path, self.version)


def default_indicators_path() -> Path:
    """The default indicator file shipped with SaferHub (indicators/default.toml)."""
    return Path(str(resources.files("saferhub.analytics").joinpath("indicators/default.toml")))


def _text_list(value: object) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(v.strip() for v in value)
    return None


def _parse_one(raw: dict[str, Any], where: str, errors: list[str]) -> Indicator | None:
    """One [[indicator]] table, or None after appending its problems to ``errors``."""
    before = len(errors)

    def problem(field: str, message: str) -> None:
        errors.append(f"{where}, field {field!r}: {message}")

    for unknown in sorted(set(raw) - _FIELDS):
        problem(unknown, f"unknown field (known fields: {', '.join(sorted(_FIELDS))})")

    def text(field: str, required: bool = True) -> str | None:
        value = raw.get(field)
        if value is None:
            if required:
                problem(field, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            problem(field, "must be non-empty text")
            return None
        return value.strip()

    def choice(field: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        value = raw.get(field, default)
        if value is None:
            problem(field, f"is missing (one of: {', '.join(options)})")
            return None
        if value not in options:
            problem(field, f"{value!r} is not one of: {', '.join(options)}")
            return None
        return str(value)

    name = text("name")
    definition = text("definition")
    source = choice("source", SOURCES)
    geography = choice("geography", GEOGRAPHIES, "csp")
    denominator = choice("denominator", DENOMINATORS)
    polarity = choice("polarity", POLARITIES)
    rag = choice("rag", RAG_RULES, "last_year")

    period_type = PeriodType.ROLLING_12
    if "period_type" in raw:
        try:
            period_type = PeriodType.parse(str(raw["period_type"]))
        except PeriodError as error:
            problem("period_type", str(error))

    crime_types: tuple[str, ...] = ()
    dataset: str | None = None
    categories: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    if source == "police.uk":
        parsed = _text_list(raw.get("crime_types"))
        if not parsed:
            problem("crime_types", "a police.uk indicator needs a list of crime types")
        else:
            known = POLICE_UK_CRIME_TYPES + _OLDER_CRIME_TYPES
            for crime_type in parsed:
                if crime_type not in known:
                    problem(
                        "crime_types",
                        f"{crime_type!r} is not a police.uk crime type "
                        f"(known: {', '.join(POLICE_UK_CRIME_TYPES)})",
                    )
            crime_types = parsed
        for field in ("dataset", "categories", "markers"):
            if field in raw:
                problem(field, "only partner indicators have this field")
    elif source == "partner":
        dataset = text("dataset")
        for field in ("categories", "markers"):
            if field in raw:
                parsed = _text_list(raw[field])
                if parsed is None:
                    problem(field, "must be a list of non-empty texts")
                elif field == "categories":
                    categories = parsed
                else:
                    markers = parsed
        if "crime_types" in raw:
            problem("crime_types", "only police.uk indicators have crime types")

    per = raw.get("per", 1000)
    if not isinstance(per, int) or isinstance(per, bool) or per <= 0:
        problem("per", "must be a positive whole number, e.g. 1000")
        per = 1000

    target_value = raw.get("target")
    target: float | None = None
    if target_value is not None:
        if isinstance(target_value, bool) or not isinstance(target_value, int | float):
            problem("target", "must be a number")
        else:
            target = float(target_value)
    if rag == "target" and target is None and "target" not in raw:
        problem("target", 'rag = "target" needs a target')

    amber = raw.get("amber_margin", 5)
    if isinstance(amber, bool) or not isinstance(amber, int | float) or amber < 0:
        problem("amber_margin", "must be a percentage >= 0")
        amber = 5

    restricted = raw.get("restricted", False)
    if not isinstance(restricted, bool):
        problem("restricted", "must be true or false")
        restricted = False

    if len(errors) > before:
        return None
    if not (name and definition and source and geography and denominator and polarity and rag):
        return None  # pragma: no cover - each missing field has added an error above
    return Indicator(
        id=str(raw["id"]),
        name=name,
        definition=definition,
        source=source,
        crime_types=crime_types,
        dataset=dataset,
        categories=categories,
        markers=markers,
        geography=geography,
        period_type=period_type,
        denominator=denominator,
        per=int(per),
        polarity=polarity,
        target=target,
        rag=rag,
        amber_margin=float(amber),
        restricted=restricted,
    )


def load_indicators(path: Path | str | None = None) -> IndicatorSet:
    """Read and validate an indicator file (default: the shipped default set).

    Every problem is reported at once in an :class:`IndicatorError` whose lines name the file,
    the indicator and the field.
    """
    target = Path(path) if path is not None else default_indicators_path()
    try:
        content = target.read_bytes()
    except OSError as error:
        raise IndicatorError(f"{target}: cannot read the indicator file ({error})") from error
    try:
        document = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise IndicatorError(f"{target}: not a valid TOML file: {error}") from error
    entries = document.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise IndicatorError(f"{target}: no [[indicator]] tables found")
    errors: list[str] = []
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for position, raw in enumerate(entries, start=1):
        indicator_id = raw.get("id")
        if not isinstance(indicator_id, str) or not _ID.match(indicator_id):
            errors.append(
                f"{target}: indicator number {position}, field 'id': must be lower case letters, "
                f"digits and _ starting with a letter (got {indicator_id!r})"
            )
            continue
        where = f"{target}: indicator {indicator_id!r}"
        if indicator_id in seen:
            errors.append(f"{where}, field 'id': used more than once")
            continue
        seen.add(indicator_id)
        parsed = _parse_one(raw, where, errors)
        if parsed is not None:
            indicators.append(parsed)
    if errors:
        raise IndicatorError("\n".join(errors))
    version = hashlib.sha256(content).hexdigest()[:12]
    return IndicatorSet(tuple(indicators), str(target), version)
