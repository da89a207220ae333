from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "grassroots.learning"
    verbose_name = "Guide and courses"
