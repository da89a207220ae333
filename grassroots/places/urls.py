from django.urls import path

from grassroots.places import views

app_name = "places"

urlpatterns = [
    path("find-your-area", views.find_area, name="find"),
    path("councils/", views.council_list, name="councils"),
    path("councils/<slug:slug>/", views.council_detail, name="council"),
    path("councillors/<slug:slug>/photo", views.councillor_photo, name="councillor_photo"),
]
