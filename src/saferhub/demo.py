"""The demo partnership: a fictional county, Lindenshire, with three district CSPs under a
county Safer Communities Board, an agency of every type and a member for every role.

Every place, organisation and person here is invented. Seeding twice changes nothing: each
record is created only if missing. The demo password is random per installation, kept in the
data directory (never in the repository) and printed with the sign-ins.

The demo also fills the warehouse with synthetic figures for Lindenshire (fictional ONS-style
geography, population, 42 months of police.uk-format street files and partner data, all
loaded through the real ingest: see ``saferhub.performance.demo_warehouse``), gives each
partnership its area code, and computes the dashboards' scorecard runs, so every
performance page is populated out of the box, and labelled as synthetic.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.demo_casework import seed_demo_casework
from saferhub.organisations import services
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Role
from saferhub.performance import demo_warehouse
from saferhub.performance.case_figures import case_figures_export
from saferhub.performance.services import scorecard_runs_refresh
from saferhub.performance.warehouse import warehouse_path

BOARD = "Lindenshire Safer Communities Board"
CSPS = {
    "Brackenford Community Safety Partnership": ["Brackenford"],
    "Carrow and Dunmere Community Safety Partnership": ["Carrow", "Dunmere"],
    "Eskholm Community Safety Partnership": ["Eskholm"],
}
ALL = [BOARD, *CSPS]

# The ONS-style area code of each partnership in the demo warehouse (fictional ranges): the
# board covers the whole police force area, each CSP its own district(s).
AREA_CODES = {
    BOARD: demo_warehouse.PFA[0],
    "Brackenford Community Safety Partnership": "E22900001",
    "Carrow and Dunmere Community Safety Partnership": "E22900002",
    "Eskholm Community Safety Partnership": "E22900003",
}

# (name, type, partnerships it serves)
ORGANISATIONS: list[tuple[str, Organisation.Kind, list[str]]] = [
    ("Lindenshire Police", Organisation.Kind.POLICE_FORCE, ALL),
    ("Lindenshire County Council", Organisation.Kind.COUNTY_COUNCIL, ALL),
    (
        "Brackenford District Council",
        Organisation.Kind.DISTRICT_COUNCIL,
        [BOARD, "Brackenford Community Safety Partnership"],
    ),
    (
        "Carrow District Council",
        Organisation.Kind.DISTRICT_COUNCIL,
        [BOARD, "Carrow and Dunmere Community Safety Partnership"],
    ),
    (
        "Dunmere District Council",
        Organisation.Kind.DISTRICT_COUNCIL,
        [BOARD, "Carrow and Dunmere Community Safety Partnership"],
    ),
    (
        "Eskholm Borough Council",
        Organisation.Kind.UNITARY_COUNCIL,
        [BOARD, "Eskholm Community Safety Partnership"],
    ),
    ("Lindenshire Fire and Rescue Service", Organisation.Kind.FIRE_AND_RESCUE, ALL),
    ("Lindenshire Probation Delivery Unit", Organisation.Kind.PROBATION, ALL),
    ("Lindenshire Integrated Care Board", Organisation.Kind.HEALTH, ALL),
    (
        "Brackenvale Homes",
        Organisation.Kind.HOUSING_PROVIDER,
        [
            BOARD,
            "Brackenford Community Safety Partnership",
            "Carrow and Dunmere Community Safety Partnership",
        ],
    ),
    ("Lindenshire Domestic Abuse Service", Organisation.Kind.VOLUNTARY_SECTOR, ALL),
    (
        "Office of the Lindenshire Police and Crime Commissioner",
        Organisation.Kind.PCC_OFFICE,
        [BOARD],
    ),
]

# (username, first name, last name, organisation, role): one member for every role, and a
# second organisation's staff to show that each organisation sees only its own.
MEMBERS: list[tuple[str, str, str, str, Role]] = [
    ("caseworker", "Asha", "Patel", "Brackenford District Council", Role.CASEWORKER),
    ("manager", "Tom", "Reid", "Brackenford District Council", Role.TEAM_MANAGER),
    ("analyst", "Nia", "Evans", "Lindenshire County Council", Role.ANALYST),
    ("marac", "Kate", "Morgan", "Lindenshire Police", Role.MARAC_COORDINATOR),
    (
        "board",
        "John",
        "Hale",
        "Office of the Lindenshire Police and Crime Commissioner",
        Role.BOARD_MEMBER,
    ),
    (
        "partnership-admin",
        "Priya",
        "Shah",
        "Lindenshire County Council",
        Role.PARTNERSHIP_ADMINISTRATOR,
    ),
    ("sysadmin", "Sam", "Okafor", "Lindenshire County Council", Role.SYSTEM_ADMINISTRATOR),
    ("police-caseworker", "Dan", "Hughes", "Lindenshire Police", Role.CASEWORKER),
    ("police-admin", "Ruth", "Clarke", "Lindenshire Police", Role.PARTNERSHIP_ADMINISTRATOR),
    ("idva", "Leah", "Brooks", "Lindenshire Domestic Abuse Service", Role.CASEWORKER),
]


@dataclass
class DemoSummary:
    """What the demo seed created, and how to sign in."""

    password: str
    created: list[str] = field(default_factory=list)
    figures: str = ""

    def as_text(self) -> str:
        lines = [
            "Demo partnership: Lindenshire (fictional; every person and place is invented).",
            f"Created {len(self.created)} records."
            if self.created
            else "Demo data already present: nothing changed.",
            *([self.figures] if self.figures else []),
            "",
            "Sign in at http://127.0.0.1:8000/ with any of these usernames and the password below:",
        ]
        for username, first, last, organisation, role in MEMBERS:
            lines.append(f"  {username:<18} {first} {last}, {role.label}, {organisation}")
        lines += ["", f"Demo password: {self.password}"]
        return "\n".join(lines)


def demo_password() -> str:
    """The installation's random demo password, kept in the data directory."""
    path = settings.DATA_DIR / "demo-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"demo-{secrets.token_urlsafe(9)}")
        path.chmod(0o600)
    return path.read_text().strip()


def seed_demo(*, figures: bool = True) -> DemoSummary:
    """Create whatever part of the demo partnership is missing; with ``figures``, also the
    demo warehouse (synthetic figures) and the dashboards' scorecard runs."""
    summary = _seed_records()
    if figures:
        report = demo_warehouse.build_demo_warehouse(
            warehouse_path(), settings.DATA_DIR / "demo-data"
        )
        summary.figures = report.message
        # The demo's cases are exported only into a demo warehouse, never beside real data.
        if demo_warehouse.add_demo_case_history(warehouse_path(), settings.DATA_DIR / "demo-data"):
            exported = case_figures_export(None)
            summary.figures += f"\n{exported.message}"
        demo = Partnership.objects.filter(name__in=ALL, is_synthetic=True)
        for partnership in demo.order_by("pk"):
            if partnership.code:
                scorecard_runs_refresh(partnership=partnership)
    return summary


@transaction.atomic
def _seed_records() -> DemoSummary:
    """The partnerships, organisations and members (created if missing)."""
    summary = DemoSummary(password=demo_password())
    board = Partnership.objects.filter(name=BOARD).first()
    if board is None:
        board = services.partnership_create(
            actor=None,
            name=BOARD,
            kind=Partnership.Kind.COUNTY_BOARD,
            require_two_factor=False,
            is_synthetic=True,
        )
        summary.created.append(BOARD)
    partnerships = {BOARD: board}
    for name in CSPS:
        csp = Partnership.objects.filter(name=name).first()
        if csp is None:
            csp = services.partnership_create(
                actor=None,
                name=name,
                kind=Partnership.Kind.CSP,
                overseen_by=board,
                require_two_factor=False,
                is_synthetic=True,
            )
            summary.created.append(name)
        partnerships[name] = csp
    for name, partnership in partnerships.items():
        if not partnership.code:
            partnership.code = AREA_CODES[name]
            partnership.save(update_fields=["code"])
            audit_record(
                actor=None,
                action="partnership.area_set",
                operation=Operation.ALTERATION,
                target_type="partnership",
                target_id=partnership.pk,
                payload={"code": partnership.code},
            )
            summary.created.append(f"{name}: area {partnership.code}")
    organisations: dict[str, Organisation] = {}
    for name, kind, serves in ORGANISATIONS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            organisation = services.organisation_create(
                actor=None, name=name, kind=kind, partnerships=[partnerships[p] for p in serves]
            )
            summary.created.append(name)
        organisations[name] = organisation
    users = get_user_model().objects
    for username, first, last, organisation_name, role in MEMBERS:
        if users.filter(username=username).exists():
            continue
        services.member_add(
            actor=None,
            organisation=organisations[organisation_name],
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@lindenshire.example",
            role=role,
            password=summary.password,
        )
        summary.created.append(username)
    summary.created += seed_demo_casework()
    return summary
