from django.urls import path

from grassroots.directory import views_assets as views

app_name = "assets"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.asset_create, name="create"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/notice-of-sale/", views.sale_notice, name="sale_notice"),
    path("<int:pk>/ask-to-bid/", views.bid_request, name="bid_request"),
    path("<int:pk>/initiatives/", views.link_initiative, name="link_initiative"),
    path("nominations/", views.nominations_home, name="nominations"),
    path("nominations/<int:pk>/decide/", views.decide, name="decide"),
    path(
        "councils/<slug:slug>/nominations/", views.council_nominations, name="council_nominations"
    ),
]
