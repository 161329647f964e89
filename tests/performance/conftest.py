"""Performance fixtures: one demo warehouse (synthetic Lindenshire) built for the session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from saferhub.performance.demo_warehouse import build_demo_warehouse


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-warehouse")
    path = folder / "warehouse.duckdb"
    report = build_demo_warehouse(path, folder / "files")
    assert report.built, report.message
    return path


@pytest.fixture
def warehouse_settings(settings: Any, demo_warehouse: Path, tmp_path: Path) -> Path:
    """Pages read a copy of the demo warehouse (a test may load more into it)."""
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    store = demo_warehouse.with_name(demo_warehouse.name + ".files")
    shutil.copytree(store, copy.with_name(copy.name + ".files"))
    settings.WAREHOUSE_PATH = copy
    settings.DATA_DIR = tmp_path
    return copy


@pytest.fixture
def lindenshire(db: None, organisations: dict[str, Any], partnership: Any) -> dict[str, Any]:
    """The test partnership as a county board over the force area with three CSPs beneath:
    'own' organisation serves the board; 'other' serves only Eskholm's CSP."""
    from saferhub.organisations import services
    from saferhub.organisations.models import Organisation, Partnership

    partnership.code = "E23900001"
    partnership.kind = Partnership.Kind.COUNTY_BOARD
    partnership.is_synthetic = True
    partnership.save()
    csps = {}
    for code, name in (
        ("E22900001", "Brackenford CSP"),
        ("E22900002", "Carrow and Dunmere CSP"),
        ("E22900003", "Eskholm CSP"),
    ):
        csp = services.partnership_create(
            actor=None,
            name=name,
            kind=Partnership.Kind.CSP,
            code=code,
            overseen_by=partnership,
            require_two_factor=False,
            is_synthetic=True,
        )
        csps[code] = csp
    elsewhere = services.partnership_create(
        actor=None, name="Elsewhere CSP", kind=Partnership.Kind.CSP, require_two_factor=False
    )
    outsider = services.organisation_create(
        actor=None,
        name="Elsewhere Council",
        kind=Organisation.Kind.DISTRICT_COUNCIL,
        partnerships=[elsewhere],
    )
    return {"board": partnership, "csps": csps, "elsewhere": elsewhere, "outsider": outsider}


@pytest.fixture
def member_in(lindenshire: dict[str, Any]) -> Callable[..., Any]:
    """member_in(role, organisation) -> Membership of any organisation, password PASSWORD."""
    from saferhub.organisations import services
    from tests.conftest import PASSWORD

    counter = iter(range(1, 10_000))

    def make(role: Any, organisation: Any) -> Any:
        name = f"{role.value}-{next(counter)}"
        membership, _ = services.member_add(
            actor=None,
            organisation=organisation,
            username=name,
            first_name="Test",
            last_name="Member",
            email=f"{name}@example.test",
            role=role,
            password=PASSWORD,
        )
        return membership

    return make
