from django.urls import path

from saferhub.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.organisation_shares, name="organisation-shares"),
    path("<slug:record_type>/<int:record_id>/", views.record_shares, name="record-shares"),
    path("<slug:record_type>/<int:record_id>/share", views.share_create, name="share-create"),
    path("shares/<int:share_id>/revoke", views.share_revoke, name="share-revoke"),
]
