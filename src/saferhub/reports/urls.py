"""Board report pages for members (under /reports/)."""

from django.urls import path

from saferhub.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("<slug:slug>/", views.report_choose, name="choose"),
    path("<slug:slug>/<str:token>/", views.report_detail, name="detail"),
    path("<slug:slug>/<str:token>/report.<str:fmt>", views.report_download, name="download"),
    path(
        "<slug:slug>/<str:token>/commentary/<slug:indicator_id>",
        views.commentary_edit,
        name="commentary",
    ),
    path("<slug:slug>/<str:token>/publish", views.report_publish, name="publish"),
]
