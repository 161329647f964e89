"""People, places, incidents and search pages (their views live in cases: see
record_views). Each list is mounted by config/urls.py under its own prefix and namespace."""

from django.urls import path

from saferhub.cases import record_views as v

people = (
    [
        path("new", v.person_create, name="create"),
        path("check", v.known_person_check, name="check"),
        path("<int:person_id>/", v.person_detail, name="detail"),
        path("<int:person_id>/edit", v.person_edit, name="edit"),
        path("<int:person_id>/names/new", v.person_add_name, name="add-name"),
        path("<int:person_id>/merge", v.merge_propose, name="merge"),
        path("merges/<int:proposal_id>/", v.merge_decide, name="merge-decide"),
    ],
    "people",
)
places = (
    [
        path("new", v.place_create, name="create"),
        path("<int:place_id>/", v.place_detail, name="detail"),
    ],
    "places",
)
incidents = (
    [
        path("new", v.incident_create, name="create"),
        path("<int:incident_id>/", v.incident_detail, name="detail"),
        path("<int:incident_id>/people/new", v.incident_add_person, name="add-person"),
    ],
    "incidents",
)
search = ([path("", v.search, name="index")], "search")
