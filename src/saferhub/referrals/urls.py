"""Referral pages (mounted at /referrals/)."""

from django.urls import path

from saferhub.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/withdraw", views.referral_withdraw, name="withdraw"),
]
