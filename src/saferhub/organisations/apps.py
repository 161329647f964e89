from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "saferhub.organisations"
    label = "organisations"
    verbose_name = "Partnerships and organisations"
