"""Case pages (mounted at /cases/)."""

from django.urls import path

from saferhub.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("new", views.case_open, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    *(
        path(f"<int:case_id>/{tab}", views.case_tab(tab), name=tab)
        for tab, _ in views.TABS
        if tab != "summary"
    ),
    path("<int:case_id>/edit", views.case_edit, name="edit"),
    path("<int:case_id>/status", views.case_status, name="status"),
    path("<int:case_id>/close", views.case_close, name="close"),
    path(
        "<int:case_id>/actions/<int:action_id>/done", views.action_complete, name="action-complete"
    ),
    path("<int:case_id>/reviews/<int:review_id>/", views.review_complete, name="review-complete"),
    path("<int:case_id>/documents/<int:document_id>/", views.document_download, name="document"),
]
