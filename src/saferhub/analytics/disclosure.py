"""Disclosure control for published figures: small counts hidden so no one can be identified.

Rules (defaults are common local practice, configurable per partnership; see
docs/analytics/methods.md):

* **Primary suppression**: a count from 1 to ``threshold - 1`` (default: 1 to 4, "fewer than
  5", as MARAC reports do) is hidden. Zero is shown unless ``suppress_zero`` is set.
* **Secondary suppression**: where published figures add up (districts to their CSP, crime
  types to all crime, a table's row and column totals), more cells are hidden until no hidden
  value can be worked out exactly from the published ones, by subtraction or by any other
  combination of the totals. Complements are chosen as the smallest non-zero visible cell
  (least information lost; a zero complement would give little protection).
* **Percentage change** is hidden when the base (the earlier count) is below
  ``min_change_base`` (default 10): a small base makes percentages meaningless and can reveal
  small counts.

Internal outputs keep the exact numbers: only the publishing path calls these functions. They
are pure functions on plain data.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from scipy import linalg

__all__ = [
    "DisclosureRule",
    "PublishedTable",
    "SumConstraint",
    "change_publishable",
    "is_primary",
    "recoverable",
    "suppress",
    "suppress_table",
]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class DisclosureRule:
    """A partnership's small-numbers policy."""

    threshold: int = 5
    """Counts from 1 to threshold - 1 are hidden."""
    min_change_base: int = 10
    """Percentage change is hidden when the earlier count is below this."""
    suppress_zero: bool = False
    """Hide zeros too (some partnerships do, so a zero cannot be told apart from a small count)."""

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("the suppression threshold must be at least 1")
        if self.min_change_base < 0:
            raise ValueError("the minimum base for a percentage change cannot be negative")


@dataclass(frozen=True, slots=True)
class SumConstraint(Generic[K]):
    """Published figures that add up: ``total == sum(parts)``."""

    total: K
    parts: tuple[K, ...]


def is_primary(value: int, rule: DisclosureRule) -> bool:
    """True when ``value`` is itself too small to publish under ``rule``."""
    if value == 0:
        return rule.suppress_zero
    return 0 < value < rule.threshold


def change_publishable(base: int | None, rule: DisclosureRule) -> bool:
    """True when a percentage change on the earlier count ``base`` may be published."""
    return base is not None and base >= rule.min_change_base


def recoverable(
    values: Mapping[K, int],
    constraints: Sequence[SumConstraint[K]],
    hidden: frozenset[K] | set[K],
) -> set[K]:
    """The hidden cells whose exact value follows from the visible cells and the constraints.

    A hidden cell is recoverable when its unit vector lies in the row space of the constraint
    matrix restricted to the hidden cells (equivalently: every solution of the constraints
    agrees on it). Checked with the null space of that matrix.
    """
    hidden_keys = [k for k in values if k in hidden]
    if not hidden_keys or not constraints:
        return set()
    column = {k: j for j, k in enumerate(hidden_keys)}
    matrix = np.zeros((len(constraints), len(hidden_keys)))
    for i, constraint in enumerate(constraints):
        if constraint.total in column:
            matrix[i, column[constraint.total]] += 1.0
        for part in constraint.parts:
            if part in column:
                matrix[i, column[part]] -= 1.0
    null = linalg.null_space(matrix)
    if null.shape[1] == 0:
        return set(hidden_keys)
    free = np.abs(null).max(axis=1) > 1e-9
    return {k for k in hidden_keys if not free[column[k]]}


def _cells(constraint: SumConstraint[K]) -> tuple[K, ...]:
    return (constraint.total, *constraint.parts)


def suppress(
    values: Mapping[K, int],
    constraints: Sequence[SumConstraint[K]] = (),
    rule: DisclosureRule | None = None,
) -> dict[K, int | None]:
    """The publishable version of ``values``: hidden cells become ``None``.

    Primary suppression hides the small counts; secondary suppression then hides
    complementary cells until no hidden value can be recovered from ``constraints`` (each
    says a total equals the sum of its parts; every key must be in ``values``).
    """
    rule = rule or DisclosureRule()
    for constraint in constraints:
        missing = [k for k in _cells(constraint) if k not in values]
        if missing:
            raise KeyError(f"constraint refers to cells that are not in the table: {missing}")
    totals = {c.total for c in constraints}
    order = {k: i for i, k in enumerate(values)}
    hidden: set[K] = {k for k, v in values.items() if is_primary(v, rule)}

    def single_hidden(constraint: SumConstraint[K]) -> bool:
        return sum(k in hidden for k in _cells(constraint)) == 1

    def complement(candidates: Sequence[K]) -> K | None:
        """The best visible cell to hide next: one that also protects another exposed sum,
        then non-zero, then not a total, then the smallest."""
        visible = [k for k in dict.fromkeys(candidates) if k not in hidden]
        if not visible:
            return None
        unbalanced = [c for c in constraints if single_hidden(c)]

        def helps(k: K) -> int:
            return sum(k in _cells(c) for c in unbalanced)

        return min(
            visible,
            key=lambda k: (values[k] == 0, -helps(k), k in totals, values[k], order[k]),
        )

    while hidden:
        exposed_sum = next((c for c in constraints if single_hidden(c)), None)
        if exposed_sum is not None:
            extra = complement(_cells(exposed_sum))
            if extra is not None:
                hidden.add(extra)
                continue
        exposed = recoverable(values, constraints, hidden)
        if not exposed:
            break
        target = min(exposed, key=lambda k: order[k])
        touching = [k for c in constraints if target in _cells(c) for k in _cells(c)]
        extra = complement(touching) or complement(
            [k for c in constraints if set(_cells(c)) & hidden for k in _cells(c)]
        )
        if extra is None:  # everything related is hidden already: nothing more can help
            break
        hidden.add(extra)
    return {k: (None if k in hidden else v) for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class PublishedTable:
    """A two-way table with row and column totals after disclosure control (None = hidden)."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None


def suppress_table(
    rows: Sequence[Sequence[int]], rule: DisclosureRule | None = None
) -> PublishedTable:
    """Disclosure control for a table published with its row, column and grand totals.

    For example districts (rows) by crime type (columns), the row totals being the districts'
    totals and the column totals the CSP's counts by crime type.
    """
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    if any(len(r) != n_cols for r in rows):
        raise ValueError("every row of the table must have the same number of cells")
    values: dict[tuple[str, int, int], int] = {}
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            values[("cell", i, j)] = int(v)
    for i, row in enumerate(rows):
        values[("row", i, 0)] = int(sum(row))
    for j in range(n_cols):
        values[("col", 0, j)] = int(sum(r[j] for r in rows))
    values[("all", 0, 0)] = int(sum(sum(r) for r in rows))
    constraints = [
        SumConstraint(("row", i, 0), tuple(("cell", i, j) for j in range(n_cols)))
        for i in range(n_rows)
    ]
    constraints += [
        SumConstraint(("col", 0, j), tuple(("cell", i, j) for i in range(n_rows)))
        for j in range(n_cols)
    ]
    constraints.append(SumConstraint(("all", 0, 0), tuple(("row", i, 0) for i in range(n_rows))))
    constraints.append(SumConstraint(("all", 0, 0), tuple(("col", 0, j) for j in range(n_cols))))
    shown = suppress(values, constraints, rule)
    return PublishedTable(
        cells=tuple(tuple(shown[("cell", i, j)] for j in range(n_cols)) for i in range(n_rows)),
        row_totals=tuple(shown[("row", i, 0)] for i in range(n_rows)),
        column_totals=tuple(shown[("col", 0, j)] for j in range(n_cols)),
        grand_total=shown[("all", 0, 0)],
    )
