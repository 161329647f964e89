"""Pages for people, places, incidents and search. They live in the cases app because a
person's page shows their incidents, cases and flags, and the layers let only the top record
app see all of those (people -> incidents -> cases)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from saferhub.cases import extensions, flags, selectors
from saferhub.cases import services as case_services
from saferhub.cases.access import can_open_case
from saferhub.cases.forms import (
    AddPersonForm,
    IncidentForm,
    MergeDecideForm,
    MergeProposeForm,
    OtherNameForm,
    PersonDetailsForm,
    PersonForm,
    PlaceForm,
    SearchForm,
)
from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.incidents import selectors as incident_selectors
from saferhub.incidents import services as incident_services
from saferhub.incidents.access import access_incident, can_add_people
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people import selectors as people_selectors
from saferhub.people import services as people_services
from saferhub.people.access import (
    access_person,
    can_create_groups,
    can_decide_merges,
    can_edit_person,
    can_merge_into,
)
from saferhub.people.models import MergeProposal, Person
from saferhub.places import selectors as place_selectors
from saferhub.places import services as place_services
from saferhub.places.access import access_place, places_visible_to
from saferhub.places.models import Place

# --- Search ------------------------------------------------------------------------------


def search(request: HttpRequest) -> HttpResponse:
    """Search people, places, cases or groups the member may see; paginated."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    form = SearchForm(request.GET or None)
    results: Page[Any] | None = None
    kind = "people"
    text = ""
    if form.is_valid():
        text = form.cleaned_data["q"]
        kind = form.cleaned_data["kind"] or "people"
        page = request.GET.get("page")
        if text.strip():
            if kind == "places":
                results = place_selectors.places_search(actor=request.user, text=text, page=page)
            elif kind == "groups":
                results = people_selectors.groups_search(actor=request.user, text=text, page=page)
            elif kind == "cases":
                results = selectors.cases_search(actor=request.user, text=text, page=page)
            else:
                results = people_selectors.people_search(actor=request.user, text=text, page=page)
    return render(
        request, "cases/search.html", {"form": form, "results": results, "kind": kind, "text": text}
    )


# --- People ------------------------------------------------------------------------------


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's page: details, flags, other names and timeline (asks the purpose once)."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    checked = access_person(request.user, person_id)
    purpose = purpose_for(
        request,
        "person",
        person_id,
        case_id=request.GET.get("case") and _visible_case_id(request, request.GET["case"]),
    )
    if isinstance(purpose, HttpResponse):
        return purpose
    person = people_selectors.person_detail(
        actor=request.user, person_id=person_id, purpose=purpose, checked=checked
    )
    incidents = selectors.person_incidents(actor=request.user, person_id=person.pk)
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "flags": flags.person_flags(
                actor=request.user, person_id=person.pk, incidents=incidents
            ),
            "timeline": selectors.person_timeline(
                actor=request.user, person_id=person.pk, incidents=incidents
            ),
            "other_names": list(person.other_names.all()),
            "groups": people_selectors.groups_of_person(actor=request.user, person=person),
            "may_add_to_group": can_create_groups(request.user),
            "may_open_case": can_open_case(request.user),
            "may_edit": can_edit_person(request.user, person),
            "may_merge": can_merge_into(request.user, person),
            "may_decide_merges": can_decide_merges(request.user),
            "actions": extensions.person_actions(request.user, person),
            "merge_proposals": people_selectors.merge_proposals_for(
                request.user, person_id=person.pk
            ),
        },
    )


def _visible_case_id(request: HttpRequest, raw: str) -> int | None:
    from saferhub.cases.access import cases_visible_to

    if not raw.isdigit():
        return None
    return int(raw) if cases_visible_to(request.user).filter(pk=int(raw)).exists() else None


def _person_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in people_services.PERSON_FIELDS}


def person_create(request: HttpRequest) -> HttpResponse:
    """Record a person, after checking for people who may already be recorded."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    form = PersonForm(request.POST or None)
    matches: list[people_selectors.PossibleMatch] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = request.POST.get("existing_person", "")
        if chosen.isdigit():
            return redirect("people:detail", person_id=access_person(request.user, int(chosen)).pk)
        if chosen != "new":
            matches = _check(request, data)
        if not matches:
            try:
                person = people_services.person_create(actor=request.user, **_person_fields(data))
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{person.full_name} has been recorded")
                return redirect("people:detail", person_id=person.pk)
    return render(
        request, "cases/person_form.html", {"form": form, "matches": matches, "creating": True}
    )


def _check(
    request: HttpRequest, data: dict[str, Any], exclude: tuple[int, ...] = ()
) -> list[people_selectors.PossibleMatch]:
    return people_selectors.known_person_candidates(
        actor=request.user,
        given_name=data.get("given_name") or "",
        family_name=data.get("family_name") or "",
        date_of_birth=data.get("date_of_birth"),
        exclude_ids=exclude,
    )


def known_person_check(request: HttpRequest) -> HttpResponse:
    """The known-person panel for htmx (POST with the entry form's fields)."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    if request.method != "POST":
        return redirect("incidents:create")
    form = PersonDetailsForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    matches = (
        _check(request, data) if (data.get("family_name") or data.get("date_of_birth")) else []
    )
    return render(request, "cases/_known_people.html", {"matches": matches, "checked": True})


def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Change a person's details; refused if someone else saved first."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    person = access_person(request.user, person_id, need="edit")
    initial = {f: getattr(person, f) for f in people_services.PERSON_FIELDS} | {
        "version": person.version
    }
    form = PersonForm(request.POST or None, initial=initial)
    stale = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people_services.person_update(
                actor=request.user,
                person=person,
                version=data["version"] or 0,
                **_person_fields(data),
            )
        except people_services.StaleEditError as error:
            form.add_error(None, str(error))
            stale = True
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The person's details have been saved")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request, "cases/person_form.html", {"form": form, "person": person, "stale": stale}
    )


def person_add_name(request: HttpRequest, person_id: int) -> HttpResponse:
    """Record an alias, nickname or previous (maiden) name."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    person = access_person(request.user, person_id, need="edit")
    form = OtherNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            people_services.person_add_name(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The name has been added")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Add another name for {person.full_name}",
            "back": ("people:detail", person.pk),
            "button": "Add name",
        },
    )


def merge_propose(request: HttpRequest, person_id: int) -> HttpResponse:
    """Propose merging a duplicate record into this one (a supervisor approves)."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    survivor = access_person(request.user, person_id, need="edit")
    if not can_merge_into(request.user, survivor):
        raise PermissionDenied("only records your organisation holds can be merged")
    form = MergeProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicate = access_person(request.user, form.cleaned_data["duplicate"], need="edit")
            people_services.merge_propose(
                actor=request.user,
                survivor=survivor,
                duplicate=duplicate,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error("duplicate", "There is no person with that record number you can merge")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The merge has been proposed: a supervisor will review it")
            return redirect("people:detail", person_id=survivor.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Merge a duplicate into {survivor.full_name}",
            "back": ("people:detail", survivor.pk),
            "button": "Propose merge",
        },
    )


def merge_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """A supervisor approves (merging the records) or rejects a merge proposal."""
    membership = require_capability(request.user, Capability.SUPERVISE_CASES)
    try:
        proposal = MergeProposal.objects.select_related("survivor", "duplicate", "proposed_by").get(
            pk=proposal_id, organisation_id=membership.organisation_id
        )
    except MergeProposal.DoesNotExist:
        raise Http404("No such proposal") from None
    form = MergeDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                case_services.person_merge_approve(
                    actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "The records have been merged")
            else:
                people_services.merge_reject(
                    actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "The merge has been rejected")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("people:detail", person_id=proposal.survivor_id)
    return render(request, "cases/merge_decide.html", {"form": form, "proposal": proposal})


# --- Places ------------------------------------------------------------------------------


def place_create(request: HttpRequest) -> HttpResponse:
    """Record a place."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            place = place_services.place_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The place has been recorded")
            return redirect("places:detail", place_id=place.pk)
    return render(
        request,
        "cases/simple_form.html",
        {"form": form, "title": "Record a place", "button": "Save place"},
    )


def place_detail(request: HttpRequest, place_id: int) -> HttpResponse:
    """A place's page: address, geography, flags and its incidents the member may see."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    access_place(request.user, place_id)
    purpose = purpose_for(request, "place", place_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    place = place_selectors.place_detail(actor=request.user, place_id=place_id, purpose=purpose)
    from saferhub.incidents.access import incidents_visible_to

    incidents = incidents_visible_to(request.user).filter(place=place).order_by("-occurred_at")[:50]
    return render(
        request,
        "cases/place_detail.html",
        {
            "place": place,
            "flags": flags.place_flags(actor=request.user, place_id=place.pk),
            "incidents": incidents,
        },
    )


# --- Incidents ---------------------------------------------------------------------------


def _place_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [
        (p.pk, str(p) or f"Place {p.pk}")
        for p in places_visible_to(request.user).order_by("-pk")[:100]
    ]


def incident_create(request: HttpRequest) -> HttpResponse:
    """Record an incident and the first person involved, checking for people who may
    already be recorded (link rather than duplicate). Works without JavaScript: "Check for
    existing people" posts the form and shows the panel; htmx fills it as the member types."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    form = IncidentForm(request.POST or None, places=_place_choices(request))
    matches: list[people_selectors.PossibleMatch] = []
    checked = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = request.POST.get("existing_person", "")
        has_new_person = bool(
            (data.get("given_name") or "").strip() or (data.get("family_name") or "").strip()
        )
        if (
            has_new_person
            and not chosen.isdigit()
            and (request.POST.get("action") == "check" or chosen != "new")
        ):
            matches = _check(request, data)
            checked = True
            if matches and request.POST.get("action") != "check":
                form.add_error(
                    None, "Choose whether the person is one of the people already recorded"
                )
        if (
            form.is_valid()
            and request.POST.get("action") != "check"
            and not (matches and chosen != "new")
        ):
            try:
                incident = _record_incident(request, form, chosen, has_new_person)
            except ValidationError as error:
                add_service_errors(form, error)
            except Http404:
                form.add_error(None, "The person you chose is no longer available")
            else:
                messages.success(request, "The incident has been recorded")
                return redirect("incidents:detail", incident_id=incident.pk)
    return render(
        request, "cases/incident_form.html", {"form": form, "matches": matches, "checked": checked}
    )


@transaction.atomic
def _record_incident(
    request: HttpRequest, form: IncidentForm, chosen: str, has_new_person: bool
) -> Any:
    data = form.cleaned_data
    people: list[tuple[Person, str]] = []
    if chosen.isdigit():
        people.append((access_person(request.user, int(chosen)), data["role"]))
    elif has_new_person:
        person = people_services.person_create(
            actor=request.user,
            given_name=data.get("given_name") or "",
            family_name=data.get("family_name") or "",
            date_of_birth=data.get("date_of_birth"),
            approximate_age=data.get("approximate_age"),
            gender=data.get("gender") or "not_known",
        )
        people.append((person, data["role"]))
    place = Place.objects.get(pk=data["place"]) if data.get("place") else None
    return incident_services.incident_record(
        actor=request.user,
        occurred_at=form.occurred_at(),
        category=data["category"],
        reference=data.get("reference") or "",
        hate_strand=data.get("hate_strand") or "",
        markers=data.get("markers") or [],
        narrative=data.get("narrative") or "",
        place=place,
        people=people,
    )


def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    """An incident: what, when, where, who (people the member may see) and their flags."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    access_incident(request.user, incident_id)
    purpose = purpose_for(request, "incident", incident_id)
    if isinstance(purpose, HttpResponse):
        return purpose
    incident = incident_selectors.incident_detail(
        actor=request.user, incident_id=incident_id, purpose=purpose
    )
    involvements = incident_selectors.involvements_visible(actor=request.user, incident=incident)
    people_flags = flags.people_flags(
        actor=request.user, person_ids=sorted({i.person_id for i in involvements})
    )
    place_flags = (
        flags.place_flags(actor=request.user, place_id=incident.place_id)
        if incident.place_id
        and places_visible_to(request.user).filter(pk=incident.place_id).exists()
        else ()
    )
    return render(
        request,
        "cases/incident_detail.html",
        {
            "incident": incident,
            "involvements": [(i, people_flags[i.person_id]) for i in involvements],
            "place_flags": place_flags,
            "place_visible": bool(
                incident.place_id
                and places_visible_to(request.user).filter(pk=incident.place_id).exists()
            ),
            "may_add": can_add_people(request.user, incident),
        },
    )


def incident_add_person(request: HttpRequest, incident_id: int) -> HttpResponse:
    """Add another person to an incident, with the known-person check."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    incident = access_incident(request.user, incident_id)
    if not can_add_people(request.user, incident):
        raise PermissionDenied("only the recording organisation adds people to an incident")
    form = AddPersonForm(request.POST or None)
    matches: list[people_selectors.PossibleMatch] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = request.POST.get("existing_person", "")
        if not chosen.isdigit() and chosen != "new":
            matches = _check(
                request,
                data,
                exclude=tuple(incident.involvements.values_list("person_id", flat=True)),
            )
        if not matches or chosen == "new":
            try:
                with transaction.atomic():
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
                    incident_services.incident_add_person(
                        actor=request.user, incident=incident, person=person, role=data["role"]
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The person has been added to the incident")
                return redirect("incidents:detail", incident_id=incident.pk)
    return render(
        request,
        "cases/add_person.html",
        {
            "form": form,
            "matches": matches,
            "title": "Add a person to the incident",
            "back": ("incidents:detail", incident.pk),
        },
    )
