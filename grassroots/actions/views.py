"""Pages for recording action items and moving them on. They keep the addresses they had under
/conversations/ and /events/ (see urls.py); the forms render with those apps' form templates.
Views only translate: a refused permission is a 403 (or a 404 for what the person may not
see), a `ServiceError` a message beside the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from grassroots.accounts.types import actor_of
from grassroots.actions import selectors, services
from grassroots.actions.forms import ActionItemForm, ActionStatusForm, AgreedActionForm
from grassroots.actions.models import ActionItem
from grassroots.conversations.models import Conversation
from grassroots.conversations.rules import archived_group
from grassroots.conversations.selectors import conversation_detail, participants
from grassroots.core.services import ServiceError, require
from grassroots.events.models import Event
from grassroots.events.selectors import event_for

# --- In a conversation ("agreed actions") ------------------------------------------------------


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = conversation_detail(request.user, pk)
    if conversation is None or not request.user.has_perm("conversations.see", conversation):
        raise Http404
    return conversation


def _back(conversation: Conversation) -> HttpResponse:
    return redirect(f"{conversation.get_absolute_url()}#agreed-actions")


def _conversation_form_page(
    request: HttpRequest, conversation: Conversation, form: forms.Form, extra_errors: list[str]
) -> HttpResponse:
    return render(
        request,
        "conversations/action_form.html",
        {
            "conversation": conversation,
            "form": form,
            "heading": _("Record an agreed action"),
            "button": _("Record the action"),
            "intro": "",
            "extra_errors": extra_errors,
            "back_url": conversation.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    if not request.user.has_perm("actions.add", conversation):
        group = archived_group(conversation)
        if group is None:
            raise PermissionDenied
        # A page opened before the group was archived: back to the conversation, saying why.
        messages.error(
            request,
            _("%(group)s is archived: its conversations can be read but not added to.")
            % {"group": group.name},
        )
        return redirect(conversation.get_absolute_url())
    people = participants(conversation)
    extra_errors: list[str] = []
    if request.method == "POST":
        form = AgreedActionForm(request.POST, people=people)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.action_add(
                    actor=actor_of(request),
                    parent=conversation,
                    what=data["what"],
                    owner=data.get("owner_user"),
                    owner_name=data["owner_name"],
                    due_on=data["due_on"],
                )
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                messages.success(request, _("The agreed action has been recorded"))
                return _back(conversation)
    else:
        form = AgreedActionForm(people=people)
    return _conversation_form_page(request, conversation, form, extra_errors)


@login_required
@require_POST
def conversation_action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    item = get_object_or_404(ActionItem, pk=action_pk, conversation=conversation)
    item.conversation = conversation
    require(request.user, "actions.update", item)
    try:
        services.action_complete(actor=actor_of(request), item=item)
    except ServiceError:
        pass  # already done: the page shows it so
    else:
        messages.success(request, _("The action is marked as done"))
    return _back(conversation)


# --- At an event ("actions from the meeting") --------------------------------------------------


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _event(request: HttpRequest, pk: int) -> Event:
    event = event_for(request.user, pk)
    if event is None:
        raise Http404
    return event


def _event_form(
    request: HttpRequest,
    *,
    event: Event,
    form: forms.Form,
    title: str,
    button: str,
    success: str,
    intro: str = "",
    save: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """The shape of the events' form pages: form, service, message, back to the event."""
    back = event.get_absolute_url()
    extra_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ServiceError as error:
            extra_errors.append(error.message)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(
        request,
        "events/form.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "back": back,
            "caption": event.title,
            "extra_errors": extra_errors,
            "intro": intro,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    require(request.user, "actions.add", event)
    actor = actor_of(request)
    return _event_form(
        request,
        event=event,
        form=ActionItemForm(_posted(request), people=selectors.event_people(event)),
        title=_("Add an action"),
        button=_("Add action"),
        success=_("The action has been added"),
        save=lambda data: services.action_add(
            actor=actor,
            parent=event,
            what=data["what"],
            owner=data["owner_user"],
            owner_name=data["owner_name"],
            due_on=data.get("due_on"),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_action_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.filter(event__isnull=False), pk=pk)
    assert item.event_id is not None
    event = _event(request, item.event_id)
    item.event = event
    require(request.user, "actions.update", item)
    actor = actor_of(request)
    return _event_form(
        request,
        event=event,
        form=ActionStatusForm(_posted(request), initial={"status": item.status}),
        title=_("Update the action"),
        button=_("Save status"),
        success=_("The action has been updated"),
        intro=item.what,
        save=lambda data: services.action_set_status(actor=actor, item=item, status=data["status"]),
    )
