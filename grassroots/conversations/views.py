"""Conversation pages: thin views that parse input, ask the rules and call the services.

Anything a user can type gets a clear message and changes nothing; a conversation the user may
not see is the same 404 as one that does not exist.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import Viewer, actor_of
from grassroots.conversations import selectors, services
from grassroots.conversations.forms import (
    EditForm,
    FilterForm,
    ReplyForm,
    StartForm,
    SummaryForm,
)
from grassroots.conversations.models import Conversation, Post
from grassroots.conversations.rules import archived_group, reply_refusal
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError, require
from grassroots.groups.models import Group
from grassroots.initiatives.selectors import initiative_for
from grassroots.places.models import Council, Ward

PAGE_SIZE = 20


def _conversation(request: HttpRequest, pk: int) -> Conversation:
    conversation = selectors.conversation_detail(request.user, pk)
    if conversation is None or not request.user.has_perm("conversations.see", conversation):
        raise Http404
    return conversation


def safe_url(obj: Any) -> str:
    """`obj`'s page, or "" while that page does not exist yet."""
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:
        return ""


def _refused_unless(
    request: HttpRequest, perm: str, obj: Any, conversation: Conversation
) -> HttpResponse | None:
    """None if the user may; for a conversation of an archived group, back to it with a
    message saying why not (a page opened before the group was archived); otherwise 403."""
    if request.user.has_perm(perm, obj):
        return None
    group = archived_group(conversation)
    if group is None:
        raise PermissionDenied
    messages.error(request, _archived_message(group))
    return _back(conversation)


def _archived_message(group: Group) -> str:
    return _("%(group)s is archived: its conversations can be read but not added to.") % {
        "group": group.name
    }


def _from_thread(request: HttpRequest) -> bool:
    """Whether the person acts from a thread page (`?from=thread` on the links and forms
    there), so that they go back to it rather than to the conversation page."""
    return request.GET.get("from") == "thread"


def _landing(request: HttpRequest, post: Post) -> str:
    """Where `post` is shown: the thread page when acting from there."""
    return selectors.post_page_url(post, in_thread=_from_thread(request))


def _back_url(request: HttpRequest, conversation: Conversation, post: Post | None) -> str:
    """Where a form page's back and cancel links go: the thread page at `post` when the form
    was opened from there, otherwise the conversation."""
    if post is not None and _from_thread(request):
        return selectors.post_page_url(post, in_thread=True)
    return conversation.get_absolute_url()


def _back(conversation: Conversation, anchor: str = "") -> HttpResponse:
    return redirect(conversation.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _form_page(
    request: HttpRequest,
    conversation: Conversation,
    form: forms.Form | None,
    *,
    heading: str,
    button: str,
    intro: str = "",
    extra_errors: list[str] | None = None,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "conversations/action_form.html",
        {
            "conversation": conversation,
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
            "extra_errors": extra_errors or [],
            "back_url": conversation.get_absolute_url(),
            **(context or {}),
        },
        status=status,
    )


# --- Lists -------------------------------------------------------------------------------------


@require_safe
def conversation_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    filters = selectors.ListFilters(status=data.get("status") or "")
    council_slug = (request.GET.get("council") or "").strip()
    ward_slug = (request.GET.get("ward") or "").strip()
    if council_slug:
        filters.council = Council.objects.filter(slug=council_slug).first()
    if filters.council is not None and ward_slug:
        filters.ward = selectors.council_wards(filters.council).filter(slug=ward_slug).first()
    initiative_slug = (request.GET.get("initiative") or "").strip()
    if initiative_slug:
        # Only an initiative the user may see: the heading would name it.
        filters.initiative = initiative_for(request.user, initiative_slug)
    group_slug = (request.GET.get("group") or "").strip()
    if group_slug:
        filters.group = Group.objects.filter(slug=group_slug).first()
    page = Paginator(selectors.conversation_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "conversations/list.html",
        {
            "page": page,
            "filters": filters,
            "councils": selectors.councils(),
            "wards": selectors.council_wards(filters.council) if filters.council else [],
            "status_choices": FilterForm.base_fields["status"].choices,  # type: ignore[attr-defined]
        },
    )


# --- Start -------------------------------------------------------------------------------------


def _host(request: HttpRequest, kind: str, key: str) -> Any:
    if kind == "initiative":
        initiative = initiative_for(request.user, key)
        if initiative is None:
            raise Http404
        return initiative
    if kind == "group":
        return get_object_or_404(Group.objects.prefetch_related("wards"), slug=key)
    if kind == "ward" and key.isdigit():
        return get_object_or_404(Ward.objects.current().select_related("council"), pk=int(key))
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("conversation")
def start(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    host = _host(request, kind, key)
    require(request.user, "conversations.start", host)
    forced = kind == "initiative" and host.is_safeguarded
    form_kwargs: dict[str, Any] = {"host_kind": kind, "forced_safeguarding": forced}
    extra_errors: list[str] = []
    if request.method == "POST":
        form = StartForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                conversation = services.conversation_start(
                    actor=actor_of(request),
                    **{kind: host},
                    question=data["question"],
                    description=data["description"],
                    audience=data["audience"],
                    is_safeguarded=bool(data.get("is_safeguarded")),
                )
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                messages.success(request, _("Your conversation has started"))
                return redirect(conversation)
    else:
        form = StartForm(**form_kwargs)
    host_name = _("%(ward)s ward") % {"ward": host.name} if kind == "ward" else str(host)
    return render(
        request,
        "conversations/start.html",
        {
            "form": form,
            "host_name": host_name,
            "host_url": safe_url(host),
            "forced_safeguarding": forced,
            "extra_errors": extra_errors,
        },
    )


# --- A conversation ----------------------------------------------------------------------------


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    user = request.user
    may_reply = user.has_perm("conversations.reply", conversation)
    is_host = user.has_perm("conversations.pin_summary", conversation)
    posts, page = selectors.thread(
        user, conversation, may_take_part=may_reply, page=request.GET.get("page")
    )
    return render(
        request,
        "conversations/detail.html",
        {
            "conversation": conversation,
            "posts": posts,
            "page": page,
            "may_reply": may_reply,
            "refusal": None if may_reply else reply_refusal(user, conversation),
            "is_host": is_host,
            "can_close": user.has_perm("conversations.close", conversation),
            "manages_access": user.has_perm("conversations.manage_access", conversation),
            "archived_group": archived_group(conversation),
            "form": ReplyForm() if may_reply else None,
        },
    )


@require_safe
def thread(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    """One thread of a conversation with all its answers, a page at a time. Anything but a
    thread start of this conversation that the viewer may see is a 404."""
    conversation = _conversation(request, pk)
    user = request.user
    may_reply = user.has_perm("conversations.reply", conversation)
    shown = selectors.thread_page(
        user, conversation, post_pk, may_take_part=may_reply, page=request.GET.get("page")
    )
    if shown is None:
        raise Http404
    return render(
        request,
        "conversations/thread.html",
        {
            "conversation": conversation,
            "thread": shown,
            "posts": [shown.start],
            "page": shown.page,
            "from_thread": True,
            "may_reply": may_reply,
            "refusal": None if may_reply else reply_refusal(user, conversation),
            "archived_group": archived_group(conversation),
            "form": ReplyForm(initial={"parent": post_pk}) if may_reply else None,
        },
    )


@require_safe
def post_link(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    """A reply's lasting address: on to where it is shown (the page of the conversation its
    thread is on, or of its thread page)."""
    conversation = _conversation(request, pk)
    post = selectors.post_in(conversation, post_pk)
    if post is None:
        raise Http404
    return redirect(_landing(request, post))


def _reply_context(
    request: HttpRequest, conversation: Conversation, to: Post | None, quote: Post | None
) -> dict[str, Any]:
    return {
        "answering": to,
        "quoting": quote,
        "back_url": _back_url(request, conversation, to or quote),
    }


def _answerable(post: Post | None, conversation: Conversation, user: Viewer) -> Post | None:
    """`post` if its words may be shown beside the form: in this conversation, live, and not
    held (unless the viewer wrote it). Hidden or removed words never reach the reply page."""
    if post is None or post.conversation_id != conversation.pk:
        return None
    if post.removed_by_author_at is not None or post.hidden_at is not None:
        return None
    if post.held_for_review and post.author_id != user.pk:
        return None
    return post


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


@login_required
@rate_limited("post")
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    if not request.user.has_perm("conversations.reply", conversation):
        return render(
            request,
            "conversations/refused.html",
            {"conversation": conversation, "refusal": reply_refusal(request.user, conversation)},
            status=403,
        )
    extra_errors: list[str] = []
    if request.method == "POST":
        form = ReplyForm(request.POST)
        parent_id = _int(request.POST.get("parent"))
        quote_id = _int(request.POST.get("quote"))
        # Only replies of this conversation: one elsewhere (perhaps in a conversation the user
        # may not see) gets the same answer as one that does not exist.
        parent = selectors.post_in(conversation, parent_id)
        quote = selectors.post_in(conversation, quote_id)
        given = [(request.POST.get(name) or "").strip() for name in ("parent", "quote")]
        if given[0] and parent is None:
            extra_errors.append(_("The reply you are answering is not in this conversation"))
        elif given[1] and quote is None:
            extra_errors.append(_("The reply you are quoting is not in this conversation"))
        elif form.is_valid():
            try:
                post = services.post_create(
                    actor=actor_of(request),
                    conversation=conversation,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    quoted=quote,
                )
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                if post.held_for_review:
                    messages.success(
                        request, _("Your reply will be shown once a moderator has checked it")
                    )
                else:
                    messages.success(request, _("Your reply has been posted"))
                return redirect(_landing(request, post))
        answering = _answerable(parent, conversation, request.user)
        quoting = _answerable(quote, conversation, request.user)
    else:
        to_id, quote_id = _int(request.GET.get("to")), _int(request.GET.get("quote"))
        answering = _answerable(selectors.post_in(conversation, to_id), conversation, request.user)
        quoting = _answerable(selectors.post_in(conversation, quote_id), conversation, request.user)
        if (to_id and answering is None) or (quote_id and quoting is None):
            raise Http404
        form = ReplyForm(
            initial={
                "parent": answering.pk if answering else None,
                "quote": quoting.pk if quoting else None,
            }
        )
    heading = _("Reply") if answering is None else _("Answer a reply")
    return _form_page(
        request,
        conversation,
        form,
        heading=heading,
        button=_("Post your reply"),
        extra_errors=extra_errors,
        context=_reply_context(request, conversation, answering, quoting),
    )


def _why_not_editable(conversation: Conversation) -> str:
    """Why a live reply by its author can no longer be changed."""
    if conversation.closed_at is not None:
        return _("This conversation is closed to new replies.")
    group = archived_group(conversation)
    if group is not None:
        return _archived_message(group)
    return _("Replies can only be changed in the first few minutes after posting")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    post = get_object_or_404(
        Post.objects.select_related("author"), pk=post_pk, conversation=conversation
    )
    post.conversation = conversation
    if post.author_id != request.user.pk:
        raise PermissionDenied
    heading = _("Change your reply")
    if not request.user.has_perm("conversations.edit_post", post):
        if post.removed_by_author_at is not None or post.hidden_at is not None:
            raise PermissionDenied
        return _form_page(
            request,
            conversation,
            None,
            heading=_("You can no longer change this reply"),
            button="",
            extra_errors=[_why_not_editable(conversation)],
            context={"back_url": _back_url(request, conversation, post)},
        )
    extra_errors: list[str] = []
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(
                    actor=actor_of(request), post=post, body=form.cleaned_data["body"]
                )
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                messages.success(request, _("Your reply has been changed"))
                return redirect(_landing(request, post))
    else:
        form = EditForm(initial={"body": post.body})
    return _form_page(
        request,
        conversation,
        form,
        heading=heading,
        button=_("Save"),
        extra_errors=extra_errors,
        context={"back_url": _back_url(request, conversation, post)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    post = get_object_or_404(Post, pk=post_pk, conversation=conversation)
    post.conversation = conversation
    require(request.user, "conversations.remove_post", post)
    if request.method == "POST":
        services.post_remove(actor=actor_of(request), post=post)
        messages.success(request, _("Your reply has been removed"))
        return redirect(_landing(request, post))
    return _form_page(
        request,
        conversation,
        None,
        heading=_("Remove your reply?"),
        button=_("Remove it"),
        intro=_(
            "Your words will be removed and “Removed by its author” shown instead. Answers to it "
            "stay."
        ),
        context={
            "confirm": True,
            "quoting": post,
            "back_url": _back_url(request, conversation, post),
        },
    )


@login_required
@require_POST
def agree(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    post = get_object_or_404(Post, pk=post_pk, conversation=conversation)
    post.conversation = conversation
    if refused := _refused_unless(request, "conversations.agree", post, conversation):
        return refused
    services.reaction_toggle(actor=actor_of(request), post=post)
    return redirect(_landing(request, post))


# --- Hosting -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    if refused := _refused_unless(request, "conversations.pin_summary", conversation, conversation):
        return refused
    extra_errors: list[str] = []
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            try:
                services.summary_pin(
                    actor=actor_of(request),
                    conversation=conversation,
                    summary=form.cleaned_data["summary"],
                )
            except ServiceError as error:
                extra_errors.append(error.message)
            else:
                messages.success(request, _("The summary has been saved"))
                return _back(conversation, "summary")
    else:
        form = SummaryForm(initial={"summary": conversation.summary})
    return _form_page(
        request,
        conversation,
        form,
        heading=_("Pin a summary"),
        button=_("Save the summary"),
        extra_errors=extra_errors,
    )


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation(request, pk)
    if refused := _refused_unless(request, "conversations.close", conversation, conversation):
        return refused
    if request.method == "POST":
        # Closed already (two clicks): the outcome is the same.
        with contextlib.suppress(ServiceError):
            services.conversation_close(actor=actor_of(request), conversation=conversation)
        messages.success(request, _("The conversation is closed to new replies"))
        return _back(conversation)
    return _form_page(
        request,
        conversation,
        None,
        heading=_("Close the conversation?"),
        button=_("Close it"),
        intro=_("Nobody will be able to reply any more. Everything said stays readable."),
        context={"confirm": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def access(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may see a safeguarded group conversation: the organisers let members in or out."""
    conversation = _conversation(request, pk)
    require(request.user, "conversations.manage_access", conversation)
    granted, others = selectors.access_list(conversation)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        user_id = _int(request.POST.get("user"))
        chosen = (
            {u.pk: u for u in others} if action == "grant" else {a.user_id: a.user for a in granted}
        )
        person = chosen.get(user_id) if user_id is not None else None
        if action not in ("grant", "revoke"):
            errors.append(_("Choose what to do"))
        elif person is None:
            errors.append(_("Choose a member of the group"))
        else:
            try:
                if action == "grant":
                    services.conversation_access_grant(
                        actor=actor_of(request), conversation=conversation, user=person
                    )
                    messages.success(
                        request,
                        _("%(name)s can now see this conversation") % {"name": person.public_name},
                    )
                else:
                    services.conversation_access_revoke(
                        actor=actor_of(request), conversation=conversation, user=person
                    )
                    messages.success(
                        request,
                        _("%(name)s can no longer see this conversation")
                        % {"name": person.public_name},
                    )
                return redirect("conversations:access", pk=conversation.pk)
            except ServiceError as error:
                errors.append(error.message)
    return render(
        request,
        "conversations/access.html",
        {
            "conversation": conversation,
            "granted": granted,
            "others": others,
            "errors": errors,
            "back_url": conversation.get_absolute_url(),
        },
        status=400 if errors else 200,
    )
