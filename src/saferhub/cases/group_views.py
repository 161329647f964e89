"""Group pages (issue 4, item 1: "a group of young people involved in ASB"): the groups a
member may see, creating one, its page with the members the member may see, changing its
name and description, adding members through the person search and taking them out, and
adding a person to a group from their page.

A group belongs to the organisation that created it, like a person record (people.access):
another organisation's group is a 404 exactly like a missing one, and a member the viewer
may not see is neither listed nor counted. Thin views: access, purpose, selector or
service, render. They live beside the other record pages in cases (record_views) because
they share its purpose mechanism and forms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from saferhub.cases.forms import AddToGroupForm, GroupForm, GroupMemberForm
from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.organisations.access import require_capability
from saferhub.organisations.rules import Capability
from saferhub.people import selectors as people_selectors
from saferhub.people import services as people_services
from saferhub.people.access import (
    access_group,
    access_person,
    can_create_groups,
    can_edit_group,
)
from saferhub.people.models import Person, PersonGroup


def group_list(request: HttpRequest) -> HttpResponse:
    """The groups the member may see, A to Z, with a link to create one."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    groups = people_selectors.groups_page(actor=request.user, page=request.GET.get("page"))
    return render(
        request,
        "cases/group_list.html",
        {"groups": groups, "may_create": can_create_groups(request.user)},
    )


def group_create(request: HttpRequest) -> HttpResponse:
    """Create a group owned by the member's organisation."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            group = people_services.group_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The group {group.name} has been created")
            return redirect("groups:detail", group_id=group.pk)
    return render(
        request,
        "cases/simple_form.html",
        {"form": form, "title": "Create a group", "button": "Create group"},
    )


def _group_page(
    request: HttpRequest,
    group: PersonGroup,
    purpose: str,
    *,
    member_form: GroupMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = people_selectors.group_detail(actor=request.user, group_id=group.pk, purpose=purpose)
    may_edit = can_edit_group(request.user, group)
    text = (request.GET.get("q") or "").strip()[:100]
    results: Page[Person] | None = None
    if may_edit and text:
        results = people_selectors.people_search(
            actor=request.user, text=text, page=request.GET.get("page")
        )
    return render(
        request,
        "cases/group_detail.html",
        {
            "group": view.group,
            "members": view.members,
            "member_ids": {p.pk for p in view.members},
            "may_edit": may_edit,
            "text": text,
            "results": results,
            "member_form": member_form,
        },
        status=status,
    )


def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's page: its name, description and the members the member may see; those who
    may change it search for people to add and take members out here."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    group = access_group(request.user, group_id)
    purpose = purpose_for(request, "group", group.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    return _group_page(request, group, purpose)


def group_edit(request: HttpRequest, group_id: int) -> HttpResponse:
    """Change the group's name and description; refused if someone else saved first."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    group = access_group(request.user, group_id, need="edit")
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        initial={"name": group.name, "description": group.description, "version": group.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people_services.group_update(
                actor=request.user,
                group=group,
                version=form.cleaned_data["version"] or 0,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except people_services.StaleEditError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The group has been saved")
            return redirect("groups:detail", group_id=group.pk)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "title": f"Change {group.name}",
            "back": ("groups:detail", group.pk),
            "button": "Save changes",
        },
    )


@require_POST
def group_add_member(request: HttpRequest, group_id: int) -> HttpResponse:
    """Add a person chosen from the search to the group (a person the member may see)."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    group = access_group(request.user, group_id, need="edit")
    form = GroupMemberForm(request.POST)
    if form.is_valid():
        person = access_person(request.user, form.cleaned_data["person"])
        try:
            people_services.group_add_member(actor=request.user, group=group, person=person)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} has been added to the group")
            return redirect("groups:detail", group_id=group.pk)
    purpose = purpose_for(request, "group", group.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    return _group_page(request, group, purpose, member_form=form, status=400)


@require_POST
def group_remove_member(request: HttpRequest, group_id: int, person_id: int) -> HttpResponse:
    """Take a member the member may see out of the group."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    group = access_group(request.user, group_id, need="edit")
    person = access_person(request.user, person_id)
    people_services.group_remove_member(actor=request.user, group=group, person=person)
    messages.success(request, f"{person.full_name} has been taken out of the group")
    return redirect("groups:detail", group_id=group.pk)


def person_add_to_group(request: HttpRequest, person_id: int) -> HttpResponse:
    """Add the person to one of the groups the member may change."""
    require_capability(request.user, Capability.EDIT_PERSONAL_RECORDS)
    person = access_person(request.user, person_id)
    purpose = purpose_for(request, "person", person.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    groups = people_selectors.groups_to_add_to(actor=request.user, person=person)
    form = AddToGroupForm(
        request.POST if request.method == "POST" else None,
        groups=[(g.pk, g.name) for g in groups],
    )
    if request.method == "POST" and form.is_valid():
        group = access_group(request.user, form.cleaned_data["group"], need="edit")
        try:
            people_services.group_add_member(actor=request.user, group=group, person=person)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.full_name} has been added to {group.name}")
            return redirect("people:detail", person_id=person.pk)
    context: dict[str, Any] = {"form": form, "person": person, "groups": groups}
    return render(request, "cases/person_add_to_group.html", context)
