"""A place record: an address or a location, owned by the organisation that recorded it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.organisations.models import Organisation


class Place(models.Model):
    """An address, a postcode, a UPRN or coordinates, with derived geography codes."""

    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="places"
    )
    name = models.CharField(max_length=200, blank=True, help_text="For example: Riverside Park")
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    uprn = models.CharField(max_length=12, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True, db_index=True)
    ward_code = models.CharField(max_length=9, blank=True)
    district_code = models.CharField(max_length=9, blank=True)
    geography_note = models.CharField(
        max_length=200, blank=True, help_text="How the LSOA, ward and district were found"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return (
            self.name or self.address.splitlines()[0]
            if (self.name or self.address)
            else self.postcode
        )
