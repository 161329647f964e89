from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "saferhub.incidents"
    label = "incidents"
