from django.urls import path

from grassroots.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("edit", views.profile_edit, name="profile_edit"),
    path("download", views.data_download, name="download"),
    path("delete", views.account_delete, name="delete"),
]
