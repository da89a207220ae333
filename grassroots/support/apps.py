from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "grassroots.support"
    verbose_name = "Councillor support"
