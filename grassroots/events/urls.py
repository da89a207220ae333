from django.urls import path

from grassroots.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new", views.event_new, name="new"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/event.ics", views.event_ics, name="ics"),
    path("<int:pk>/edit", views.event_edit, name="edit"),
    path("<int:pk>/cancel", views.event_cancel, name="cancel"),
    path("<int:pk>/rsvp", views.rsvp, name="rsvp"),
    path("<int:pk>/rsvp/cancel", views.rsvp_cancel, name="rsvp_cancel"),
    path("<int:pk>/minutes", views.minutes, name="minutes"),
    path("venues/", views.venue_list, name="venues"),
    path("venues/new", views.venue_new, name="venue_new"),
    path("venues/<int:pk>/", views.venue_detail, name="venue"),
    path("venues/<int:pk>/edit", views.venue_edit, name="venue_edit"),
    path("calendar/ward/<int:pk>.ics", views.ward_calendar, name="ward_calendar"),
    path("calendar/group/<slug:slug>.ics", views.group_calendar, name="group_calendar"),
    path(
        "calendar/councillor/<slug:slug>.ics",
        views.councillor_calendar,
        name="councillor_calendar",
    ),
]
