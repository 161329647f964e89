from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "saferhub.governance"
    label = "governance"

    def ready(self) -> None:
        # The sharing app sits below the record apps, so they are registered from here.
        from saferhub.governance import records

        records.register_core_record_types()
