from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "saferhub.risk"
    label = "risk"

    def ready(self) -> None:
        """Give the person page its assessments and move them when people are merged."""
        from saferhub.cases import extensions
        from saferhub.risk import selectors, services

        extensions.register_timeline(selectors.timeline_for_person)
        extensions.register_merge_hook(services.move_to_survivor)
