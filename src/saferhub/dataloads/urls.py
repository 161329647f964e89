from django.urls import path

from saferhub.dataloads import views

app_name = "dataloads"
urlpatterns = [
    path("", views.load_list, name="load-list"),
    path("upload", views.upload, name="upload"),
    path("loads/<int:load_id>/", views.load_detail, name="load-detail"),
    path("loads/<int:load_id>/progress", views.load_progress, name="load-progress"),
]
