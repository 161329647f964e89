"""The purpose-of-access page (mounted at /purpose/)."""

from django.urls import path

from saferhub.cases import purpose_views

app_name = "purpose"
urlpatterns = [path("", purpose_views.ask, name="ask")]
