from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "saferhub.risk"
    label = "risk"

    def ready(self) -> None:
        """Give the person page its assessments and the Community Trigger check, the case
        page its assessment links (each only for members who may use it), and move
        assessments when people are merged."""
        from django.urls import reverse

        from saferhub.cases import extensions
        from saferhub.cases.extensions import RecordAction
        from saferhub.risk import access, selectors, services

        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
        extensions.register_case_action(
            RecordAction(
                "risk-assessments",
                "Risk assessments",
                lambda pk: reverse("risk:case-assessments", args=[pk]),
                lambda user, case: True,  # everyone who sees the case sees its grades
            )
        )
        extensions.register_case_action(
            RecordAction(
                "dash",
                "Complete a DASH checklist",
                lambda pk: reverse("risk:dash-new", args=[pk]),
                access.can_assess,
            )
        )
        extensions.register_case_action(
            RecordAction(
                "asb",
                "Complete an ASB risk assessment",
                lambda pk: reverse("risk:asb-new", args=[pk]),
                access.can_assess,
            )
        )
        extensions.register_person_action(
            RecordAction(
                "community-trigger",
                "Community Trigger check",
                lambda pk: reverse("risk:community-trigger", args=[pk]),
                lambda user, person: True,  # the check needs only to see the person
            )
        )
