"""The police forces of England and Wales as police.uk names them, and their ONS police force areas.

police.uk names its files after a force *slug* (``2022-06-west-mercia-street.csv``) and writes
the force's own name in the ``Reported by`` column; ONS lookups name the same force's territory
as a *police force area* (PFA) with an ``E23``/``W15`` code. This table joins the three, so the
warehouse (keyed by slug) can be aggregated to the ONS geography (keyed by PFA code) and back.

British Transport Police publishes on police.uk but polices the railways, not a territory, so it
has no PFA code. Police Service of Northern Ireland appears in the monthly archives too; it is
listed so its files are recognised, but it is outside England and Wales and has no PFA code.
PFA names and codes are those of the ONS Dec-2019 lookup (LAD19_CSP19_PFA19_EW_LU_Dec2019).

One fictional force is listed too: Lindenshire Police (slug ``lindenshire``, PFA
``E23900001``), the demo partnership's force. Its files are made by the synthetic generator
and loaded through the real ingest; its code is in a range ONS does not use (E23900001), and
it is never counted among the territorial forces.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FORCES",
    "Force",
    "force_by_pfa_code",
    "force_by_slug",
    "is_known_force",
    "pfa_code_for_slug",
    "slug_for_pfa_code",
    "territorial_forces",
]


@dataclass(frozen=True, slots=True)
class Force:
    """One police force: its police.uk slug, its name, and its ONS police force area."""

    slug: str
    """As in police.uk file names, e.g. ``'devon-and-cornwall'``."""
    name: str
    """The force's own name, as in the ``Reported by`` column, e.g. ``'Devon & Cornwall Police'``."""
    pfa_code: str | None
    """ONS police force area code (E23xxxxxx / W15xxxxxx); None for forces without a territory."""
    pfa_name: str | None
    """ONS police force area name (Dec-2019 lookup), e.g. ``'Devon & Cornwall'``."""
    fictional: bool = False
    """True for the demo's invented force (never a real police.uk force)."""

    @property
    def territorial(self) -> bool:
        """True for the 43 territorial forces of England and Wales (those with a PFA)."""
        return self.pfa_code is not None and not self.fictional


FORCES: tuple[Force, ...] = (
    Force("avon-and-somerset", "Avon and Somerset Constabulary", "E23000036", "Avon and Somerset"),
    Force("bedfordshire", "Bedfordshire Police", "E23000026", "Bedfordshire"),
    Force("cambridgeshire", "Cambridgeshire Constabulary", "E23000023", "Cambridgeshire"),
    Force("cheshire", "Cheshire Constabulary", "E23000006", "Cheshire"),
    Force("city-of-london", "City of London Police", "E23000034", "London, City of"),
    Force("cleveland", "Cleveland Police", "E23000013", "Cleveland"),
    Force("cumbria", "Cumbria Constabulary", "E23000002", "Cumbria"),
    Force("derbyshire", "Derbyshire Constabulary", "E23000018", "Derbyshire"),
    Force("devon-and-cornwall", "Devon & Cornwall Police", "E23000035", "Devon & Cornwall"),
    Force("dorset", "Dorset Police", "E23000039", "Dorset"),
    Force("durham", "Durham Constabulary", "E23000008", "Durham"),
    Force("dyfed-powys", "Dyfed-Powys Police", "W15000004", "Dyfed-Powys"),
    Force("essex", "Essex Police", "E23000028", "Essex"),
    Force("gloucestershire", "Gloucestershire Constabulary", "E23000037", "Gloucestershire"),
    Force("greater-manchester", "Greater Manchester Police", "E23000005", "Greater Manchester"),
    Force("gwent", "Gwent Police", "W15000002", "Gwent"),
    Force("hampshire", "Hampshire Constabulary", "E23000030", "Hampshire"),
    Force("hertfordshire", "Hertfordshire Constabulary", "E23000027", "Hertfordshire"),
    Force("humberside", "Humberside Police", "E23000012", "Humberside"),
    Force("kent", "Kent Police", "E23000032", "Kent"),
    Force("lancashire", "Lancashire Constabulary", "E23000003", "Lancashire"),
    Force("leicestershire", "Leicestershire Police", "E23000021", "Leicestershire"),
    Force("lincolnshire", "Lincolnshire Police", "E23000020", "Lincolnshire"),
    Force("merseyside", "Merseyside Police", "E23000004", "Merseyside"),
    Force("metropolitan", "Metropolitan Police Service", "E23000001", "Metropolitan Police"),
    Force("norfolk", "Norfolk Constabulary", "E23000024", "Norfolk"),
    Force("north-wales", "North Wales Police", "W15000001", "North Wales"),
    Force("north-yorkshire", "North Yorkshire Police", "E23000009", "North Yorkshire"),
    Force("northamptonshire", "Northamptonshire Police", "E23000022", "Northamptonshire"),
    Force("northumbria", "Northumbria Police", "E23000007", "Northumbria"),
    Force("nottinghamshire", "Nottinghamshire Police", "E23000019", "Nottinghamshire"),
    Force("south-wales", "South Wales Police", "W15000003", "South Wales"),
    Force("south-yorkshire", "South Yorkshire Police", "E23000011", "South Yorkshire"),
    Force("staffordshire", "Staffordshire Police", "E23000015", "Staffordshire"),
    Force("suffolk", "Suffolk Constabulary", "E23000025", "Suffolk"),
    Force("surrey", "Surrey Police", "E23000031", "Surrey"),
    Force("sussex", "Sussex Police", "E23000033", "Sussex"),
    Force("thames-valley", "Thames Valley Police", "E23000029", "Thames Valley"),
    Force("warwickshire", "Warwickshire Police", "E23000017", "Warwickshire"),
    Force("west-mercia", "West Mercia Police", "E23000016", "West Mercia"),
    Force("west-midlands", "West Midlands Police", "E23000014", "West Midlands"),
    Force("west-yorkshire", "West Yorkshire Police", "E23000010", "West Yorkshire"),
    Force("wiltshire", "Wiltshire Police", "E23000038", "Wiltshire"),
    Force("british-transport-police", "British Transport Police", None, None),
    Force("northern-ireland", "Police Service of Northern Ireland", None, None),
    Force("lindenshire", "Lindenshire Police", "E23900001", "Lindenshire", fictional=True),
)

_BY_SLUG: dict[str, Force] = {force.slug: force for force in FORCES}
_BY_PFA: dict[str, Force] = {force.pfa_code: force for force in FORCES if force.pfa_code}


def is_known_force(slug: str) -> bool:
    """True if ``slug`` is a police.uk force slug (e.g. ``'west-mercia'``)."""
    return slug in _BY_SLUG


def force_by_slug(slug: str) -> Force:
    """The force police.uk calls ``slug``; KeyError naming the slug if there is none."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown police.uk force slug {slug!r}") from None


def force_by_pfa_code(pfa_code: str) -> Force:
    """The territorial force whose ONS police force area code is ``pfa_code`` (E23/W15)."""
    try:
        return _BY_PFA[pfa_code]
    except KeyError:
        raise KeyError(f"no police force has police force area code {pfa_code!r}") from None


def pfa_code_for_slug(slug: str) -> str | None:
    """ONS police force area code for a police.uk slug; None for BTP and Northern Ireland."""
    return force_by_slug(slug).pfa_code


def slug_for_pfa_code(pfa_code: str) -> str:
    """police.uk slug of the force policing the police force area ``pfa_code``."""
    return force_by_pfa_code(pfa_code).slug


def territorial_forces() -> tuple[Force, ...]:
    """The 43 territorial forces of England and Wales, in slug order."""
    return tuple(force for force in FORCES if force.territorial)
