from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "grassroots.initiatives"
    verbose_name = "Initiatives"
