from django.urls import path

from grassroots.initiatives import feeds, views_list

app_name = "initiatives"

urlpatterns: list[object] = [
    # Finding initiatives. These come before any "<slug>/" route, which would swallow them.
    path("", views_list.initiative_list, name="list"),
    path("map/", views_list.initiative_map, name="map"),
    path("export.csv", views_list.initiative_export, name="export"),
    path("feed.atom", feeds.NewInitiativesFeed(), name="feed"),
    path("feed/ward/<slug:council>/<slug:slug>.atom", feeds.WardActivityFeed(), name="ward_feed"),
]
