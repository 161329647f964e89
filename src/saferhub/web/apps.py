from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "saferhub.web"
    label = "web"
