from django.apps import AppConfig


class DataloadsConfig(AppConfig):
    name = "saferhub.dataloads"
    label = "dataloads"
