from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "grassroots.directory"
    verbose_name = "Local help and the places that matter"

    def ready(self) -> None:
        # Rules kept beside their own models; autodiscovery loads only rules.py.
        from grassroots.directory import rules_assets, rules_offers  # noqa: F401
