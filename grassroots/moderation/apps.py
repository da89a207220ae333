from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "grassroots.moderation"
    verbose_name = "Moderation and safeguarding"

    def ready(self) -> None:
        # Conversations asks whether a new reply waits for a moderator; moderation answers.
        from grassroots.conversations import holds
        from grassroots.moderation.policy import hold_reply

        holds.register(hold_reply)

        # Concerns keep the address of what they are about; it follows a page that moves.
        from grassroots.core import links
        from grassroots.moderation.services import concern_links_repoint

        links.register("moderation", concern_links_repoint)
