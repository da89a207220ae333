from django.urls import path

from grassroots.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/read", views.mark_read, name="mark_read"),
    path("read-all", views.mark_all_read, name="mark_all_read"),
    path("settings", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>", views.unsubscribe_link, name="unsubscribe"),
]
