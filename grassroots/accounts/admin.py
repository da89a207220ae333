from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.models import Department, OfficerPost, User
from grassroots.core.audit import audit_record

_ROLE_FIELDS = ("is_staff", "is_superuser", "is_moderator", "is_editor", "is_active")

# Staff sign in through allauth (rate limits, two-factor authentication), never through the
# admin's own password-only form: its login page sends people to ours, and answers 403 to a
# signed-in non-staff user.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class OfficerPostInline(admin.TabularInline[OfficerPost, User]):
    model = OfficerPost
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    ordering = ["email"]
    list_display = ["email", "display_name", "is_moderator", "is_editor", "is_staff", "is_active"]
    list_filter = ["is_moderator", "is_editor", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "postcode", "ward")}),
        (
            _("Roles"),
            {"fields": ("is_active", "is_moderator", "is_editor", "is_staff", "is_superuser")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "anonymised_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "anonymised_at"]
    raw_id_fields = ["ward"]
    inlines = [OfficerPostInline]
    filter_horizontal = ()

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[Any], change: bool
    ) -> None:
        changed = [f for f in _ROLE_FIELDS if f in form.changed_data]
        super().save_model(request, obj, form, change)
        if changed:
            audit_record(
                actor=request.user,
                action="role.user_flags_changed",
                obj=obj,
                summary=f"Roles changed for user {obj.pk}: "
                + ", ".join(f"{f}={getattr(obj, f)}" for f in changed),
                data={f: getattr(obj, f) for f in changed},
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        for post in formset.save():
            audit_record(
                actor=request.user, action="role.officer_post_saved", obj=post, summary=str(post)
            )
        for post in formset.deleted_objects:
            audit_record(
                actor=request.user, action="role.officer_post_deleted", obj=post, summary=str(post)
            )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "council", "email"]
    list_filter = ["council"]
    search_fields = ["name"]
