from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    verbose_name = "Notifications"
