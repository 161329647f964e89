from django.urls import path

from saferhub.performance import views

app_name = "performance"
urlpatterns = [
    path("", views.index, name="index"),
    path("data-status/", views.data_status, name="data-status"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/indicators/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("<slug:slug>/areas/<str:area_code>/", views.area, name="area"),
]
