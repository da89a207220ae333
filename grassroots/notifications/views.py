"""Your notifications: the inbox, how each kind is emailed, and one-click unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from grassroots.accounts.models import User
from grassroots.accounts.types import actor_of
from grassroots.notifications import selectors, services, unsubscribe
from grassroots.notifications.forms import PreferencesForm
from grassroots.notifications.models import Kind

PAGE_SIZE = 20


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(actor_of(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/inbox.html", {"page": page, "notifications": list(page)})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    changed = services.notification_mark_all_read(user=actor_of(request))
    if changed:
        messages.success(request, _("All your notifications are marked as read"))
    return redirect("notifications:inbox")


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way.

    Somebody else's notification, or one about an initiative you can no longer see, is a 404.
    """
    notification = get_object_or_404(selectors.inbox(actor_of(request)), pk=pk)
    services.notification_mark_read(user=actor_of(request), notification=notification)
    if url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(selectors.inbox(actor_of(request)), pk=pk)
    if services.notification_mark_read(user=actor_of(request), notification=notification):
        messages.success(request, _("Notification marked as read"))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.preferences_save(user=actor_of(request), deliveries=form.deliveries())
            messages.success(request, _("Your email settings have been saved"))
            return redirect("notifications:preferences")
    else:
        form = PreferencesForm(
            initial=PreferencesForm.initial_from(selectors.deliveries(actor_of(request)))
        )
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # mail providers post here with no session or CSRF token (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe, without signing in.

    GET shows what the link will turn off and a button (it changes nothing: mail scanners
    follow links); POST, from that button or straight from the mail provider, turns it off.
    A tampered or expired link gets a page saying so (status 400), never an error.
    """
    try:
        wanted = unsubscribe.read_token(token)
    except unsubscribe.ExpiredToken:
        return render(request, "notifications/unsubscribe_bad.html", {"expired": True}, status=400)
    except unsubscribe.BadToken:
        return render(request, "notifications/unsubscribe_bad.html", {"expired": False}, status=400)
    user = User.objects.filter(pk=wanted.user_id, is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe_bad.html", {"expired": False}, status=400)
    what = (
        _("all your digest emails")
        if wanted.scope == unsubscribe.DIGESTS
        else _("emails about: %(kind)s") % {"kind": Kind(wanted.scope).label}
    )
    if request.method == "POST":
        services.preferences_unsubscribe(user=user, scope=wanted.scope)
        return render(request, "notifications/unsubscribe_done.html", {"what": what})
    return render(request, "notifications/unsubscribe_confirm.html", {"what": what})
