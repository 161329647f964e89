"""Recording places. Each change runs in one transaction and writes its audit event."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from saferhub.audit.rules import Operation
from saferhub.audit.services import audit_record
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.places import rules
from saferhub.places.geography import LsoaGeography, LsoaLookup, warehouse_lsoa_lookup
from saferhub.places.models import Place

Actor = AbstractBaseUser | AnonymousUser


def derive_geography(lsoa_code: str, lookup: LsoaLookup) -> tuple[str, str, str]:
    """(ward code, district code, note saying how they were found or why not)."""
    if not lsoa_code:
        return "", "", rules.NOTE_NO_LSOA
    found = lookup(lsoa_code)
    if isinstance(found, LsoaGeography):
        return (
            found.ward_code,
            found.district_code,
            rules.NOTE_DERIVED.format(version=found.version),
        )
    if found is None:
        return "", "", rules.NOTE_LSOA_UNKNOWN
    return "", "", rules.NOTE_NO_LOOKUP


@transaction.atomic
def place_create(
    *,
    actor: Actor,
    name: str = "",
    address: str = "",
    postcode: str = "",
    uprn: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    lsoa_code: str = "",
    lookup: LsoaLookup = warehouse_lsoa_lookup,
) -> Place:
    """Record a place owned by the actor's organisation (collection). Postcodes must be real
    UK postcodes; ward and district come from the LSOA code where a lookup is loaded."""
    membership = require_capability(actor, Capability.EDIT_PERSONAL_RECORDS)
    problems = {
        field: message
        for field, message in (
            ("postcode", rules.postcode_problem(postcode)),
            ("latitude", rules.coordinates_problem(latitude, longitude)),
            ("lsoa_code", rules.lsoa_problem(lsoa_code)),
            ("uprn", rules.uprn_problem(uprn)),
        )
        if message
    }
    if not (name.strip() or address.strip() or postcode.strip() or latitude is not None):
        problems["name"] = "Enter a name, an address, a postcode or coordinates"
    if problems:
        raise ValidationError(problems)
    lsoa = lsoa_code.strip().upper()
    ward, district, note = derive_geography(lsoa, lookup)
    place = Place.objects.create(
        owner_organisation_id=membership.organisation_id,
        name=name.strip(),
        address=address.strip(),
        postcode=rules.normalise_postcode(postcode) if postcode.strip() else "",
        uprn=uprn.strip(),
        latitude=latitude,
        longitude=longitude,
        lsoa_code=lsoa,
        ward_code=ward,
        district_code=district,
        geography_note=note[:200],
        created_by=membership.user,
    )
    audit_record(
        actor=actor,
        action="place.created",
        operation=Operation.COLLECTION,
        target_type="place",
        target_id=place.pk,
        record_owner_organisation_id=place.owner_organisation_id,
    )
    return place
