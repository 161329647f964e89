"""Setting up a new installation from the command line: the first administrator."""

from __future__ import annotations

from django.db import transaction

from saferhub.organisations import services
from saferhub.organisations.models import Organisation, Partnership
from saferhub.organisations.rules import Role


@transaction.atomic
def administrator_create(
    *,
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation_name: str,
    organisation_kind: str,
    partnership_name: str = "",
) -> None:
    """Create a system administrator, creating their organisation (and a CSP) if needed."""
    partnerships: list[Partnership] = []
    if partnership_name:
        partnership = Partnership.objects.filter(name=partnership_name).first()
        if partnership is None:
            partnership = services.partnership_create(
                actor=None, name=partnership_name, kind=Partnership.Kind.CSP
            )
        partnerships.append(partnership)
    organisation = Organisation.objects.filter(name=organisation_name).first()
    if organisation is None:
        organisation = services.organisation_create(
            actor=None,
            name=organisation_name,
            kind=Organisation.Kind(organisation_kind),
            partnerships=partnerships,
        )
    services.member_add(
        actor=None,
        organisation=organisation,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=Role.SYSTEM_ADMINISTRATOR,
        password=password,
    )
