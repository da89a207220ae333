from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "grassroots.directory"
    verbose_name = "Local help and the places that matter"

    def ready(self) -> None:
        # Rules kept beside their own models; autodiscovery loads only rules.py.
        from grassroots.accounts import personal_data
        from grassroots.directory import rules_assets, rules_offers, services_offers  # noqa: F401

        personal_data.register(
            personal_data.Keeper(
                "offers_of_help",
                export=services_offers.offers_data_export,
                erase=services_offers.offers_data_erase,
            )
        )
