from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo borough and its commands: it builds through every app, so it sits above them all.

    Nothing imports it; `manage.py seed_demo` and `manage.py demo_totp` are its ways in.
    """

    name = "grassroots.demo"
    label = "demo"
