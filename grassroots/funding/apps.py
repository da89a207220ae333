from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "grassroots.funding"
    verbose_name = "Neighbourhood funds"
