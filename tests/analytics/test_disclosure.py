"""Disclosure control: small counts hidden, totals cannot reveal them, % change on small bases."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.analytics.disclosure import (
    DisclosureRule,
    SumConstraint,
    change_publishable,
    is_primary,
    recoverable,
    suppress,
    suppress_table,
)


def test_primary_threshold_default_five() -> None:
    rule = DisclosureRule()
    assert [is_primary(v, rule) for v in (0, 1, 4, 5, 12)] == [False, True, True, False, False]
    assert is_primary(0, DisclosureRule(suppress_zero=True))
    assert is_primary(9, DisclosureRule(threshold=10))


def test_percentage_change_needs_base_of_ten() -> None:
    rule = DisclosureRule()
    assert not change_publishable(9, rule)
    assert change_publishable(10, rule)
    assert not change_publishable(None, rule)


def test_districts_summing_to_a_csp() -> None:
    # Three districts and their CSP total: hiding only the 3 would reveal it as 40 - 12 - 25.
    values = {"csp": 40, "d1": 3, "d2": 12, "d3": 25}
    shown = suppress(values, [SumConstraint("csp", ("d1", "d2", "d3"))])
    assert shown["d1"] is None
    assert shown["d2"] is None  # the smallest complement
    assert shown["d3"] == 25 and shown["csp"] == 40


def test_no_suppression_needed() -> None:
    values = {"t": 30, "a": 10, "b": 20}
    assert suppress(values, [SumConstraint("t", ("a", "b"))]) == values


def _solve_known(
    table: list[list[int]],
    published: list[list[int | None]],
    rows: tuple[int | None, ...],
    cols: tuple[int | None, ...],
) -> set[tuple[int, int]]:
    """An attacker: repeatedly fill any row or column with one hidden cell by subtraction."""
    known = [list(r) for r in published]
    found: set[tuple[int, int]] = set()
    changed = True
    while changed:
        changed = False
        for i, row in enumerate(known):
            if rows[i] is not None and sum(c is None for c in row) == 1:
                j = row.index(None)
                row[j] = rows[i] - sum(c for c in row if c is not None)
                found.add((i, j))
                changed = True
        for j in range(len(known[0])):
            column = [known[i][j] for i in range(len(known))]
            if cols[j] is not None and sum(c is None for c in column) == 1:
                i = column.index(None)
                known[i][j] = cols[j] - sum(c for c in column if c is not None)
                found.add((i, j))
                changed = True
    return found


def test_table_with_margins() -> None:
    table = [[3, 20, 30], [12, 15, 40], [25, 16, 9]]
    published = suppress_table(table)
    assert published.cells[0][0] is None
    hidden = sum(c is None for row in published.cells for c in row)
    assert hidden == 4  # the 3 and three complements forming a rectangle
    assert published.grand_total == 170
    assert (
        _solve_known(
            table, [list(r) for r in published.cells], published.row_totals, published.column_totals
        )
        == set()
    )


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda rows: st.integers(1, 4).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(0, 40), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_no_hidden_value_can_be_recovered(table: list[list[int]]) -> None:
    published = suppress_table(table)
    # Every small non-zero cell is hidden.
    for i, row in enumerate(table):
        for j, v in enumerate(row):
            if 0 < v < 5:
                assert published.cells[i][j] is None
    # Simple subtraction recovers nothing hidden ...
    cells = [list(r) for r in published.cells]
    assert _solve_known(table, cells, published.row_totals, published.column_totals) == set()
    # ... and nor does any linear combination of the published totals: for every hidden cell
    # there are two tables agreeing on everything published that differ in that cell.
    n_rows, n_cols = len(table), len(table[0])
    unknown = [(i, j) for i in range(n_rows) for j in range(n_cols) if cells[i][j] is None]
    unknown += [("r", i) for i in range(n_rows) if published.row_totals[i] is None]
    unknown += [("c", j) for j in range(n_cols) if published.column_totals[j] is None]
    if published.grand_total is None:
        unknown.append(("g", 0))
    if not unknown:
        return
    equations = []
    index = {u: k for k, u in enumerate(unknown)}
    for i in range(n_rows):
        eq = np.zeros(len(unknown))
        if ("r", i) in index:
            eq[index[("r", i)]] += 1
        for j in range(n_cols):
            if (i, j) in index:
                eq[index[(i, j)]] -= 1
        equations.append(eq)
    for j in range(n_cols):
        eq = np.zeros(len(unknown))
        if ("c", j) in index:
            eq[index[("c", j)]] += 1
        for i in range(n_rows):
            if (i, j) in index:
                eq[index[(i, j)]] -= 1
        equations.append(eq)
    matrix = np.array(equations)
    rank = np.linalg.matrix_rank(matrix)
    for k, u in enumerate(unknown):
        if isinstance(u[0], int):
            unit = np.zeros(len(unknown))
            unit[k] = 1
            assert np.linalg.matrix_rank(np.vstack([matrix, unit])) > rank, f"cell {u} recoverable"


def test_recoverable_detects_chained_subtraction() -> None:
    values = {"t": 10, "a": 3, "b": 7, "u": 7, "b2": 7}
    constraints = [SumConstraint("t", ("a", "b")), SumConstraint("u", ("b",))]
    assert recoverable(values, constraints, {"a", "b"}) == {"a", "b"}


def test_constraint_with_unknown_cell_is_an_error() -> None:
    with pytest.raises(KeyError, match="not in the table"):
        suppress({"a": 1}, [SumConstraint("t", ("a",))])


def test_every_small_cell_in_a_row_is_protected_exhaustively() -> None:
    for row in itertools.product([0, 2, 6], repeat=3):
        published = suppress_table([list(row)])
        for j, v in enumerate(row):
            if 0 < v < 5:
                assert published.cells[0][j] is None and published.column_totals[j] is None
