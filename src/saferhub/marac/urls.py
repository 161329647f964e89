"""MARAC pages (mounted at /marac/)."""

from django.urls import path

from saferhub.marac import views

app_name = "marac"
urlpatterns = [
    path("", views.home, name="home"),
    path("referrals/new", views.referral_new, name="referral-new"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral-detail"),
    path("meetings/new", views.meeting_new, name="meeting-new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/agenda", views.agenda_add, name="agenda-add"),
    path("meetings/<int:meeting_id>/minutes", views.minutes, name="minutes"),
    path("items/<int:item_id>/remove", views.agenda_remove, name="agenda-remove"),
    path("items/<int:item_id>/research", views.research_add, name="research-add"),
    path("items/<int:item_id>/actions", views.action_add, name="action-add"),
    path("actions/<int:action_id>/complete", views.action_complete, name="action-complete"),
    path("data-form", views.data_form, name="data-form"),
]
