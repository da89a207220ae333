"""Offers of help and introductions, mounted at /offers/."""

from django.urls import path

from grassroots.directory import views_offers as views

app_name = "offers"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("mine/", views.my_offers, name="mine"),
    path("new/", views.offer_add, name="add"),
    path("<int:pk>/", views.offer_detail, name="detail"),
    path("<int:pk>/edit/", views.offer_edit, name="edit"),
    path("<int:pk>/close/", views.offer_close, name="close"),
    path("<int:pk>/introduce/<int:need_pk>/", views.introduce, name="introduce"),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path("introductions/<int:pk>/accept/", views.introduction_accept, name="accept"),
    path("introductions/<int:pk>/decline/", views.introduction_decline, name="decline"),
    path("introductions/<int:pk>/withdraw/", views.introduction_withdraw, name="withdraw"),
]
