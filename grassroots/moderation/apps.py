from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "grassroots.moderation"
    verbose_name = "Moderation and safeguarding"
