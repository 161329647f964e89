"""Reads of places for pages and search (addresses can be personal data: audited)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.places.access import access_place, places_visible_to
from saferhub.places.models import Place

Actor = AbstractBaseUser | AnonymousUser
PAGE_SIZE = 20


@transaction.atomic
def place_detail(*, actor: Actor, place_id: int, purpose: str) -> Place:
    """One place for its page (audited as a consultation with its purpose)."""
    place = access_place(actor, place_id)
    audit_record(
        actor=actor,
        action="place.viewed",
        operation=Operation.CONSULTATION,
        target_type="place",
        target_id=place.pk,
        record_owner_organisation_id=place.owner_organisation_id,
        purpose=purpose,
    )
    return place


@transaction.atomic
def places_search(*, actor: Actor, text: str, page: int | str | None = 1) -> Page[Place]:
    """Places the actor may see whose postcode starts with the text, or whose name or
    address contains it. Audited when it searches."""
    require_capability(actor, Capability.VIEW_PERSONAL_RECORDS)
    text = text.strip()
    queryset = places_visible_to(actor)
    if not text:
        queryset = queryset.none()
    else:
        compact = "".join(text.split()).upper()
        postcode_prefix = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact
        queryset = queryset.filter(
            Q(postcode__startswith=postcode_prefix)
            | Q(name__icontains=text)
            | Q(address__icontains=text)
        )
    result = Paginator(queryset.order_by("postcode", "name", "pk"), PAGE_SIZE).get_page(page)
    if text:
        audit_record(
            actor=actor,
            action="place.searched",
            operation=Operation.CONSULTATION,
            target_type="place",
            purpose="Searching for records",
            payload={"shown": [p.pk for p in result.object_list]},
        )
    return result
