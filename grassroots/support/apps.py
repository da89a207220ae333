from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "grassroots.support"
    verbose_name = "Councillor support"

    def ready(self) -> None:
        from grassroots.initiatives.visibility import add_insider_grant
        from grassroots.support.visibility import councillor_grant

        add_insider_grant(councillor_grant)
