from django.urls import path

from saferhub.casework_mi import views

app_name = "casework_mi"
urlpatterns = [
    path("", views.figures, name="figures"),
    path("figures.csv", views.figures_csv, name="figures-csv"),
]
