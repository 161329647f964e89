"""Who may see and change person records and groups: the owner organisation, and
organisations the record is shared with (sharing.visibility). Hidden and missing look the
same (404). A group's page lists only the members the viewer may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.organisations.access import AnyUser, has_capability, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.people.models import Person, PersonGroup
from saferhub.sharing.visibility import editable, visible

RECORD_TYPE = "person"
GROUP_RECORD_TYPE = "group"


def people_visible_to(user: AnyUser) -> QuerySet[Person]:
    """Every person record the user may see (never erased or merged-away records)."""
    return visible(
        Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True),
        user=user,
        record_type=RECORD_TYPE,
    )


def access_person(user: AnyUser, person_id: int, *, need: str = "view") -> Person:
    """One person the user may see (need='view') or change (need='edit'), else 404."""
    base = Person.objects.filter(erased_at__isnull=True, merged_into__isnull=True)
    queryset = (
        editable(base, user=user, record_type=RECORD_TYPE)
        if need == "edit"
        else people_visible_to(user)
    )
    try:
        return queryset.get(pk=person_id)
    except Person.DoesNotExist:
        raise Http404("No such person") from None


def can_edit_person(user: AnyUser, person: Person) -> bool:
    """Whether the user may change the person's details and other names (access_person with
    need='edit' would let them in). A live record of the user's own organisation is
    answered from the record itself (the `editable` rule's first branch: a member who may
    change records, of the owning organisation); only a record held elsewhere needs the
    database, to find a share to contribute."""
    membership = membership_of(user)
    if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
        return False
    if (
        person.owner_organisation_id == membership.organisation_id
        and person.erased_at is None
        and person.merged_into_id is None
    ):
        return True
    return editable(
        Person.objects.filter(pk=person.pk, erased_at__isnull=True, merged_into__isnull=True),
        user=user,
        record_type=RECORD_TYPE,
    ).exists()


def can_merge_into(user: AnyUser, person: Person) -> bool:
    """Whether the user may propose merging a duplicate into this person: only records their
    own organisation holds and they may change (people.services.merge_propose)."""
    membership = membership_of(user)
    return (
        membership is not None
        and person.owner_organisation_id == membership.organisation_id
        and can_edit_person(user, person)
    )


def can_decide_merges(user: AnyUser) -> bool:
    """Whether the user may approve or reject merge proposals (supervisors)."""
    return has_capability(user, Capability.SUPERVISE_CASES)


def groups_visible_to(user: AnyUser) -> QuerySet[PersonGroup]:
    """Every group the user may see (their organisation's, or shared with it)."""
    return visible(PersonGroup.objects.all(), user=user, record_type=GROUP_RECORD_TYPE)


def access_group(user: AnyUser, group_id: int, *, need: str = "view") -> PersonGroup:
    """One group the user may see (need='view') or change (need='edit'), else 404."""
    queryset = groups_editable_by(user) if need == "edit" else groups_visible_to(user)
    try:
        return queryset.select_related("owner_organisation").get(pk=group_id)
    except PersonGroup.DoesNotExist:
        raise Http404("No such group") from None


def groups_editable_by(user: AnyUser) -> QuerySet[PersonGroup]:
    """Every group the user may change (their organisation's, or shared to contribute)."""
    return editable(PersonGroup.objects.all(), user=user, record_type=GROUP_RECORD_TYPE)


def can_edit_group(user: AnyUser, group: PersonGroup) -> bool:
    """Whether the user may rename the group and add or remove members (access_group with
    need='edit' would let them in)."""
    return groups_editable_by(user).filter(pk=group.pk).exists()


def can_create_groups(user: AnyUser) -> bool:
    """Whether the user may create groups (the right to record and change records)."""
    return has_capability(user, Capability.EDIT_PERSONAL_RECORDS)


def visible_members(user: AnyUser, group: PersonGroup) -> QuerySet[Person]:
    """The group's members the user may see: a hidden member is left out, and not counted."""
    return people_visible_to(user).filter(groups=group)
