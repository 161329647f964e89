"""Who may use the information governance pages.

- Who viewed a person: supervisors (supervise cases or view audit) of the organisation that
  owns the person record, if their role sees personal records.
- Subject access export: members who may export and see personal records; the export holds
  only records their organisation owns.
- Retention review and erasure: supervisors who may change personal records, for their own
  organisation's records only.

A record the member may not see, or that their organisation does not own, is 404 exactly
like a missing one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from saferhub.cases.access import cases_visible_to
from saferhub.cases.models import Case
from saferhub.incidents.access import incidents_visible_to
from saferhub.incidents.models import Incident
from saferhub.organisations.access import AnyUser, membership_of
from saferhub.organisations.models import Membership
from saferhub.organisations.rules import Capability, role_can
from saferhub.people.access import access_person, people_visible_to
from saferhub.people.models import Person


def _require(user: AnyUser, *needed: Capability, any_of: tuple[Capability, ...] = ()) -> Membership:
    membership = membership_of(user)
    if (
        membership is None
        or not all(role_can(membership.role, c) for c in needed)
        or (any_of and not any(role_can(membership.role, c) for c in any_of))
    ):
        raise PermissionDenied("your role cannot use this page")
    return membership


def require_viewer_supervisor(user: AnyUser) -> Membership:
    """A supervisor who may see who viewed their organisation's records, else 403."""
    return _require(
        user,
        Capability.VIEW_PERSONAL_RECORDS,
        any_of=(Capability.SUPERVISE_CASES, Capability.VIEW_AUDIT),
    )


def require_exporter(user: AnyUser) -> Membership:
    """A member who may make subject access exports, else 403."""
    return _require(user, Capability.VIEW_PERSONAL_RECORDS, Capability.EXPORT)


def require_retention_reviewer(user: AnyUser) -> Membership:
    """A supervisor who may review and erase their organisation's records, else 403."""
    return _require(user, Capability.EDIT_PERSONAL_RECORDS, Capability.SUPERVISE_CASES)


def can_see_viewers(user: AnyUser, person: Person) -> bool:
    """Whether the user may see who viewed this person (for a link on the person page)."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.organisation_id == person.owner_organisation_id
        and role_can(membership.role, Capability.VIEW_PERSONAL_RECORDS)
        and (
            role_can(membership.role, Capability.SUPERVISE_CASES)
            or role_can(membership.role, Capability.VIEW_AUDIT)
        )
    )


def access_owned_person(user: AnyUser, person_id: int) -> Person:
    """A person the user may see AND their organisation owns, else 404."""
    person = access_person(user, person_id)
    membership = membership_of(user)
    if membership is None or person.owner_organisation_id != membership.organisation_id:
        raise Http404("No such person")
    return person


def owned_people(user: AnyUser) -> QuerySet[Person]:
    """People the user's organisation owns (and the user may see)."""
    membership = membership_of(user)
    if membership is None:
        return Person.objects.none()
    return people_visible_to(user).filter(owner_organisation_id=membership.organisation_id)


def owned_cases(user: AnyUser) -> QuerySet[Case]:
    """Cases the user's organisation leads (and the user may see)."""
    membership = membership_of(user)
    if membership is None:
        return Case.objects.none()
    return cases_visible_to(user).filter(owner_organisation_id=membership.organisation_id)


def owned_incidents(user: AnyUser) -> QuerySet[Incident]:
    """Incidents the user's organisation recorded (and the user may see)."""
    membership = membership_of(user)
    if membership is None:
        return Incident.objects.none()
    return incidents_visible_to(user).filter(owner_organisation_id=membership.organisation_id)
