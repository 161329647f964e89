"""Ward and district for an LSOA, from the ONS lookup in the analytics warehouse (read only).

The warehouse is a DuckDB file written only by data loads; a place is saved even when it is
missing, busy or lacks the lookup (the place then says its geography was not derived).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class LsoaGeography:
    """Where an LSOA sits."""

    ward_code: str
    district_code: str
    version: int


class LsoaLookup(Protocol):
    """Answers "which ward and district is this LSOA in?"; None when it cannot."""

    def __call__(self, lsoa_code: str) -> LsoaGeography | bool | None: ...


def warehouse_lsoa_lookup(lsoa_code: str) -> LsoaGeography | bool | None:
    """The latest ONS lookup's ward and district for the LSOA; None if the LSOA is not in it;
    False if no lookup is available (no warehouse, busy, or no geography loaded)."""
    path = settings.WAREHOUSE_PATH
    if not path.exists():
        return False
    try:
        import duckdb

        with duckdb.connect(str(path), read_only=True) as con:
            row = con.execute(
                "SELECT ward_code, lad_code, version FROM geo_lsoa WHERE lsoa_code = ? "
                "ORDER BY version DESC LIMIT 1",
                [lsoa_code],
            ).fetchone()
            if row is None:
                loaded = con.execute("SELECT count(*) FROM geo_lsoa").fetchone()
                return None if loaded and loaded[0] else False
            return LsoaGeography(str(row[0] or ""), str(row[1] or ""), int(row[2]))
    except Exception:
        return False
