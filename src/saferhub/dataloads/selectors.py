"""Reads for the data load pages (no personal data: police.uk and partner data are
anonymous or aggregate, so these reads are not audited)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from saferhub.dataloads.access import access_load, loads_visible_to
from saferhub.dataloads.models import DataLoad, QuarantinedRow
from saferhub.organisations.access import AnyUser

QUARANTINE_PAGE_SIZE = 50


def load_list(*, actor: AnyUser, limit: int = 50) -> list[DataLoad]:
    """The organisation's most recent loads, newest first, with their files."""
    return list(loads_visible_to(actor).prefetch_related("files")[:limit])


def load_detail(*, actor: AnyUser, load_id: int) -> DataLoad:
    """One load, if the actor may see it (Http404 whether hidden or missing)."""
    return access_load(actor, load_id)


def quarantine_page(*, load: DataLoad, page: str | int | None) -> Page[QuarantinedRow]:
    """One page of the rows the load kept out, in file and line order (a page number past
    the end shows the last page)."""
    rows: QuerySet[QuarantinedRow] = QuarantinedRow.objects.filter(load=load).order_by("pk")
    return Paginator(rows, QUARANTINE_PAGE_SIZE).get_page(page)
