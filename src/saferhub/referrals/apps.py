from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "saferhub.referrals"
    label = "referrals"

    def ready(self) -> None:
        """Feed the person timeline; follow person merges."""
        from saferhub.cases import extensions
        from saferhub.referrals import selectors, services

        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
