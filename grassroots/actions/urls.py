"""The action pages keep the addresses they had under their conversation and event."""

from django.urls import path

from grassroots.actions import views

app_name = "actions"

urlpatterns = [
    path(
        "conversations/<int:pk>/actions/new/",
        views.conversation_action_new,
        name="conversation_action_new",
    ),
    path(
        "conversations/<int:pk>/actions/<int:action_pk>/done/",
        views.conversation_action_done,
        name="conversation_action_done",
    ),
    path("events/<int:pk>/actions/new", views.event_action_new, name="event_action_new"),
    path("events/actions/<int:pk>/status", views.event_action_status, name="event_action_status"),
]
