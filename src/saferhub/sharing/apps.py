from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "saferhub.sharing"
    label = "sharing"
