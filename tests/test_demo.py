"""The demo partnership: every organisation type and role, and seeding twice changes nothing."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from saferhub.audit.models import AuditEvent
from saferhub.demo import MEMBERS, seed_demo
from saferhub.organisations.models import Membership, Organisation, Partnership
from saferhub.organisations.rules import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"


def counts() -> tuple[int, ...]:
    return (
        Partnership.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
        AuditEvent.objects.count(),
    )


def test_seed_covers_every_type_and_role_and_is_idempotent() -> None:
    first = seed_demo()
    assert first.created
    assert {o.kind for o in Organisation.objects.all()} == set(Organisation.Kind.values)
    assert {m.role for m in Membership.objects.all()} == {r.value for r in Role}
    board = Partnership.objects.get(kind="county_board")
    assert board.overseen_partnerships.count() == 3
    assert all(p.is_synthetic for p in Partnership.objects.all())
    multi = Partnership.objects.get(name__startswith="Carrow and Dunmere")
    assert multi.organisations.filter(kind="district_council").count() == 2
    before = counts()
    second = seed_demo()
    assert second.created == []
    assert counts() == before
    assert second.password == first.password
    assert "nothing changed" in second.as_text()
    assert "Demo figures already loaded" in second.as_text()


def test_every_demo_member_can_sign_in(client: Any) -> None:
    summary = seed_demo(figures=False)
    for username, *_ in MEMBERS:
        response = client.post(
            "/account/sign-in", {"username": username, "password": summary.password}
        )
        assert response.status_code == 302, username
        assert client.get("/").status_code == 200, username
        client.post("/account/sign-out")


def test_demo_partnerships_have_areas_figures_and_stored_runs() -> None:
    from saferhub.performance.models import ScorecardRun

    summary = seed_demo()
    assert "Demo figures loaded" in summary.as_text()
    codes = dict(Partnership.objects.values_list("name", "code"))
    assert codes["Lindenshire Safer Communities Board"] == "E23900001"
    assert sorted(c for c in codes.values()) == sorted(
        ["E23900001", "E22900001", "E22900002", "E22900003"]
    )
    assert ScorecardRun.objects.filter(partnership__code="E23900001").exists()
    run = ScorecardRun.objects.filter(partnership__code="E23900001").first()
    assert run is not None
    assert run.area_codes == ["E23900001", "E22900001", "E22900002", "E22900003"]
    all_crime = next(r for r in run.results if r["indicator_id"] == "all_crime")
    assert all_crime["count"] and all_crime["count"] > 5_000
    assert any(i["name"].endswith("-lindenshire-street.csv.gz") for i in run.inputs)
    # Case indicators beside crime: the demo's case-system history and its own cases.
    figures = {r["indicator_id"]: r["count"] for r in run.results if r["area_code"] == "E23900001"}
    assert figures["asb_cases_opened"] and figures["asb_cases_opened"] > 10
    assert figures["marac_cases"] and figures["marac_cases"] > 100
    assert any(i["name"].endswith("saferhub-case-figures.csv") for i in run.inputs)
    runs = ScorecardRun.objects.count()
    seed_demo()
    assert ScorecardRun.objects.count() == runs  # nothing recomputed: the warehouse is unchanged
