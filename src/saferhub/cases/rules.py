"""Case policy without a database: case types as configuration, and the status workflow.

A case type is data (CASE_TYPES), not code: later programmes (Channel, offender management)
add a row, not a copy of the case app.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Where a case is in its life."""

    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


STATUS_LABELS = {Status.OPEN: "Open", Status.ON_HOLD: "On hold", Status.CLOSED: "Closed"}

# The workflow: from each status, the statuses a case may move to.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.OPEN: frozenset({Status.ON_HOLD, Status.CLOSED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),  # reopening
}


def can_move(current: Status | str, target: Status | str) -> bool:
    """Whether the workflow allows moving from `current` to `target`."""
    return Status(target) in TRANSITIONS[Status(current)]


@dataclass(frozen=True)
class CaseType:
    """One kind of case: its name, reference prefix, default review interval and outcomes."""

    code: str
    label: str
    reference_prefix: str
    review_days: int
    outcomes: tuple[str, ...]
    people_roles: tuple[str, ...]


CASE_TYPES: dict[str, CaseType] = {
    ct.code: ct
    for ct in (
        CaseType(
            code="asb",
            label="Anti-social behaviour (ASB)",
            reference_prefix="ASB",
            review_days=28,
            outcomes=(
                "Behaviour stopped",
                "Acceptable behaviour contract",
                "Community protection notice",
                "Civil injunction",
                "Criminal behaviour order",
                "Closure order",
                "Mediation or restorative justice",
                "No further action",
                "Moved out of the area",
            ),
            people_roles=("victim", "complainant", "perpetrator", "witness"),
        ),
        CaseType(
            code="domestic_abuse",
            label="Domestic abuse",
            reference_prefix="DA",
            review_days=28,
            outcomes=(
                "Risk reduced",
                "Victim moved to safety",
                "Protective order in place",
                "Victim disengaged",
                "Referred to another service",
                "No further action",
            ),
            people_roles=("victim", "perpetrator", "child", "other"),
        ),
        CaseType(
            code="complex",
            label="Complex or vulnerable person",
            reference_prefix="CVP",
            review_days=28,
            outcomes=(
                "Needs met",
                "Referred to another service",
                "Declined support",
                "No further action",
            ),
            people_roles=("subject", "family member", "other"),
        ),
    )
}


def case_type(code: str) -> CaseType:
    """The configured case type (KeyError naming the known types)."""
    try:
        return CASE_TYPES[code]
    except KeyError:
        raise KeyError(f"no case type {code!r}; known: {', '.join(CASE_TYPES)}") from None
