"""Who may see and make risk assessments.

An assessment is seen through its case: whoever may see the case (its lead organisation, or
an organisation it is shared with, including MARAC members) may see that the assessment
exists and its grade. The answers, score and judgement reasons need the VIEW_RISK_DETAIL
capability as well; a member without it sees the grade only. Roles that may not see
personal records see nothing (404, like a missing assessment). Making an assessment needs
the right to change the case (its own organisation's, or shared to contribute).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from saferhub.cases.access import access_case, can_contribute, cases_visible_to
from saferhub.cases.models import Case
from saferhub.organisations.access import AnyUser, has_capability
from saferhub.organisations.rules import Capability
from saferhub.risk.models import Assessment

RECORD_TYPE = "assessment"


def assessments_visible_to(user: AnyUser) -> QuerySet[Assessment]:
    """Every assessment whose case the user may see."""
    return Assessment.objects.filter(case__in=cases_visible_to(user).values("pk"))


def access_assessment(user: AnyUser, assessment_id: int) -> Assessment:
    """One assessment the user may see, else 404 (hidden and missing look the same)."""
    try:
        return (
            assessments_visible_to(user)
            .select_related("case", "person", "questionnaire", "assessed_by", "owner_organisation")
            .get(pk=assessment_id)
        )
    except Assessment.DoesNotExist:
        raise Http404("No such assessment") from None


def can_view_answers(user: AnyUser) -> bool:
    """Whether the user sees answers, scores and reasons, not just the grade."""
    return has_capability(user, Capability.VIEW_RISK_DETAIL)


def access_case_to_assess(user: AnyUser, case_id: int) -> Case:
    """A case the user may add an assessment to (they may change it), else 404."""
    return access_case(user, case_id, need="edit")


def can_assess(user: AnyUser, case: Case) -> bool:
    """Whether the user may add an assessment to the case (access_case_to_assess would let
    them in); the same rule decides who may refer the case to MARAC."""
    return can_contribute(user, case)
