from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "grassroots.directory"
    verbose_name = "Local help and the places that matter"

    def ready(self) -> None:
        # The rules of places that matter live in their own module (rules autodiscovery
        # loads only rules.py).
        from grassroots.directory import rules_assets  # noqa: F401
