from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "grassroots.opinions"
    verbose_name = "Opinion maps"
