"""Groups in the admin site: site admins look groups up and correct their details.

Changes go through `services.group_update`, so they are in the audit log like an organiser's.
Memberships are shown but not edited here (joining, invitations and the last-organiser rule
live in the services and the group's own pages), with one exception: a site admin can make
active members organisers (the "Make organiser" action on group memberships, or the link on
each member of a group), for a group whose last organiser deleted their account. The
"Organiser" filter finds such groups. Groups are neither added nor deleted here:
a group starts with its first organiser, and deleting one would delete its conversations and
events with it (moderators hide content instead).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.rules import is_site_admin
from grassroots.accounts.types import actor_of
from grassroots.core.services import ServiceError
from grassroots.groups import selectors, services
from grassroots.groups.models import Group, GroupMembership, GroupMembershipStatus, GroupRole


def _appoint_link(m: GroupMembership) -> str:
    """A link to the site's confirmation page for making an active member an organiser."""
    if (
        m.pk is None
        or m.status != GroupMembershipStatus.ACTIVE
        or m.role == GroupRole.ORGANISER
        or not m.user.is_active
    ):
        return ""
    url = reverse("groups:member_make_organiser", kwargs={"slug": m.group.slug, "pk": m.pk})
    return format_html('<a href="{}">{}</a>', url, gettext("Make organiser"))


class MembershipInline(admin.TabularInline[GroupMembership, Group]):
    model = GroupMembership
    fields = readonly_fields = ("user", "role", "status", "invited_by", "created_at", "appoint")
    extra = 0
    can_delete = False

    @admin.display(description=_("organiser"))
    def appoint(self, obj: GroupMembership) -> str:
        return _appoint_link(obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrganiserFilter(admin.SimpleListFilter):
    title = _("organiser")
    parameter_name = "organiser"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("none", _("Nobody can run it"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "none":
            return queryset.filter(pk__in=selectors.groups_without_organiser().values("pk"))
        return queryset


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Archived")), ("no", _("In use"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin[Group]):
    list_display = ["name", "council", "joining", "created_at", "archived_at"]
    list_filter = [OrganiserFilter, ArchivedFilter, "joining", "council"]
    search_fields = ["name", "slug"]
    list_select_related = ["council"]
    fields = [
        "name",
        "slug",
        "council",
        "description",
        "joining",
        "wards",
        "created_by",
        "archived_at",
    ]
    readonly_fields = ["slug", "council", "created_by", "archived_at"]
    filter_horizontal = ["wards"]
    inlines = [MembershipInline]

    def get_form(
        self, request: HttpRequest, obj: Group | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm[Group]]:
        form = super().get_form(request, obj, change, **kwargs)
        wards = form.base_fields.get("wards")
        if wards is not None and obj is not None:
            # Only the group's own council's wards (a national list would be unusable): those
            # in use, and any retired since the group chose them (so they are kept on saving).
            wards.queryset = wards.queryset.filter(  # type: ignore[attr-defined]
                Q(retired_at__isnull=True) | Q(pk__in=obj.wards.values("pk")),
                council=obj.council,
            )
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Group, form: ModelForm[Group], change: bool
    ) -> None:
        services.group_update(
            group=obj,
            actor=actor_of(request),
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            joining=form.cleaned_data["joining"],
            wards=form.cleaned_data["wards"],
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm[Group], formsets: Any, change: bool
    ) -> None:
        """The wards were set by the service; the membership inline is read-only."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin[GroupMembership]):
    """Memberships, read-only, with one action: make the chosen active members organisers."""

    list_display = ["user", "group", "role", "status", "created_at", "appoint"]
    list_filter = ["role", "status"]
    search_fields = ["group__name", "group__slug", "user__display_name", "user__email"]
    list_select_related = ["user", "group"]
    fields = readonly_fields = (
        "group",
        "user",
        "role",
        "status",
        "invited_by",
        "invited_at",
        "decided_at",
        "created_at",
    )
    actions = ["make_organisers"]

    @admin.display(description=_("organiser"))
    def appoint(self, obj: GroupMembership) -> str:
        return _appoint_link(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_appoint_permission(self, request: HttpRequest) -> bool:
        """Site admins (with two-factor sign-in), as for `groups.make_organiser` on the site."""
        return bool(is_site_admin(request.user))

    @admin.action(permissions=["appoint"], description=_("Make the chosen members organisers"))
    def make_organisers(self, request: HttpRequest, queryset: QuerySet[GroupMembership]) -> None:
        made, refused = 0, []
        for m in queryset.select_related("user", "group").order_by("pk"):
            try:
                services.member_make_organiser(membership=m, actor=actor_of(request))
            except ServiceError as exc:
                refused.append(f"{m.group.name}: {exc.message}")
            else:
                made += 1
        if made:
            self.message_user(
                request,
                gettext("%(count)s member(s) made organisers") % {"count": made},
                messages.SUCCESS,
            )
        for text in refused:
            self.message_user(request, text, messages.WARNING)
