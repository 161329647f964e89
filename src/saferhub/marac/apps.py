from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "saferhub.marac"
    label = "marac"

    def ready(self) -> None:
        """Feed the MARAC flag and the person timeline; follow person merges."""
        from saferhub.cases import extensions
        from saferhub.marac import selectors, services

        extensions.register_marac_referrals(selectors.visible_referral_dates)
        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
