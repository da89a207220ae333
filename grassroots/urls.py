from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from grassroots.core import views as core_views
from grassroots.directory.api import router as directory_api
from grassroots.home import urls as home_urls
from grassroots.home import views as home_views
from grassroots.initiatives.api import api
from grassroots.initiatives.sitemaps import SITEMAPS
from grassroots.places import urls as places_urls

# The directory's Open Referral UK endpoints live under the site's one API.
api.add_router("/directory", directory_api)

handler400 = "grassroots.core.views.bad_request"
handler403 = "grassroots.core.views.permission_denied"
handler404 = "grassroots.core.views.page_not_found"
handler500 = "grassroots.core.views.server_error"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("search/", include("grassroots.home.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility", core_views.accessibility, name="accessibility"),
    path("privacy", core_views.privacy, name="privacy"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("grassroots.accounts.urls")),
    path("admin/", admin.site.urls),
    path("initiatives/", include("grassroots.initiatives.urls")),
    path("api/", api.urls),
    # A sitemap index: each section is its own file (at most 50,000 addresses a page), so
    # national numbers of initiatives and wards stay within the sitemaps protocol.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("support/", include("grassroots.support.urls")),
    path("notifications/", include("grassroots.notifications.urls")),
    path("groups/", include("grassroots.groups.urls")),
    path("", include("grassroots.actions.urls")),
    path("conversations/", include("grassroots.conversations.urls")),
    path("events/", include("grassroots.events.urls")),
    path("priorities/", include("grassroots.priorities.urls")),
    path("funds/", include("grassroots.funding.urls")),
    path("opinions/", include("grassroots.opinions.urls")),
    path("following/", include("grassroots.following.urls")),
    path("moderation/", include("grassroots.moderation.urls")),
    path("case-studies/", include("grassroots.learning.urls_cases")),
    path("guide/", include("grassroots.learning.urls_guide")),
    path("directory/", include("grassroots.directory.urls")),
    path("offers/", include("grassroots.directory.urls_offers")),
    path("assets/", include("grassroots.directory.urls_assets")),
    # The places namespace: places' own pages, and the ward and councillor pages, which home
    # composes because they show what the apps above places know about the ward.
    path("", include(([*places_urls.urlpatterns, *home_urls.place_pages], places_urls.app_name))),
]
