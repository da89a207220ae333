from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "grassroots.places"
    verbose_name = "Places and people"
