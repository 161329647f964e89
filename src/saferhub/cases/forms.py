"""Forms for the case work pages (people, places, incidents, cases), with GOV.UK error
messages. Forms check shape; the services check policy (impossible dates, postcodes,
uploads) and their ValidationErrors are shown on the same fields."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from saferhub.cases.rules import CASE_TYPES, STATUS_LABELS
from saferhub.incidents.rules import CATEGORIES, HATE_STRANDS, MARKER_LABELS, ROLE_LABELS
from saferhub.people.models import Person, PersonName
from saferhub.web.forms import GovukDateField

ROLE_CHOICES = [(r.value, label) for r, label in ROLE_LABELS.items()]


class PersonDetailsForm(forms.Form):
    """Who the person is (used on its own and inside incident entry)."""

    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 1985"
    )
    approximate_age = forms.IntegerField(
        label="Approximate age",
        required=False,
        help_text="If the date of birth is not known",
        error_messages={"invalid": "Approximate age must be a whole number"},
    )
    gender = forms.ChoiceField(label="Gender", choices=Person.Gender.choices, initial="not_known")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("given_name") or "").strip()
            and not (data.get("family_name") or "").strip()
        ):
            self.add_error("family_name", "Enter the person's first name or family name")
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        return data


class PersonForm(PersonDetailsForm):
    """Everything about a person, for recording and editing."""

    ethnicity = forms.CharField(label="Ethnicity", max_length=100, required=False)
    first_language = forms.CharField(label="First language", max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    disability = forms.CharField(label="Disability", max_length=300, required=False)
    vulnerabilities = forms.CharField(
        label="Other vulnerabilities", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    safe_contact_instructions = forms.CharField(
        label="Safe contact instructions",
        help_text="For example: do not call after 5pm, perpetrator at home",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OtherNameForm(forms.Form):
    """Another name the person is or was known by."""

    kind = forms.ChoiceField(
        label="Kind of name",
        choices=PersonName.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of name"},
    )
    given_name = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(label="Family name", max_length=100, required=False)


class MergeProposeForm(forms.Form):
    """Propose that another record is the same person as this one."""

    duplicate = forms.IntegerField(
        label="Record number of the duplicate",
        help_text="The number at the end of the other person's page address",
        error_messages={
            "required": "Enter the record number of the duplicate",
            "invalid": "Enter a record number",
        },
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these are the same person"},
    )


class MergeDecideForm(forms.Form):
    """A supervisor's decision on a merge proposal."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve and merge"), ("reject", "Reject")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select approve or reject"},
    )
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlaceForm(forms.Form):
    """A place: name, address, postcode, UPRN, coordinates, LSOA code."""

    name = forms.CharField(
        label="Name of the place",
        max_length=200,
        required=False,
        help_text="For example: Riverside Park",
    )
    address = forms.CharField(
        label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    uprn = forms.CharField(label="UPRN (if known)", max_length=12, required=False)
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        error_messages={"invalid": "Latitude must be a number, like 52.63"},
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        error_messages={"invalid": "Longitude must be a number, like -1.13"},
    )
    lsoa_code = forms.CharField(
        label="LSOA code (if known)",
        max_length=9,
        required=False,
        help_text="Ward and district are derived from it where the ONS lookup is loaded",
    )


class IncidentForm(PersonDetailsForm):
    """Incident entry: what happened, where, and the first person involved."""

    occurred_on = GovukDateField(
        label="Date of the incident", error_messages={"required": "Enter the date of the incident"}
    )
    occurred_time = forms.TimeField(
        label="Time of the incident",
        required=False,
        help_text="For example, 21:30",
        error_messages={"invalid": "Enter a time like 21:30"},
    )
    category = forms.ChoiceField(
        label="Category",
        choices=[("", "Select a category"), *CATEGORIES],
        error_messages={"required": "Select the category of incident"},
    )
    hate_strand = forms.ChoiceField(
        label="Monitored strand (hate incidents)",
        choices=[("", "Not a hate incident"), *HATE_STRANDS],
        required=False,
    )
    markers = forms.MultipleChoiceField(
        label="Markers",
        choices=[(m.value, label) for m, label in MARKER_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reference = forms.CharField(
        label="Your organisation's reference", max_length=60, required=False
    )
    narrative = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    place = forms.TypedChoiceField(
        label="Place", coerce=int, required=False, empty_value=None, choices=[]
    )
    role = forms.ChoiceField(
        label="Their role", choices=ROLE_CHOICES, widget=forms.RadioSelect, required=False
    )
    existing_person = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = [
        "occurred_on",
        "occurred_time",
        "category",
        "hate_strand",
        "markers",
        "reference",
        "narrative",
        "place",
        "given_name",
        "family_name",
        "date_of_birth",
        "approximate_age",
        "gender",
        "role",
    ]

    def __init__(self, *args: Any, places: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", "No place, or not known"), *places]  # type: ignore[attr-defined]
        self.fields["given_name"].label = "Person's first name"
        self.fields["family_name"].label = "Person's family name"
        for name in ("given_name", "family_name", "gender"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        occurred_on = data.get("occurred_on")
        if occurred_on and occurred_on > timezone.localdate():
            self.add_error("occurred_on", "Date of the incident must be today or in the past")
        elif occurred_on and dob and occurred_on < dob:
            self.add_error(
                "occurred_on", "Date of the incident must be after the person's date of birth"
            )
        has_person = bool(
            (data.get("given_name") or "").strip()
            or (data.get("family_name") or "").strip()
            or data.get("existing_person")
        )
        if has_person and not data.get("role"):
            self.add_error("role", "Select how the person was involved")
        return data

    def occurred_at(self) -> datetime.datetime:
        """The date and time as an aware datetime (midday when no time is given)."""
        time = self.cleaned_data.get("occurred_time") or datetime.time(12, 0)
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["occurred_on"], time)
        )


class AddPersonForm(PersonDetailsForm):
    """Add a person to an incident or case: check for existing people first."""

    role = forms.ChoiceField(
        label="Their role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the person's role"},
    )
    existing_person = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = roles  # type: ignore[attr-defined]


class CaseOpenForm(forms.Form):
    """Open a case."""

    case_type = forms.ChoiceField(
        label="Type of case",
        choices=[(c, t.label) for c, t in CASE_TYPES.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of case"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the case"}
    )
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    lead_officer = forms.TypedChoiceField(label="Lead officer", coerce=int, choices=[])
    person_role = forms.CharField(
        label="Role of the person in the case",
        max_length=30,
        required=False,
        help_text="For example: victim, perpetrator, subject",
    )

    def __init__(self, *args: Any, officers: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].choices = officers  # type: ignore[attr-defined]


class CaseEditForm(forms.Form):
    """Change a case's details (refused if someone else saved first)."""

    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the case"}
    )
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseStatusForm(forms.Form):
    """Put a case on hold or reopen it."""

    status = forms.ChoiceField(
        label="New status",
        choices=[(s.value, label) for s, label in STATUS_LABELS.items() if s.value != "closed"],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the new status"},
    )
    reason = forms.CharField(label="Reason", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseCloseForm(forms.Form):
    """Close a case with an outcome from its type."""

    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={"required": "Select the outcome of the case"},
    )
    notes = forms.CharField(
        label="Closing notes", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, outcomes: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, o) for o in outcomes]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    """A note on a case."""

    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the note"},
    )


class ActionForm(forms.Form):
    """An action with an owner and a due date."""

    description = forms.CharField(
        label="What needs to be done",
        max_length=500,
        error_messages={"required": "Enter what needs to be done"},
    )
    owner = forms.TypedChoiceField(label="Owner", coerce=int, choices=[])
    due_on = GovukDateField(label="Due date", error_messages={"required": "Enter the due date"})

    def __init__(self, *args: Any, officers: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = officers  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    """Record a review."""

    notes = forms.CharField(
        label="What did the review find?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what the review found"},
    )


class DocumentForm(forms.Form):
    """Upload a document to a case."""

    document = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, text, JPG or PNG, smaller than 10MB",
        error_messages={"required": "Select a file"},
    )


class GroupForm(forms.Form):
    """A group's name and description (the version guards against overwriting someone
    else's change)."""

    name = forms.CharField(
        label="Name of the group",
        max_length=200,
        help_text="For example, Riverside Park young people",
        error_messages={
            "required": "Enter a name for the group",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        help_text="What links the group, where and when it is active",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "Description must be 2000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class GroupMemberForm(forms.Form):
    """The person to add to a group (chosen from the person search)."""

    person = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Choose a person to add"}
    )


class AddToGroupForm(forms.Form):
    """The group to add a person to, among the groups the member may change."""

    group = forms.TypedChoiceField(
        label="Which group?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the group to add the person to",
            "invalid_choice": "Select one of the groups listed",
        },
    )

    def __init__(self, *args: Any, groups: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        if isinstance(field, forms.TypedChoiceField):
            field.choices = groups


class SearchForm(forms.Form):
    """Search people, places, cases and groups."""

    q = forms.CharField(
        label="Search",
        max_length=100,
        required=False,
        help_text=(
            "A family name (with a first name if you like), a postcode, a case reference "
            "or part of a group's name"
        ),
    )
    kind = forms.ChoiceField(
        label="Search for",
        choices=[
            ("people", "People"),
            ("places", "Places"),
            ("cases", "Cases"),
            ("groups", "Groups"),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="people",
    )
