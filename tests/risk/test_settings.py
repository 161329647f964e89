"""A partnership's settings page: the automatic flag thresholds (cases) beside the DASH and
ASB grade thresholds, review intervals and Community Trigger rules (risk). Rules validation
without a database, the services (locking, audit with old and new values, both saved or
neither), who may use the page, and new values taking effect on the flags shown next."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from saferhub.audit.models import AuditEvent
from saferhub.cases import services as case_services
from saferhub.cases.flags import flag_rules_for, person_flags
from saferhub.cases.models import PartnershipFlagRules
from saferhub.organisations import services as organisation_services
from saferhub.organisations.models import Partnership
from saferhub.organisations.rules import Role
from saferhub.risk import rules, services
from saferhub.risk.models import RiskSettings
from tests.cases import factories as f

DASH_MAX, ASB_MAX = 24, 35


def risk_values(**changes: object) -> dict[str, object]:
    defaults = {n: getattr(rules.DEFAULT_THRESHOLDS, n) for n in services.SETTINGS_FIELDS}
    return {**defaults, **changes}


# --- rules (no database) -------------------------------------------------------------------


def test_default_thresholds_are_valid() -> None:
    assert rules.thresholds_problems(risk_values(), dash_max=DASH_MAX, asb_max=ASB_MAX) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"dash_high_from": 10},
            "dash_high_from",
            "DASH: the high risk score must be more than the medium risk score",
        ),
        (
            {"dash_medium_from": 15},
            "dash_high_from",
            "DASH: the high risk score must be more than the medium risk score",
        ),
        ({"dash_medium_from": 0}, "dash_medium_from", "DASH: Medium must start at 1 or more"),
        (
            {"dash_high_from": 25},
            "dash_high_from",
            "DASH: High must start at 24 or less, the highest possible score",
        ),
        (
            {"asb_high_from": 12},
            "asb_high_from",
            "ASB risk: the high risk score must be more than the medium risk score",
        ),
        (
            {"asb_high_from": 36},
            "asb_high_from",
            "ASB risk: High must start at 35 or less, the highest possible score",
        ),
        (
            {"asb_review_days_high": 0},
            "asb_review_days_high",
            "Days between reviews of a High risk ASB case must be between 1 and 365",
        ),
        (
            {"asb_review_days_standard": 366},
            "asb_review_days_standard",
            "Days between reviews of a Standard risk ASB case must be between 1 and 365",
        ),
        (
            {"trigger_complaints": 21},
            "trigger_complaints",
            "Community Trigger: qualifying complaints needed must be between 1 and 20",
        ),
        (
            {"trigger_application_within_months": 25},
            "trigger_application_within_months",
            "Community Trigger: months from the complaint to the application must be between "
            "1 and 24",
        ),
        ({"dash_medium_from": "10"}, "dash_medium_from", "Enter a whole number, like 10"),
        (
            {"trigger_hate_counts": "yes"},
            "trigger_hate_counts",
            "Select whether a hate-motivated complaint meets the threshold",
        ),
    ],
)
def test_thresholds_problems(changes: dict[str, object], field: str, message: str) -> None:
    problems = rules.thresholds_problems(risk_values(**changes), dash_max=DASH_MAX, asb_max=ASB_MAX)
    assert problems == {field: message}


def test_thresholds_at_the_edges_are_allowed() -> None:
    edges = risk_values(
        dash_medium_from=1,
        dash_high_from=24,
        asb_medium_from=34,
        asb_high_from=35,
        asb_review_days_high=1,
        asb_review_days_standard=365,
        trigger_complaints=20,
        trigger_complaint_within_months=24,
    )
    assert rules.thresholds_problems(edges, dash_max=DASH_MAX, asb_max=ASB_MAX) == {}


# --- services ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_flag_rules_change_is_locked_validated_and_audited(
    make_member: Any, partnership: Any
) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    stored = case_services.flag_rules_change(
        actor=admin.user,
        partnership=partnership,
        values={"repeat_victim_count": 4, "escalation_months": 6},
        version=1,
    )
    assert (stored.repeat_victim_count, stored.escalation_months, stored.version) == (4, 6, 2)
    assert stored.repeat_location_count == 3  # untouched settings keep their values
    event = AuditEvent.objects.get(action="flag_rules.changed")
    assert event.operation == "none" and event.target_id == str(partnership.pk)
    assert event.payload["changed"] == {
        "repeat_victim_count": {"old": 3, "new": 4},
        "escalation_months": {"old": 12, "new": 6},
    }
    with pytest.raises(case_services.StaleEditError):
        case_services.flag_rules_change(
            actor=admin.user, partnership=partnership, values={"marac_months": 6}, version=1
        )
    with pytest.raises(ValidationError) as error:
        case_services.flag_rules_change(
            actor=admin.user,
            partnership=partnership,
            values={"repeat_victim_count": 1, "marac_months": 0},
            version=2,
        )
    assert set(error.value.message_dict) == {"repeat_victim_count", "marac_months"}
    unchanged = PartnershipFlagRules.objects.get(partnership=partnership)
    assert (unchanged.repeat_victim_count, unchanged.marac_months, unchanged.version) == (4, 12, 2)
    # saving the same values changes nothing and records nothing
    case_services.flag_rules_change(
        actor=admin.user, partnership=partnership, values={"repeat_victim_count": 4}, version=2
    )
    assert AuditEvent.objects.filter(action="flag_rules.changed").count() == 1


@pytest.mark.django_db
def test_only_administrators_of_the_partnership_change_settings(
    make_member: Any, partnership: Any
) -> None:
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR, Role.ANALYST):
        member = make_member(role)
        with pytest.raises(PermissionDenied):
            case_services.flag_rules_change(
                actor=member.user, partnership=partnership, values={}, version=1
            )
    elsewhere = organisation_services.partnership_create(
        actor=None, name="Elsewhere CSP", kind=Partnership.Kind.CSP, require_two_factor=False
    )
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        case_services.flag_rules_change(
            actor=admin.user, partnership=elsewhere, values={}, version=1
        )
    with pytest.raises(PermissionDenied):
        services.risk_settings_change(actor=admin.user, partnership=elsewhere, values={}, version=1)
    assert not PartnershipFlagRules.objects.exists() and not RiskSettings.objects.exists()


@pytest.mark.django_db
def test_risk_settings_change_records_old_and_new_values(
    make_member: Any, partnership: Any
) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    services.risk_settings_change(
        actor=admin.user,
        partnership=partnership,
        values={"dash_medium_from": 8, "dash_high_from": 12, "asb_review_days_high": 7},
        version=1,
    )
    event = AuditEvent.objects.get(action="risk_settings.changed")
    assert event.payload["changed"] == {
        "dash_medium_from": {"old": 10, "new": 8},
        "dash_high_from": {"old": 14, "new": 12},
        "asb_review_days_high": {"old": 14, "new": 7},
    }
    with pytest.raises(ValidationError, match="highest possible score"):
        services.risk_settings_change(
            actor=admin.user, partnership=partnership, values={"dash_high_from": 25}, version=2
        )


@pytest.mark.django_db
def test_the_settings_page_saves_both_or_neither(make_member: Any, partnership: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    with pytest.raises(ValidationError) as error:
        services.partnership_settings_change(
            actor=admin.user,
            partnership=partnership,
            flag_values={"repeat_victim_count": 5},
            flag_version=1,
            risk_values={"dash_high_from": 9},
            risk_version=1,
        )
    assert set(error.value.message_dict) == {"dash_high_from"}
    # the valid flag change was not kept either
    assert not PartnershipFlagRules.objects.filter(repeat_victim_count=5).exists()
    assert not AuditEvent.objects.filter(action__endswith=".changed").exists()
    services.partnership_settings_change(
        actor=admin.user,
        partnership=partnership,
        flag_values={"repeat_victim_count": 5},
        flag_version=1,
        risk_values={"dash_high_from": 15},
        risk_version=1,
    )
    assert PartnershipFlagRules.objects.get(partnership=partnership).repeat_victim_count == 5
    assert RiskSettings.objects.get(partnership=partnership).dash_high_from == 15
    with pytest.raises(services.StaleEditError):
        services.partnership_settings_change(
            actor=admin.user,
            partnership=partnership,
            flag_values={"repeat_victim_count": 6},
            flag_version=1,
            risk_values={},
            risk_version=2,
        )


@pytest.mark.django_db
def test_new_thresholds_apply_to_the_next_flags_shown(make_member: Any, partnership: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    worker = make_member(Role.CASEWORKER)
    victim = f.person(worker)
    for days in (5, 50):
        f.incident(worker, [(victim, "victim")], days_ago=days)
    kinds = {x.kind for x in person_flags(actor=worker.user, person_id=victim.pk).flags}
    assert "repeat_victim" not in kinds
    case_services.flag_rules_change(
        actor=admin.user, partnership=partnership, values={"repeat_victim_count": 2}, version=1
    )
    assert flag_rules_for(worker.user).repeat_victim_count == 2
    flags = person_flags(actor=worker.user, person_id=victim.pk).flags
    flag = next(x for x in flags if x.kind == "repeat_victim")
    assert flag.explanation == "Victim of 2 ASB incidents in the last 3 months"
    case_services.flag_rules_change(
        actor=admin.user, partnership=partnership, values={"repeat_victim_months": 1}, version=2
    )
    kinds = {x.kind for x in person_flags(actor=worker.user, person_id=victim.pk).flags}
    assert "repeat_victim" not in kinds  # the 50-day-old incident is now outside the window


# --- the page -------------------------------------------------------------------------------


def page_values(partnership: Any, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "partnership": partnership.pk,
        "version": 1,
        "flag_version": 1,
        "repeat_victim_count": 3,
        "repeat_victim_months": 3,
        "repeat_perpetrator_count": 3,
        "repeat_perpetrator_months": 12,
        "repeat_location_count": 3,
        "repeat_location_months": 3,
        "escalation_count": 3,
        "escalation_months": 12,
        "marac_months": 12,
        "dash_medium_from": 10,
        "dash_high_from": 14,
        "asb_medium_from": 12,
        "asb_high_from": 22,
        "asb_review_days_high": 14,
        "asb_review_days_medium": 28,
        "asb_review_days_standard": 28,
        "trigger_complaints": 3,
        "trigger_complaint_within_months": 1,
        "trigger_application_within_months": 6,
        "trigger_hate_counts": "true",
    }
    return {**values, **changes}


@pytest.mark.django_db
def test_settings_page(make_member: Any, partnership: Any) -> None:
    admin = make_member(Role.PARTNERSHIP_ADMINISTRATOR)
    client = Client()
    client.force_login(admin.user)
    page = client.get("/risk/settings").content.decode()
    for text in (
        "Repeat victim",
        "Repeat perpetrator",
        "Repeat location",
        "Potential escalation",
        "MARAC referral",
        "Standard up to 9 yes answers, Medium 10 to 13, High 14 or more",
        "new values apply to every flag shown from the moment you save",
    ):
        assert text in page, text
    response = client.post(
        "/risk/settings",
        page_values(partnership, repeat_location_count=4, marac_months=6, dash_medium_from=9),
    )
    assert response.status_code == 302
    rules_row = PartnershipFlagRules.objects.get(partnership=partnership)
    assert (rules_row.repeat_location_count, rules_row.marac_months) == (4, 6)
    assert RiskSettings.objects.get(partnership=partnership).dash_medium_from == 9
    assert "Standard up to 8 yes answers" in client.get(response["Location"]).content.decode()
    # bad input: field errors in the summary, nothing saved
    bad = client.post(
        "/risk/settings",
        page_values(
            partnership,
            version=2,
            flag_version=2,
            repeat_victim_count=1,
            escalation_months="twelve",
            asb_high_from=10,
            marac_months="",
        ),
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in body
    for message in (
        "The number of ASB incidents for a repeat victim must be between 2 and 50",
        "The months for potential escalation must be a whole number, like 3",
        "ASB risk: the high risk score must be more than the medium risk score",
        "Enter the months to look back for a MARAC referral",
    ):
        assert message in body, message
    assert PartnershipFlagRules.objects.get(partnership=partnership).version == 2
    # a page opened before someone else saved is refused
    stale = client.post("/risk/settings", page_values(partnership, repeat_location_count=5))
    assert "Someone else changed these settings" in stale.content.decode()
    assert PartnershipFlagRules.objects.get(partnership=partnership).repeat_location_count == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR, Role.ANALYST]
)
def test_other_roles_get_403(make_member: Any, partnership: Any, role: Role) -> None:
    member = make_member(role)
    client = Client()
    client.force_login(member.user)
    assert client.get("/risk/settings").status_code == 403
    assert client.post("/risk/settings", page_values(partnership)).status_code == 403
    assert not PartnershipFlagRules.objects.exists()
    assert "/risk/settings" not in client.get("/").content.decode()
