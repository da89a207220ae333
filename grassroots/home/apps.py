from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page and site search: they compose the other apps, so they sit above them all."""

    name = "grassroots.home"
    label = "home"
