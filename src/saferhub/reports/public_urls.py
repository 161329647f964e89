"""Published reports (under /published/): public, no sign-in, one stable address per
partnership and period; earlier versions keep their own addresses."""

from django.urls import path

from saferhub.reports import views

app_name = "published"
urlpatterns = [
    path("<slug:slug>/", views.public_index, name="index"),
    path("<slug:slug>/<str:token>/", views.public_detail, name="detail"),
    path("<slug:slug>/<str:token>.<str:fmt>", views.public_file, name="file"),
    path("<slug:slug>/<str:token>/v<int:version>/", views.public_version, name="version"),
    path(
        "<slug:slug>/<str:token>/v<int:version>.<str:fmt>",
        views.public_version_file,
        name="version-file",
    ),
]
