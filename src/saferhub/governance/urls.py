from django.urls import path

from saferhub.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("subject-access", views.subject_access_start, name="subject-access-start"),
    path("people/<int:person_id>/viewers", views.person_viewers, name="person-viewers"),
    path("people/<int:person_id>/subject-access", views.subject_access, name="subject-access"),
    path("retention", views.retention, name="retention"),
    path("retention/<slug:record_type>/<int:record_id>/erase", views.erase, name="erase"),
]
