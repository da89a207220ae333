from typing import Any

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "grassroots.learning"
    verbose_name = "Guide and courses"

    def ready(self) -> None:
        # Learning sits above initiatives, so it listens for an initiative becoming achieved
        # (a new `StageChange` row, written by `initiative_change_stage`) rather than being
        # called: the achieved initiative's leads are invited to tell its story.
        from django.db.models.signals import post_save

        from grassroots.initiatives.models import Stage, StageChange
        from grassroots.learning import services_cases

        def invite(sender: Any, instance: StageChange, created: bool, **kwargs: Any) -> None:
            if created and instance.to_stage == Stage.ACHIEVED and not kwargs.get("raw"):
                services_cases.invite_leads(initiative=instance.initiative)

        from grassroots.accounts import personal_data
        from grassroots.learning import services_readers

        personal_data.register(
            personal_data.Keeper(
                "guide",
                export=services_readers.reader_data_export,
                erase=services_readers.reader_data_erase,
            )
        )
        post_save.connect(
            invite, sender=StageChange, dispatch_uid="learning.invite_case_study", weak=False
        )
