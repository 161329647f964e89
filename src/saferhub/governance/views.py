"""Information governance pages: the index, who viewed a person, the subject access export,
the retention review and erasure. Thin: access functions, then a selector or a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from saferhub.cases.purpose import purpose_for
from saferhub.core.forms import add_service_errors
from saferhub.governance import rendering, selectors, services
from saferhub.governance.access import (
    access_owned_person,
    require_exporter,
    require_retention_reviewer,
    require_viewer_supervisor,
)
from saferhub.governance.forms import ErasureForm, PersonNumberForm, SubjectAccessForm
from saferhub.governance.records import record_url
from saferhub.organisations.access import has_capability, require_capability
from saferhub.organisations.rules import Capability
from saferhub.people.access import access_person
from saferhub.people.models import Person

VIEWERS_LIMIT = 500


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def index(request: HttpRequest) -> HttpResponse:
    """Links to sharing, retention review and the subject access export."""
    require_capability(request.user, Capability.VIEW_PERSONAL_RECORDS)
    return render(
        request,
        "governance/index.html",
        {
            "form": PersonNumberForm(),
            "can_review": has_capability(request.user, Capability.SUPERVISE_CASES)
            and has_capability(request.user, Capability.EDIT_PERSONAL_RECORDS),
            "can_export": has_capability(request.user, Capability.EXPORT),
        },
    )


def subject_access_start(request: HttpRequest) -> HttpResponse:
    """Go from a person record number to that person's export page."""
    require_exporter(request.user)
    form = PersonNumberForm(request.GET or None)
    if form.is_valid():
        return redirect("governance:subject-access", person_id=form.cleaned_data["person_id"])
    return render(
        request,
        "governance/index.html",
        {"form": form, "can_export": True, "can_review": False},
    )


def person_viewers(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who has viewed the person's records, for supervisors of the owning organisation."""
    require_viewer_supervisor(request.user)
    person = access_owned_person(request.user, person_id)
    purpose = purpose_for(request, "person", person.pk)
    if isinstance(purpose, HttpResponse):
        return purpose
    events = selectors.person_viewers(actor=request.user, person=person, purpose=purpose)
    return _private(
        render(
            request,
            "governance/person_viewers.html",
            {
                "person": person,
                "events": events,
                "limit": VIEWERS_LIMIT,
                "person_url": record_url("person", person.pk),
            },
        )
    )


def subject_access(request: HttpRequest, person_id: int) -> HttpResponse:
    """Ask the purpose and format, then return the export in that format."""
    require_exporter(request.user)
    person = access_person(request.user, person_id)
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export_format = form.cleaned_data["export_format"]
        try:
            export = services.subject_access_export(
                actor=request.user,
                person=person,
                purpose=form.cleaned_data["purpose"],
                export_format=export_format,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if export_format == "json":
                response = HttpResponse(
                    rendering.render_json(export), content_type="application/json"
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="{rendering.filename(export, "json")}"'
                )
            elif export_format == "pdf":
                response = HttpResponse(
                    rendering.render_pdf(export), content_type="application/pdf"
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="{rendering.filename(export, "pdf")}"'
                )
            else:
                response = render(
                    request, "governance/subject_access_page.html", {"export": export}
                )
            return _private(response)
    return render(
        request,
        "governance/subject_access.html",
        {"form": form, "person": person, "person_url": record_url("person", person.pk)},
    )


def retention(request: HttpRequest) -> HttpResponse:
    """The organisation's records past the retention period."""
    membership = require_retention_reviewer(request.user)
    review = selectors.retention_review(actor=request.user, membership=membership)
    return _private(render(request, "governance/retention.html", {"review": review}))


# What erasure removes and keeps, by record type (shown before the member confirms).
ERASURE_EFFECTS = {
    "person": (
        [
            "Names and other names, and any records merged into this one",
            "Date of birth and age",
            "Contact details, address and safe contact instructions",
            "Ethnicity, language, disability and vulnerabilities",
            "Group memberships and the reasons given for merging records",
            "Their part in incidents, and those incidents’ narratives",
            "Incidents and closed cases about them alone, with notes and documents",
            "Their names in the notes and history of cases shared with other people",
            "Risk assessment answers and professional judgement reasons",
            "MARAC referral reasons, research and actions about them",
            "What referrals about them asked, and the reasons given",
            "Addresses linked only to records about them",
        ],
        [
            "An ‘Erased record’ placeholder with gender only",
            "Incidents and cases, with other people’s part in them, for counts",
            "Risk grades, and the MARAC data form figures",
            "The area (LSOA, ward and district) of an erased address",
        ],
    ),
    "case": (
        [
            "Title, summary and closure notes",
            "Notes",
            "Documents (deleted from storage)",
            "Action descriptions, review notes and history",
            "Its risk assessments’ answers and reasons",
            "Its MARAC referrals’ reasons, research and actions",
            "What referrals made with it asked, and the reasons given",
        ],
        ["Case type, status, dates, outcome and lead organisation, for counts"],
    ),
    "incident": (
        ["What happened (the narrative)", "The recording agency’s reference"],
        ["Category, markers, date and place, for counts"],
    ),
}


def erase(request: HttpRequest, record_type: str, record_id: int) -> HttpResponse:
    """Confirm, with a reason, the erasure of one record past its retention period."""
    require_retention_reviewer(request.user)
    record = selectors.record_for_erasure(
        actor=request.user, record_type=record_type, record_id=record_id
    )
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ERASERS[record_type](
                actor=request.user,
                **{record_type: record},
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Erased the {record_type} record")
            return redirect("governance:retention")
    erased, kept = ERASURE_EFFECTS[record_type]
    label = record.full_name if isinstance(record, Person) else str(record)
    return _private(
        render(
            request,
            "governance/erase.html",
            {
                "form": form,
                "record_type": record_type,
                "label": label,
                "erased": erased,
                "kept": kept,
                "today": timezone.localdate(),
            },
        )
    )
