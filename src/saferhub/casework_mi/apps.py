from django.apps import AppConfig


class CaseworkMiConfig(AppConfig):
    name = "saferhub.casework_mi"
    label = "casework_mi"
    verbose_name = "Casework management information"
