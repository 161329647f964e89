"""People, groups, places, incidents and search pages (their views live in cases: see
record_views and group_views). Each list is mounted by config/urls.py under its own prefix
and namespace."""

from django.urls import path

from saferhub.cases import group_views as g
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
        path("<int:person_id>/groups/add", g.person_add_to_group, name="add-to-group"),
    ],
    "people",
)
groups = (
    [
        path("", g.group_list, name="list"),
        path("new", g.group_create, name="create"),
        path("<int:group_id>/", g.group_detail, name="detail"),
        path("<int:group_id>/edit", g.group_edit, name="edit"),
        path("<int:group_id>/members/add", g.group_add_member, name="add-member"),
        path(
            "<int:group_id>/members/<int:person_id>/remove",
            g.group_remove_member,
            name="remove-member",
        ),
    ],
    "groups",
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
