from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "grassroots.directory"
    verbose_name = "Local help and the places that matter"
