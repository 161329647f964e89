from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "saferhub.marac"
    label = "marac"

    def ready(self) -> None:
        """Feed the MARAC flag and the person timeline; follow person merges; offer "Refer to
        MARAC" on the case page to members who may refer it (the referral form's own rule)."""
        from django.urls import reverse

        from saferhub.cases import extensions
        from saferhub.cases.extensions import RecordAction
        from saferhub.marac import selectors, services
        from saferhub.risk.access import can_assess

        extensions.register_marac_referrals(selectors.visible_referral_dates)
        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
        extensions.register_case_action(
            RecordAction(
                "marac-referral",
                "Refer to MARAC",
                lambda pk: f"{reverse('marac:referral-new')}?case={pk}",
                can_assess,  # marac.views.referral_new: risk.access.access_case_to_assess
            )
        )
