"""Reading the rows the figures are made from: one plain row per case (type, lead
organisation, district, dates, overdue reviews), never a name or a note."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from saferhub.cases.models import Case
from saferhub.cases.rules import CASE_TYPES, Status
from saferhub.casework_mi import rules
from saferhub.casework_mi.access import cases_counted_for
from saferhub.marac.models import MaracReferral
from saferhub.organisations.access import AnyUser


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to."""

    period: rules.Period
    group_by: str = "case_type"
    case_type: str = ""
    district: str = ""
    organisation_id: int | None = None


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(value) if value is not None else None


def case_districts(case_ids: list[int]) -> dict[int, str]:
    """Each case's district: of its first linked place with one, else of the place of its
    first linked incident with one."""
    districts: dict[int, str] = {}
    through = Case.places.through
    for case_id, code in (
        through.objects.filter(case_id__in=case_ids)
        .exclude(place__district_code="")
        .order_by("case_id", "place_id")
        .values_list("case_id", "place__district_code")
    ):
        districts.setdefault(case_id, code)
    incidents = Case.incidents.through
    for case_id, code in (
        incidents.objects.filter(case_id__in=case_ids)
        .exclude(incident__place__district_code="")
        .exclude(incident__place__isnull=True)
        .order_by("case_id", "incident_id")
        .values_list("case_id", "incident__place__district_code")
    ):
        districts.setdefault(case_id, code)
    return districts


def case_rows(*, actor: AnyUser, filters: Filters, today: datetime.date) -> list[rules.CaseRow]:
    """One row per counted case that could touch the period (opened by its end)."""
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(
        filters.period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    cases = cases_counted_for(actor).filter(opened_at__lt=end)
    if filters.case_type:
        cases = cases.filter(case_type=filters.case_type)
    if filters.organisation_id:
        cases = cases.filter(owner_organisation_id=filters.organisation_id)
    values = list(
        cases.annotate(
            overdue=Count(
                "reviews",
                filter=Q(reviews__completed_at__isnull=True, reviews__due_on__lt=today)
                & ~Q(status=Status.CLOSED),
            )
        ).values(
            "pk",
            "case_type",
            "owner_organisation__name",
            "opened_at",
            "closed_at",
            "status",
            "overdue",
        )
    )
    districts = case_districts([v["pk"] for v in values])
    rows = []
    for v in values:
        district = districts.get(v["pk"], "")
        if filters.district and district != filters.district:
            continue
        closed = v["closed_at"] if v["status"] == Status.CLOSED else None
        opened_on = timezone.localdate(v["opened_at"])
        rows.append(
            rules.CaseRow(
                case_type=CASE_TYPES[v["case_type"]].label
                if v["case_type"] in CASE_TYPES
                else v["case_type"],
                organisation=v["owner_organisation__name"],
                district=district,
                opened_on=opened_on,
                closed_on=_local_date(closed),
                overdue_reviews=v["overdue"],
            )
        )
    return rows


def filter_options(*, actor: AnyUser) -> tuple[list[tuple[int, str]], list[str]]:
    """The organisations and districts that appear among the counted cases."""
    cases = cases_counted_for(actor)
    organisations = sorted(
        set(cases.values_list("owner_organisation_id", "owner_organisation__name")),
        key=lambda o: o[1],
    )
    districts = sorted(set(case_districts(list(cases.values_list("pk", flat=True))).values()))
    return organisations, districts


def marac_volumes(*, actor: AnyUser, period: rules.Period) -> list[rules.MonthlyVolume]:
    """MARAC referrals per month on the counted cases, with how many were repeats."""
    referrals = MaracReferral.objects.filter(
        case__in=cases_counted_for(actor),
        referred_on__gte=period.start,
        referred_on__lte=period.end,
    ).values_list("referred_on", "is_repeat")
    return rules.monthly_volumes(referrals, period)
