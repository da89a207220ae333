from django.urls import path

from grassroots.home import views

app_name = "home"

urlpatterns = [
    path("", views.search, name="search"),
]
