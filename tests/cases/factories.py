"""Small builders for case work tests, going through the real services."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from saferhub.cases import services as case_services
from saferhub.incidents import services as incident_services
from saferhub.people import services as people_services
from saferhub.sharing.models import AccessLevel, LegalBasis, RecordShare


def person(member: Any, given: str = "Alex", family: str = "Rowe", **fields: Any) -> Any:
    return people_services.person_create(
        actor=member.user, given_name=given, family_name=family, **fields
    )


def incident(
    member: Any,
    people: list[tuple[Any, str]],
    *,
    days_ago: int = 1,
    category: str = "asb:personal",
    **fields: Any,
) -> Any:
    return incident_services.incident_record(
        actor=member.user,
        occurred_at=timezone.now() - datetime.timedelta(days=days_ago),
        category=category,
        people=people,
        **fields,
    )


def case(member: Any, people: list[tuple[Any, str]] = (), case_type: str = "asb", **kw: Any) -> Any:  # type: ignore[assignment]
    return case_services.case_open(
        actor=member.user,
        case_type=case_type,
        title=kw.pop("title", "Noise nuisance"),
        people=people,
        **kw,
    )


def share(
    record_type: str,
    record_id: int,
    owner: Any,
    to: Any,
    level: str = AccessLevel.VIEW,
    reason: str = "Joint case",
) -> RecordShare:
    return RecordShare.objects.create(
        record_type=record_type,
        record_id=record_id,
        owner_organisation=owner.organisation,
        organisation=to,
        access_level=level,
        legal_basis=LegalBasis.CDA_1998_S115,
        reason=reason,
        granted_by=owner.user,
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )
