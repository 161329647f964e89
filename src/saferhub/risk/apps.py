from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "saferhub.risk"
    label = "risk"
