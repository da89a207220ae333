from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "grassroots.following"
    verbose_name = "Following and digests"

    def ready(self) -> None:
        # The apps below ask core.notices for "the followers of X"; this app answers.
        from grassroots.core import notices
        from grassroots.following.selectors import followers
        from grassroots.following.services import followers_notify

        notices.register_followers(find=followers, tell=followers_notify)
