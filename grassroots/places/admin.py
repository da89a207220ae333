from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from grassroots.core.audit import audit_record
from grassroots.places.models import Council, Councillor, CouncillorTerm, Postcode, Ward


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin[Council]):
    # A web address typed without a scheme is taken as https (Django 6's default, asked now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "gss_code", "kind"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin[Ward]):
    list_display = ["name", "gss_code", "council", "vintage", "retired_at"]
    list_filter = ["council", "vintage"]
    search_fields = ["name", "gss_code"]
    list_select_related = ["council"]
    exclude = ["geometry"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin[Postcode]):
    list_display = ["postcode", "ward_code", "council_code", "terminated_on"]
    search_fields = ["postcode"]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Postcode]:
        return super().get_queryset(request).order_by()


class CouncillorTermInline(admin.TabularInline[CouncillorTerm, Councillor]):
    model = CouncillorTerm
    extra = 0
    autocomplete_fields = ["ward"]


@admin.register(Councillor)
class CouncillorAdmin(admin.ModelAdmin[Councillor]):
    list_display = ["name", "party", "user"]
    search_fields = ["name", "party"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CouncillorTermInline]
    raw_id_fields = ["user"]

    def save_model(
        self, request: HttpRequest, obj: Councillor, form: ModelForm[Any], change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "user" in form.changed_data:
            audit_record(
                actor=request.user,
                action="role.councillor_account_linked",
                obj=obj,
                summary=f"Councillor {obj.name} linked to account {obj.user_id}",
            )

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: Any, change: bool
    ) -> None:
        instances = formset.save()
        for term in instances:
            audit_record(
                actor=request.user,
                action="role.councillor_term_saved",
                obj=term,
                summary=f"{term}",
            )
        for term in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="role.councillor_term_deleted",
                obj=term,
                summary=f"{term}",
            )
