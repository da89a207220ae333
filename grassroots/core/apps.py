from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grassroots.core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from grassroots.core import pagecache, request_cache, translations

        translations.install()

        # Every committed write to a public table marks stored signed-out pages out of date.
        connection_created.connect(pagecache.install, dispatch_uid="pagecache.install")

        # Any write through the ORM forgets what this request remembered.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(request_cache.clear, dispatch_uid=f"request_cache.clear.{signal}")
