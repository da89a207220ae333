from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "grassroots.directory"
    verbose_name = "Local help and the places that matter"

    def ready(self) -> None:
        from grassroots.directory import rules_offers  # noqa: F401  (registers the rules)
