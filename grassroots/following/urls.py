from django.urls import path

from grassroots.following import feeds, views

app_name = "following"

urlpatterns = [
    path("", views.follow_list, name="list"),
    path("<str:kind>/<int:pk>/follow", views.follow, name="follow"),
    path("<str:kind>/<int:pk>/unfollow", views.unfollow, name="unfollow"),
    path("feeds/ward/<slug:council>/<slug:slug>.atom", feeds.WardFeed(), name="ward_feed"),
    path("feeds/initiative/<slug:slug>.atom", feeds.InitiativeFeed(), name="initiative_feed"),
    path("feeds/group/<slug:slug>.atom", feeds.GroupFeed(), name="group_feed"),
]
