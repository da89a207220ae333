from django.urls import path

from grassroots.home import views

app_name = "home"

urlpatterns = [
    path("", views.search, name="search"),
]

# The ward and councillor pages, served in the `places` namespace (see grassroots/urls.py).
place_pages = [
    path("councils/<slug:council>/wards/<slug:slug>/", views.ward_detail, name="ward"),
    path("councillors/<slug:slug>/", views.councillor_detail, name="councillor"),
]
