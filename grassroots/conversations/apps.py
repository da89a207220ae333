from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "grassroots.conversations"
    verbose_name = "Conversations"
