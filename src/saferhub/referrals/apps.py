from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "saferhub.referrals"
    label = "referrals"

    def ready(self) -> None:
        """Feed the person timeline; follow person merges; offer "Refer to another service"
        on the person page to members who may send referrals (referrals.access.can_send)."""
        from django.urls import reverse

        from saferhub.cases import extensions
        from saferhub.cases.extensions import RecordAction
        from saferhub.referrals import access, selectors, services

        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
        extensions.register_person_action(
            RecordAction(
                "refer",
                "Refer to another service",
                lambda pk: f"{reverse('referrals:new')}?person={pk}",
                lambda user, person: access.can_send(user),
            )
        )
