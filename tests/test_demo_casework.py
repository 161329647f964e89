"""The demo case work: made through the real services (so audited), fictional, and seeding
twice changes nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from saferhub.audit.models import AuditEvent
from saferhub.cases.models import Case, CaseNote
from saferhub.demo import seed_demo
from saferhub.incidents.models import Incident
from saferhub.marac.models import AgendaItem, MaracMeeting, MaracReferral
from saferhub.people.models import Person, PersonGroup
from saferhub.places.models import Place
from saferhub.referrals.models import Referral
from saferhub.risk.models import Assessment
from saferhub.sharing.models import RecordShare

pytestmark = pytest.mark.django_db

MODELS = (
    Person,
    PersonGroup,
    Place,
    Incident,
    Case,
    CaseNote,
    RecordShare,
    Assessment,
    MaracReferral,
    MaracMeeting,
    AgendaItem,
    Referral,
    AuditEvent,
)


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_case_work_is_seeded_once_quickly_and_audited() -> None:
    started = time.perf_counter()
    seed_demo(figures=False)
    elapsed = time.perf_counter() - started
    assert elapsed < 30
    first = counts()
    assert first["Person"] >= 9 and first["Case"] >= 5 and first["Incident"] >= 10
    assert RecordShare.objects.filter(cascaded_from__isnull=False).exists()
    assert AuditEvent.objects.filter(action="record.shared").exists()
    assert AuditEvent.objects.filter(action="person.created").count() == first["Person"]
    assert set(Place.objects.values_list("district_code", flat=True)) <= {
        "E07900001",
        "E07900002",
        "E07900003",
        "E06900001",
    }
    assert Case.objects.filter(status="closed").count() >= 2
    assert Assessment.objects.filter(kind="dash", grade="high").count() == 1
    assert first["MaracReferral"] == first["AgendaItem"] == 1
    assert first["Referral"] == 2
    group = PersonGroup.objects.get(name="Riverside Park young people")
    assert group.members.count() == 2
    second = seed_demo(figures=False)
    assert counts() == first
    assert second.created == []
