"""URL map: one include per app."""

from django.urls import include, path

from saferhub.cases import record_urls

urlpatterns = [
    path("", include("saferhub.web.urls")),
    path("account/", include("saferhub.accounts.urls")),
    path("members/", include("saferhub.organisations.urls")),
    path("audit/", include("saferhub.audit.urls")),
    path("sharing/", include("saferhub.sharing.urls")),
    path("governance/", include("saferhub.governance.urls")),
    path("casework-figures/", include("saferhub.casework_mi.urls")),
    path("performance/", include("saferhub.performance.urls")),
    path("data/", include("saferhub.dataloads.urls")),
    path("reports/", include("saferhub.reports.urls")),
    path("published/", include("saferhub.reports.public_urls")),
    path("purpose/", include("saferhub.cases.purpose_urls")),
    path("cases/", include("saferhub.cases.urls")),
    path("people/", include(record_urls.people)),
    path("groups/", include(record_urls.groups)),
    path("places/", include(record_urls.places)),
    path("incidents/", include(record_urls.incidents)),
    path("search/", include(record_urls.search)),
    path("risk/", include("saferhub.risk.urls")),
    path("marac/", include("saferhub.marac.urls")),
    path("referrals/", include("saferhub.referrals.urls")),
]

handler400 = "saferhub.web.views.bad_request"
handler403 = "saferhub.web.views.permission_denied"
handler404 = "saferhub.web.views.page_not_found"
handler500 = "saferhub.web.views.server_error"
