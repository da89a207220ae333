from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "grassroots.events"
    verbose_name = "Venues and events"
