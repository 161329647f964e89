"""Case pages: my cases and tasks, opening a case, the case page with its sub-navigation
(summary, people, incidents, actions, reviews, notes, documents, history), and the forms
that change a case. Each view checks access first (404 for hidden and missing alike), then
asks the purpose once per case per session, then reads through the audited selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases import extensions, flags, rules, selectors, services
from saferhub.cases.access import (
    access_case,
    can_change_case,
    can_contribute,
    can_open_case,
    completable_actions,
)
from saferhub.cases.forms import (
    ActionForm,
    AddPersonForm,
    CaseCloseForm,
    CaseEditForm,
    CaseOpenForm,
    CaseStatusForm,
    DocumentForm,
    NoteForm,
    ReviewForm,
)
from saferhub.cases.models import Case, CaseAction, CaseReview
from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.incidents.access import can_record_incidents
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people import selectors as people_selectors
from saferhub.people import services as people_services
from saferhub.people.access import access_person, can_decide_merges

TABS = (
    ("summary", "Summary"),
    ("people", "People"),
    ("incidents", "Incidents"),
    ("actions", "Actions"),
    ("reviews", "Reviews"),
    ("notes", "Notes"),
    ("documents", "Documents"),
    ("history", "History"),
)


def my_cases(request: HttpRequest) -> HttpResponse:
    """The officer's open cases, actions and reviews due; a supervisor also sees their
    organisation's overdue reviews."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    tasks = selectors.my_tasks(actor=request.user)
    proposals = (
        people_selectors.merge_proposals_for(request.user)
        if tasks.organisation_overdue is not None and can_decide_merges(request.user)
        else []
    )
    return render(
        request,
        "cases/my_cases.html",
        {
            "tasks": tasks,
            "proposals": proposals,
            "may_record_incident": can_record_incidents(request.user),
            "may_open_case": can_open_case(request.user),
        },
    )


def _officers(request: HttpRequest) -> list[tuple[int, str]]:
    return [
        (u.pk, u.get_full_name() or u.get_username())
        for u in services.members_for_assignment(request.user)
    ]


def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case, optionally about a person (?person=<id>)."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    raw = request.GET.get("person") or request.POST.get("person") or ""
    person = access_person(request.user, int(raw)) if raw.isdigit() else None
    form = CaseOpenForm(
        request.POST or None, officers=_officers(request), initial={"lead_officer": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = (data.get("person_role") or "").strip().lower()
        try:
            case = services.case_open(
                actor=request.user,
                case_type=data["case_type"],
                title=data["title"],
                summary=data["summary"],
                lead_officer=next(
                    (
                        u
                        for u in services.members_for_assignment(request.user)
                        if u.pk == data["lead_officer"]
                    ),
                    None,
                ),
                people=[(person, role or rules.case_type(data["case_type"]).people_roles[0])]
                if person
                else [],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.reference} has been opened")
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/case_open.html", {"form": form, "person": person})


def _case_page(
    request: HttpRequest, case_id: int, tab: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    checked = access_case(request.user, case_id)
    purpose = purpose_for(request, "case", case_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    case = selectors.case_detail(
        actor=request.user, case_id=case_id, purpose=purpose, tab=tab, checked=checked
    )
    may_contribute = can_contribute(request.user, case)
    context: dict[str, Any] = {
        "case": case,
        "tab": tab,
        "tabs": TABS,
        "case_type": rules.case_type(case.case_type),
        "may_contribute": may_contribute,
        "may_change": can_change_case(request.user, case),
        "next_review": case.reviews.filter(completed_at__isnull=True).order_by("due_on").first(),
    }
    if tab == "summary":
        people = selectors.case_people(actor=request.user, case=case)
        context["people"] = people
        shown = flags.people_flags(actor=request.user, person_ids=[pid for pid, *_ in people])
        context["flags"] = [(name, shown[pid]) for pid, name, _, _ in people]
        context["places"] = selectors.case_places(actor=request.user, case=case)
        context["case_actions"] = extensions.case_actions(request.user, case)
    elif tab == "people":
        context["people"] = selectors.case_people(actor=request.user, case=case)
    elif tab == "incidents":
        context["incidents"] = selectors.case_incidents(actor=request.user, case=case)
    elif tab == "actions":
        actions = list(
            case.actions.select_related("owner", "owner_organisation").order_by(
                "completed_at", "due_on"
            )
        )
        context["actions"] = actions
        context["completable"] = completable_actions(request.user, case, actions)
    elif tab == "reviews":
        context["reviews"] = list(case.reviews.select_related("completed_by").order_by("-due_on"))
    elif tab == "notes":
        context["notes"] = list(
            case.notes.select_related("author", "organisation").order_by("-created_at")
        )
    elif tab == "documents":
        context["documents"] = list(
            case.documents.select_related("uploaded_by").order_by("-uploaded_at")
        )
    elif tab == "history":
        context["events"] = list(
            case.events.select_related("actor", "organisation").order_by("-occurred_at", "-pk")
        )
    context.update(extra or {})
    return render(request, f"cases/case_{tab}.html", context)


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case summary."""
    return _case_page(request, case_id, "summary")


def case_tab(tab: str) -> Any:
    """A view for one tab of the case page (GET shows it; POST adds to it)."""

    def view(request: HttpRequest, case_id: int) -> HttpResponse:
        form: Any = None
        if request.method == "POST":
            case = access_case(request.user, case_id, need="edit")
            form = _tab_form(request, tab, case)
            if form is not None and form.is_valid():
                try:
                    done = _tab_post(request, tab, case, form)
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    if done is not None:
                        return done
                    messages.success(request, "Saved")
                    return redirect(f"cases:{tab}", case_id=case.pk)
        elif tab in ("notes", "actions", "documents", "people"):
            try:
                form = _tab_form(
                    request, tab, access_case(request.user, case_id, need="edit"), bound=False
                )
            except Http404:
                form = None
        return _case_page(
            request, case_id, tab, {"form": form, "matches": getattr(form, "matches", [])}
        )

    view.__name__ = f"case_{tab}"
    view.__doc__ = f"The case's {tab} tab."
    return view


def _tab_form(request: HttpRequest, tab: str, case: Case, bound: bool = True) -> Any:
    data = (request.POST or None) if bound else None
    files = (request.FILES or None) if bound else None
    if tab == "notes":
        return NoteForm(data)
    if tab == "actions":
        return ActionForm(data, officers=_officers(request))
    if tab == "documents":
        return DocumentForm(data, files)
    if tab == "people":
        roles = [(r, r.capitalize()) for r in rules.case_type(case.case_type).people_roles]
        return AddPersonForm(data, roles=roles)
    return None


@transaction.atomic
def _tab_post(request: HttpRequest, tab: str, case: Case, form: Any) -> HttpResponse | None:
    data = form.cleaned_data
    if tab == "notes":
        services.case_add_note(actor=request.user, case=case, text=data["text"])
    elif tab == "actions":
        owner = next(
            (u for u in services.members_for_assignment(request.user) if u.pk == data["owner"]),
            None,
        )
        services.case_add_action(
            actor=request.user,
            case=case,
            description=data["description"],
            due_on=data["due_on"],
            owner=owner,
        )
    elif tab == "documents":
        services.case_add_document(actor=request.user, case=case, upload=data["document"])
    elif tab == "people":
        chosen = request.POST.get("existing_person", "")
        if not chosen.isdigit() and chosen != "new":
            matches = people_selectors.known_person_candidates(
                actor=request.user,
                given_name=data.get("given_name") or "",
                family_name=data.get("family_name") or "",
                date_of_birth=data.get("date_of_birth"),
                exclude_ids=tuple(case.case_people.values_list("person_id", flat=True)),
            )
            if matches:
                form.matches = matches
                return _case_page(request, case.pk, "people", {"form": form, "matches": matches})
        person = (
            access_person(request.user, int(chosen))
            if chosen.isdigit()
            else people_services.person_create(
                actor=request.user,
                given_name=data.get("given_name") or "",
                family_name=data.get("family_name") or "",
                date_of_birth=data.get("date_of_birth"),
                approximate_age=data.get("approximate_age"),
                gender=data.get("gender") or "not_known",
            )
        )
        services.case_link_person(actor=request.user, case=case, person=person, role=data["role"])
    return None


def action_complete(request: HttpRequest, case_id: int, action_id: int) -> HttpResponse:
    """Mark an action done (POST)."""
    case = access_case(request.user, case_id, need="edit")
    try:
        action = case.actions.get(pk=action_id)
    except CaseAction.DoesNotExist:
        raise Http404("No such action") from None
    if request.method == "POST":
        try:
            services.case_complete_action(actor=request.user, action=action)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The action has been marked as done")
    return redirect("cases:actions", case_id=case.pk)


def review_complete(request: HttpRequest, case_id: int, review_id: int) -> HttpResponse:
    """Record a review (the next one is scheduled)."""
    case = access_case(request.user, case_id, need="edit")
    if not can_change_case(request.user, case):
        raise PermissionDenied("only the lead organisation records the case's reviews")
    try:
        review = case.reviews.get(pk=review_id, completed_at__isnull=True)
    except CaseReview.DoesNotExist:
        raise Http404("No such review") from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_complete_review(
                actor=request.user, review=review, notes=form.cleaned_data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review has been recorded")
            return redirect("cases:reviews", case_id=case.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Review of {case.reference}",
            "back": ("cases:reviews", case.pk),
            "button": "Record review",
        },
    )


def _case_change(
    request: HttpRequest, case_id: int, form_class: Any, title: str, button: str, **form_kwargs: Any
) -> tuple[Case, Any]:
    case = access_case(request.user, case_id, need="edit")
    if not can_change_case(request.user, case):
        raise PermissionDenied("only the lead organisation changes the case itself")
    form = form_class(
        request.POST or None,
        initial={"version": case.version, "title": case.title, "summary": case.summary},
        **form_kwargs,
    )
    return case, form


def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    """Change the case's title and summary (refused if someone else saved first)."""
    case, form = _case_change(request, case_id, CaseEditForm, "", "")
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except services.StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The case has been saved")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Change {case.reference}",
            "back": ("cases:detail", case.pk),
            "button": "Save changes",
        },
    )


def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    """Put the case on hold or reopen it."""
    case, form = _case_change(request, case_id, CaseStatusForm, "", "")
    if request.method == "POST" and form.is_valid():
        try:
            services.case_change_status(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except services.StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The status has been changed")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Change the status of {case.reference}",
            "back": ("cases:detail", case.pk),
            "button": "Change status",
        },
    )


def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    """Close the case with an outcome from its type."""
    case, form = _case_change(
        request,
        case_id,
        CaseCloseForm,
        "",
        "",
        outcomes=rules.case_type(access_case(request.user, case_id).case_type).outcomes,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except services.StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.reference} has been closed")
            return redirect("cases:detail", case_id=case.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Close {case.reference}",
            "back": ("cases:detail", case.pk),
            "button": "Close case",
        },
    )


def document_download(
    request: HttpRequest, case_id: int, document_id: int
) -> HttpResponse | FileResponse:
    """Download a document, only through the case's access check (audited)."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    access_case(request.user, case_id)
    purpose = purpose_for(request, "case", case_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    document = selectors.case_document_for_download(
        actor=request.user, case_id=case_id, document_id=document_id, purpose=purpose
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
