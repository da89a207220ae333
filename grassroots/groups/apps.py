from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "grassroots.groups"
    verbose_name = "Resident groups"
