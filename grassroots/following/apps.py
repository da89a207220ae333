from django.apps import AppConfig


class FollowingConfig(AppConfig):
    name = "grassroots.following"
    verbose_name = "Following and digests"
