from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "grassroots.actions"
    verbose_name = "Action items"
