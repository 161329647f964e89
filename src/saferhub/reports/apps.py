from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "saferhub.reports"
    label = "reports"
