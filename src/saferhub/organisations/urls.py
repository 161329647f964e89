from django.urls import path

from saferhub.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("add", views.member_add, name="member-add"),
    path("<int:membership_id>/", views.member_detail, name="member-detail"),
    path("<int:membership_id>/added", views.member_added, name="member-added"),
]
