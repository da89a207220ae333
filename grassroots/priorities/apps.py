from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "grassroots.priorities"
    verbose_name = "Priority setting"
