"""Risk pages (mounted at /risk/)."""

from django.urls import path

from saferhub.risk import views

app_name = "risk"
urlpatterns = [
    path("settings", views.risk_settings, name="settings"),
    path("cases/<int:case_id>/", views.case_assessments, name="case-assessments"),
    path("cases/<int:case_id>/dash/new", views.assessment_new, {"kind": "dash"}, name="dash-new"),
    path("cases/<int:case_id>/asb/new", views.assessment_new, {"kind": "asb"}, name="asb-new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment-detail"),
    path(
        "people/<int:person_id>/community-trigger",
        views.community_trigger,
        name="community-trigger",
    ),
]
