from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "grassroots.notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # The apps below tell people through core.notices; this app delivers for them, and
        # keeps its stored links pointing at pages that move (core.links).
        from grassroots.core import links, notices
        from grassroots.notifications.services import notify, repoint_links

        notices.register_deliverer(notify)
        links.register("notifications", repoint_links)
