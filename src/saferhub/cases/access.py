"""Who may see and change cases: the lead organisation, and organisations the case is shared
with (a share made directly, or made by putting the case on a MARAC agenda).

Three levels, each one rule used by the views, the services and the pages' links alike:
see (`access_case`), contribute (notes, actions, people, documents, assessments, a MARAC
referral: the lead organisation, or one the case is shared with to contribute, with the
right to change records) and change the case itself (details, status, closure, reviews: the
lead organisation only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.cases.models import Case, CaseAction
from saferhub.organisations.access import AnyUser, has_capability, membership_of
from saferhub.organisations.rules import Capability, role_can
from saferhub.sharing.visibility import editable, visible

RECORD_TYPE = "case"


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """Every case the user may see."""
    return visible(Case.objects.all(), user=user, record_type=RECORD_TYPE)


def access_case(user: AnyUser, case_id: int, *, need: str = "view") -> Case:
    """One case the user may see (need='view') or contribute to (need='edit'), else 404."""
    queryset = (
        editable(Case.objects.all(), user=user, record_type=RECORD_TYPE)
        if need == "edit"
        else cases_visible_to(user)
    )
    try:
        return queryset.select_related("owner_organisation", "lead_officer").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No such case") from None


def can_open_case(user: AnyUser) -> bool:
    """Whether the user may open a case (the right to record and change records)."""
    return has_capability(user, Capability.EDIT_PERSONAL_RECORDS)


def can_contribute(user: AnyUser, case: Case) -> bool:
    """Whether the user may add notes, actions, people, documents and assessments to the
    case, or refer it to MARAC: access_case(need='edit') would let them in.

    The answer is kept on this case object for this user (a page asks several times while
    it builds its links); a case fetched afresh, as every request does, asks again. The
    lead organisation's own case is answered from the case itself (the `editable` rule's
    first branch: a member who may change records, of the owning organisation); only a
    case held elsewhere needs the database, to find a share to contribute."""
    answers: dict[object, bool] = case.__dict__.setdefault("_saferhub_may_contribute", {})
    key = getattr(user, "pk", None)
    if key not in answers:
        membership = membership_of(user)
        if membership is None or not role_can(membership.role, Capability.EDIT_PERSONAL_RECORDS):
            answers[key] = False
        elif case.owner_organisation_id == membership.organisation_id:
            answers[key] = True
        else:
            answers[key] = editable(
                Case.objects.filter(pk=case.pk), user=user, record_type=RECORD_TYPE
            ).exists()
    return answers[key]


def can_change_case(user: AnyUser, case: Case) -> bool:
    """Whether the user may change the case itself (details, status, closure, reviews): a
    contributor of the lead organisation."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.organisation_id == case.owner_organisation_id
        and can_contribute(user, case)
    )


def completable_actions(user: AnyUser, case: Case, actions: list[CaseAction]) -> set[int]:
    """The ids of the case's actions the user may mark done: open actions of their own
    organisation, on a case they may contribute to."""
    membership = membership_of(user)
    if membership is None or not can_contribute(user, case):
        return set()
    return {
        a.pk
        for a in actions
        if a.completed_at is None and a.owner_organisation_id == membership.organisation_id
    }
