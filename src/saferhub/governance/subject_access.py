"""The content of a subject access request (SAR) export: everything one organisation holds
about one person, as plain frozen data that the JSON, HTML and PDF formats all render.

Only records the requesting organisation owns are included (the person record, their other
names, the incidents it recorded that involve them, the cases it leads that link them, with
their notes, actions, reviews and documents list, and the assessments and referrals about
them). Other people's names are left out (third-party data); the export says how many other
people each incident or case involves, so the disclosure officer knows what to review.

Each section is built by one function in SECTION_BUILDERS; an app that holds more about a
person (risk assessments, MARAC, referrals) adds a builder there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from saferhub.cases.models import Case
from saferhub.incidents.models import Incident
from saferhub.incidents.rules import MARKER_LABELS, Marker
from saferhub.marac.models import MaracReferral
from saferhub.organisations.models import Organisation
from saferhub.people.models import Person
from saferhub.referrals.models import Referral
from saferhub.risk.models import Assessment


@dataclass(frozen=True)
class Table:
    """A list of items under a record, such as a case's notes."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Entry:
    """One record: a heading, its fields in order, and its lists."""

    heading: str
    fields: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Section:
    """One kind of record, with every record of that kind about the person."""

    key: str
    title: str
    entries: tuple[Entry, ...]
    note: str = ""


@dataclass(frozen=True)
class SubjectAccessExport:
    """Everything the organisation holds about the person."""

    person_id: int
    organisation: str
    generated_at: datetime.datetime
    generated_by: str
    purpose: str
    sections: tuple[Section, ...] = field(default=())

    @property
    def record_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    def as_json_data(self) -> dict[str, Any]:
        """The export as plain JSON-ready data: fields keyed by their labels."""

        def entry(e: Entry) -> dict[str, Any]:
            data: dict[str, Any] = {"heading": e.heading, **dict(e.fields)}
            for table in e.tables:
                data[table.title] = [
                    dict(zip(table.columns, row, strict=True)) for row in table.rows
                ]
            return data

        return {
            "person_id": self.person_id,
            "organisation": self.organisation,
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "purpose": self.purpose,
            "sections": {
                s.key: {"title": s.title, "note": s.note, "records": [entry(e) for e in s.entries]}
                for s in self.sections
            },
        }


def _day(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return f"{value.day} {value:%B %Y, %H:%M}"
    return f"{value.day} {value:%B %Y}"


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _fields(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Fields with a value (empty ones are left out, so the document stays readable)."""
    return tuple((label, value) for label, value in pairs if value)


@dataclass(frozen=True)
class Scope:
    """Whose records, about whom: the organisation and the person (with any person records
    merged into theirs, so the export keeps both histories)."""

    organisation: Organisation
    person: Person
    person_ids: tuple[int, ...]


def person_section(scope: Scope) -> Section:
    """The person record(s) the organisation owns, with other names and groups."""
    people = Person.objects.filter(
        pk__in=scope.person_ids, owner_organisation=scope.organisation
    ).prefetch_related("other_names", "groups")
    entries = []
    for person in people:
        entries.append(
            Entry(
                heading=person.full_name,
                fields=_fields(
                    [
                        ("Record number", str(person.pk)),
                        ("Given name", person.given_name),
                        ("Family name", person.family_name),
                        ("Date of birth", _day(person.date_of_birth)),
                        ("Approximate age", str(person.approximate_age or "")),
                        ("Gender", person.get_gender_display()),
                        ("Ethnicity", person.ethnicity),
                        ("First language", person.first_language),
                        ("Interpreter needed", _yes_no(person.interpreter_needed)),
                        ("Disability", person.disability),
                        ("Vulnerabilities", person.vulnerabilities),
                        ("Phone", person.phone),
                        ("Email", person.email),
                        ("Address", person.address),
                        ("Postcode", person.postcode),
                        ("Safe contact instructions", person.safe_contact_instructions),
                        ("Record created", _day(person.created_at)),
                        ("Record last changed", _day(person.updated_at)),
                        (
                            "Merged into record",
                            str(person.merged_into_id) if person.merged_into_id else "",
                        ),
                    ]
                ),
                tables=tuple(
                    t
                    for t in (
                        Table(
                            "Other names",
                            ("Kind", "Name"),
                            tuple(
                                (n.get_kind_display(), f"{n.given_name} {n.family_name}".strip())
                                for n in person.other_names.all()
                            ),
                        ),
                        Table(
                            "Groups",
                            ("Group",),
                            tuple(
                                (g.name,)
                                for g in person.groups.all()
                                if g.owner_organisation_id == scope.organisation.pk
                            ),
                        ),
                    )
                    if t.rows
                ),
            )
        )
    note = "" if entries else "The person record is held by another organisation."
    return Section("person", "Person record", tuple(entries), note)


def incidents_section(scope: Scope) -> Section:
    """Incidents the organisation recorded that involve the person, with their role."""
    incidents = (
        Incident.objects.filter(
            owner_organisation=scope.organisation, involvements__person_id__in=scope.person_ids
        )
        .distinct()
        .select_related("place")
        .prefetch_related("involvements")
        .order_by("occurred_at", "pk")
    )
    entries = []
    for incident in incidents:
        theirs = [i for i in incident.involvements.all() if i.person_id in scope.person_ids]
        others = {i.person_id for i in incident.involvements.all()} - set(scope.person_ids)
        markers = ", ".join(
            MARKER_LABELS.get(Marker(m), m) if m in Marker._value2member_map_ else m
            for m in incident.markers
        )
        entries.append(
            Entry(
                heading=f"{incident.get_category_display()} on {_day(incident.occurred_at)}",
                fields=_fields(
                    [
                        ("Record number", str(incident.pk)),
                        ("Reference", incident.reference),
                        ("When", _day(incident.occurred_at)),
                        ("Category", incident.get_category_display()),
                        ("Hate crime strand", incident.get_hate_strand_display()),
                        ("Markers", markers),
                        (
                            "Their part",
                            ", ".join(sorted(i.get_role_display() for i in theirs)),
                        ),
                        ("What happened", incident.narrative),
                        ("Place", str(incident.place) if incident.place else ""),
                        ("Other people involved", str(len(others)) if others else ""),
                    ]
                ),
            )
        )
    return Section("incidents", "Incidents", tuple(entries))


def cases_section(scope: Scope) -> Section:
    """Cases the organisation leads that link the person, with notes, actions, reviews and
    the list of documents (their names, not their contents)."""
    cases = (
        Case.objects.filter(
            owner_organisation=scope.organisation, case_people__person_id__in=scope.person_ids
        )
        .distinct()
        .select_related("lead_officer")
        .prefetch_related(
            "case_people", "notes__author", "actions", "reviews", "documents", "events"
        )
        .order_by("opened_at", "pk")
    )
    entries = []
    for case in cases:
        roles = [cp.role for cp in case.case_people.all() if cp.person_id in scope.person_ids]
        others = {cp.person_id for cp in case.case_people.all()} - set(scope.person_ids)
        tables = (
            Table(
                "Notes",
                ("Written", "By", "Note"),
                tuple(
                    (
                        _day(n.created_at),
                        n.author.get_full_name() or n.author.get_username(),
                        n.text,
                    )
                    for n in sorted(case.notes.all(), key=lambda n: (n.created_at, n.pk))
                ),
            ),
            Table(
                "Actions",
                ("Action", "Due", "Completed"),
                tuple(
                    (a.description, _day(a.due_on), _day(a.completed_at))
                    for a in sorted(case.actions.all(), key=lambda a: (a.due_on, a.pk))
                ),
            ),
            Table(
                "Reviews",
                ("Due", "Completed", "Notes"),
                tuple(
                    (_day(r.due_on), _day(r.completed_at), r.notes)
                    for r in sorted(case.reviews.all(), key=lambda r: (r.due_on, r.pk))
                ),
            ),
            Table(
                "History",
                ("When", "What happened"),
                tuple(
                    (_day(e.occurred_at), e.description)
                    for e in sorted(case.events.all(), key=lambda e: (e.occurred_at, e.pk))
                ),
            ),
            Table(
                "Documents",
                ("Name", "Type", "Size (bytes)", "Uploaded"),
                tuple(
                    (d.original_name, d.content_type, str(d.size), _day(d.uploaded_at))
                    for d in sorted(case.documents.all(), key=lambda d: d.pk)
                ),
            ),
        )
        entries.append(
            Entry(
                heading=f"{case.reference}: {case.title}",
                fields=_fields(
                    [
                        ("Reference", case.reference),
                        ("Type", case.get_case_type_display()),
                        ("Title", case.title),
                        ("Summary", case.summary),
                        ("Status", case.get_status_display()),
                        ("Their part", ", ".join(sorted(roles))),
                        ("Opened", _day(case.opened_at)),
                        ("Closed", _day(case.closed_at)),
                        ("Outcome", case.outcome),
                        ("Closure notes", case.closure_notes),
                        ("Other people linked", str(len(others)) if others else ""),
                    ]
                ),
                tables=tuple(t for t in tables if t.rows),
            )
        )
    return Section(
        "cases",
        "Cases",
        tuple(entries),
        "Documents are listed by name; their contents are on the case and must be reviewed "
        "for other people's information before they are disclosed."
        if entries
        else "",
    )


def assessments_section(scope: Scope) -> Section:
    """Risk assessments (DASH, ASB) the organisation made of the person, with the answers
    by question number (the official wording is licensed; the numbers identify them)."""
    assessments = Assessment.objects.filter(
        owner_organisation=scope.organisation, person_id__in=scope.person_ids
    ).order_by("assessed_at", "pk")
    entries = []
    for a in assessments:
        answers = a.answers if isinstance(a.answers, dict) else {}
        entries.append(
            Entry(
                heading=str(a),
                fields=_fields(
                    [
                        ("Kind", a.get_kind_display()),
                        ("Assessed", _day(a.assessed_at)),
                        ("Score", str(a.score)),
                        ("Grade", a.get_grade_display()),
                        ("Calculated grade", a.get_calculated_grade_display()),
                        ("Reasons for professional judgement", a.judgement_reasons),
                        ("Children in the household", str(a.children_in_household or "")),
                        ("Next review", _day(a.review_due_on)),
                    ]
                ),
                tables=tuple(
                    t
                    for t in (
                        Table(
                            "Answers",
                            ("Question", "Answer"),
                            tuple((str(k), str(v)) for k, v in answers.items()),
                        ),
                    )
                    if t.rows
                ),
            )
        )
    return Section("assessments", "Risk assessments", tuple(entries))


def referrals_section(scope: Scope) -> Section:
    """Referrals about the person the organisation sent or received."""
    referrals = (
        Referral.objects.filter(person_id__in=scope.person_ids)
        .filter(Q(from_organisation=scope.organisation) | Q(to_organisation=scope.organisation))
        .select_related("from_organisation", "to_organisation")
        .order_by("sent_at", "pk")
    )
    entries = tuple(
        Entry(
            heading=f"{r.get_service_display()} referral, {_day(r.sent_at)}",
            fields=_fields(
                [
                    ("From", r.from_organisation.name),
                    ("To", r.to_organisation.name),
                    ("Details", r.details),
                    ("Consent", r.get_consent_display()),
                    ("Why consent was overridden", r.consent_override_reason),
                    ("Status", r.get_status_display()),
                    ("Decided", _day(r.decided_at)),
                    ("Reason for the decision", r.decision_reason),
                ]
            ),
        )
        for r in referrals
    )
    return Section("referrals", "Referrals to other services", entries)


def marac_section(scope: Scope) -> Section:
    """MARAC referrals of the person that the organisation made."""
    referrals = MaracReferral.objects.filter(
        victim_id__in=scope.person_ids, referring_organisation=scope.organisation
    ).order_by("referred_on", "pk")
    entries = tuple(
        Entry(
            heading=f"MARAC referral, {_day(r.referred_on)}",
            fields=_fields(
                [
                    ("Referred", _day(r.referred_on)),
                    ("Criterion", r.get_criterion_display()),
                    ("Reasons", r.reasons),
                    ("Repeat referral", _yes_no(r.is_repeat)),
                ]
            ),
        )
        for r in referrals
    )
    return Section("marac", "MARAC referrals", entries)


# Each builder returns one section of the export. Add one for every kind of record an app
# holds about a person; a builder must only read records the scope's organisation owns.
SECTION_BUILDERS: list[Callable[[Scope], Section]] = [
    person_section,
    incidents_section,
    cases_section,
    assessments_section,
    referrals_section,
    marac_section,
]


def build_export(
    *, organisation: Organisation, person: Person, generated_by: str, purpose: str
) -> SubjectAccessExport:
    """Everything `organisation` holds about `person` (and records merged into theirs).

    No access check and no audit here: services.subject_access_export does both.
    """
    merged = Person.objects.filter(merged_into=person).values_list("pk", flat=True)
    scope = Scope(organisation=organisation, person=person, person_ids=(person.pk, *merged))
    return SubjectAccessExport(
        person_id=person.pk,
        organisation=organisation.name,
        generated_at=timezone.now(),
        generated_by=generated_by,
        purpose=purpose,
        sections=tuple(builder(scope) for builder in SECTION_BUILDERS),
    )
