"""Pages and actions for venues and events. Thin: parse, check permission, call a service.

An event the user may not see (of a safeguarded initiative, or hidden) answers 404, exactly
like a missing one; an action the user may not take on an event they can see answers 403.
Every action works without JavaScript: forms post to their own pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from grassroots.accounts.types import Viewer, actor_of
from grassroots.core.ratelimits import rate_limited
from grassroots.core.services import ServiceError
from grassroots.events import selectors, services
from grassroots.events.calendar import calendar_response
from grassroots.events.forms import (
    CancelForm,
    EventForm,
    MinutesForm,
    VenueForm,
)
from grassroots.events.models import Event, EventKind, Minutes, RsvpStatus, Venue
from grassroots.events.rules import (
    Host,
    archived_organised_group_ids,
    host_of,
    hosts_for,
    organised_group_ids,
)
from grassroots.events.services import host_label
from grassroots.events.visibility import can_view
from grassroots.groups.models import Group
from grassroots.initiatives.models import Initiative
from grassroots.places.models import Council, Councillor, CouncillorTerm, Ward

PAGE_SIZE = 25
# The list counts its events up to here ("More than 1,000 events"): counting every coming
# event nationally read tens of thousands of rows on each view.
COUNT_LIMIT = 1000


if TYPE_CHECKING:
    _Paginator = Paginator[Event]
else:
    _Paginator = Paginator  # not subscriptable at run time


class CappedPaginator(_Paginator):
    """A Paginator whose count stops at COUNT_LIMIT + 1. Past that the number of pages is not
    known: a page is fetched with one row more, and "Next page" is offered while there is
    one."""

    limit = COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Event] = self.object_list  # type: ignore[assignment]
        return rows.order_by().values("pk")[: self.limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return super().validate_number(number)
        try:
            value = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not a whole number")) from error
        if value < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return value

    def get_page(self, number: Any) -> Page[Event]:
        """As Paginator.get_page: past the end of a capped list (only known on reading it),
        the last page the count vouches for."""
        try:
            return super().get_page(number)
        except EmptyPage:
            return self.page(self.num_pages)

    def page(self, number: Any) -> Page[Event]:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        # Page.has_next() asks num_pages: the pages known so far.
        self.__dict__["num_pages"] = number + (1 if len(rows) > self.per_page else 0)
        return Page(rows[: self.per_page], number, self)


def _event(request: HttpRequest, pk: int) -> Event:
    event = selectors.event_for(request.user, pk)
    if event is None:
        raise Http404
    return event


# --- Lists and pages ----------------------------------------------------------------------------


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (or past) events, filtered by ward, group or type."""
    past = request.GET.get("when") == "past"
    ward = group = None
    ward_id = request.GET.get("ward", "")
    if ward_id.isdigit():
        ward = Ward.objects.select_related("council").filter(pk=int(ward_id)).first()
    group_slug = request.GET.get("group", "")
    if group_slug:
        group = Group.objects.filter(slug=group_slug).first()
    kind = request.GET.get("kind", "")
    if kind not in EventKind.values:
        kind = ""
    # A councillor's surgeries (linked from the councillor's page).
    councillor = None
    councillor_slug = request.GET.get("councillor", "")
    if councillor_slug:
        councillor = Councillor.objects.filter(slug=councillor_slug).first()
    events = selectors.event_list(
        request.user, past=past, ward=ward, group=group, councillor=councillor, kind=kind
    )
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/list.html",
        {
            "page": page,
            "events": list(page.object_list),
            "past": past,
            "ward": ward,
            "group": group,
            "councillor": councillor,
            "kind": kind,
            "kinds": EventKind.choices,
            "ward_choices": selectors.filter_wards(request.user, past=past),
            "group_choices": selectors.filter_groups(request.user, past=past),
            "query": query.urlencode(),
            "can_host": bool(_host_choices(request.user)),
            "ward_calendar": ward,
        },
    )


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    user = request.user
    rsvp = selectors.rsvp_of(user, event)
    position = (
        selectors.waiting_position(rsvp)
        if rsvp is not None and rsvp.status == RsvpStatus.WAITING
        else None
    )
    minutes = Minutes.objects.filter(event=event).first()
    is_host = user.has_perm("events.change_event", event)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "host_label": host_label(event),
            "host": host_of(event),
            "rsvp": rsvp,
            "position": position,
            "places_left": selectors.places_left(event),
            "minutes": minutes,
            "is_host": is_host,
            "can_rsvp": user.has_perm("events.rsvp", event) and _open_for_rsvp(event),
            "is_past": event.ends_at < timezone.now(),
            "has_started": event.starts_at <= timezone.now(),
        },
    )


def _open_for_rsvp(event: Event) -> bool:
    return event.cancelled_at is None and event.ends_at > timezone.now()


@require_safe
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return calendar_response(
        [event],
        name=event.title,
        filename=f"event-{event.pk}.ics",
        public=can_view(AnonymousUser(), event),
    )


# --- Hosting ------------------------------------------------------------------------------------


def _host_choice(host: Host) -> tuple[str, str]:
    """A host as a form choice ("group:3", "Friends of the park")."""
    if isinstance(host, Group):
        return f"group:{host.pk}", host.name
    if isinstance(host, Initiative):
        return f"initiative:{host.pk}", host.title
    if isinstance(host, Ward):
        return f"ward:{host.pk}", _("Councillors for %(ward)s ward") % {"ward": host.name}
    return f"councillor:{host.pk}", _("Your surgery (as a councillor)")


def _host_choices(user: Viewer) -> list[tuple[str, str]]:
    """What the user may host for (the rules say), as form choices."""
    return [_host_choice(host) for host in hosts_for(user)]


def _archived_groups(user: Viewer, *, value: str, reason: str) -> dict[str, str]:
    """Archived groups the user organises, keyed by their form value ("group:3" or "3"), with
    the reason each is not a choice: so a page opened before archiving gets a clear answer."""
    groups = Group.objects.filter(pk__in=archived_organised_group_ids(user)).order_by("name")
    return {value.format(pk=group.pk): reason % {"group": group.name} for group in groups}


def _only_archived(request: HttpRequest, refused: dict[str, str], back: str) -> HttpResponse:
    """The user organises groups, but every one is archived: say so rather than a bare 403."""
    if not refused:
        raise PermissionDenied
    for reason in refused.values():
        messages.error(request, reason)
    return redirect(back)


def _host_from(value: str) -> Host | None:
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit():
        return None
    model: Any = {
        "group": Group,
        "initiative": Initiative,
        "ward": Ward,
        "councillor": Councillor,
    }.get(kind)
    if model is None:
        return None
    host: Host | None = model.objects.filter(pk=int(pk)).first()
    return host


def _venues_for(user: Viewer, host: Host | None = None) -> QuerySet[Venue]:
    """Venues in the councils the user hosts for (bounded at national scale)."""
    councils: set[int] = set()
    hosts = [host] if host is not None else hosts_for(user)
    for item in hosts:
        if isinstance(item, Group | Ward):
            councils.add(item.council_id)
        elif isinstance(item, Initiative):
            councils.update(item.wards.values_list("council_id", flat=True))
        elif isinstance(item, Councillor):
            councils.update(
                CouncillorTerm.objects.filter(councillor=item).values_list(
                    "ward__council_id", flat=True
                )
            )
    return Venue.objects.filter(council_id__in=councils).order_by("name")


def _event_values(form: EventForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "description": data["description"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "venue": data.get("venue"),
        "online_url": data.get("online_url") or "",
        "capacity": data.get("capacity"),
        "kind": data.get("kind") or EventKind.MEETING,
    }


def _form_page(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    title: str,
    button: str,
    back: str,
    caption: str = "",
    extra_errors: list[str] | None = None,
    intro: str = "",
    template: str = "events/form.html",
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "button": button,
            "back": back,
            "caption": caption,
            "extra_errors": extra_errors or [],
            "intro": intro,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("event")
def event_new(request: HttpRequest) -> HttpResponse:
    choices = _host_choices(request.user)
    refused = _archived_groups(
        request.user, value="group:{pk}", reason=services.archived_host_refusal()
    )
    if not choices:
        return _only_archived(request, refused, reverse("events:list"))
    venues = _venues_for(request.user)
    title, button = _("Put on an event"), _("Create event")
    if request.method == "POST":
        form = EventForm(request.POST, hosts=choices, refused_hosts=refused, venues=venues)
        if form.is_valid():
            host = _host_from(form.cleaned_data["host"])
            if host is None:
                raise PermissionDenied
            try:
                event = services.event_create(
                    actor=actor_of(request), host=host, **_event_values(form)
                )
            except ServiceError as error:
                return _form_page(
                    request,
                    form=form,
                    title=title,
                    button=button,
                    back=reverse("events:list"),
                    extra_errors=[error.message],
                )
            messages.success(request, _("Your event has been created"))
            return redirect(event.get_absolute_url())
    else:
        initial = {"host": request.GET.get("host", "")}
        if len(choices) == 1:
            initial["host"] = choices[0][0]
        form = EventForm(hosts=choices, refused_hosts=refused, venues=venues, initial=initial)
    return _form_page(request, form=form, title=title, button=button, back=reverse("events:list"))


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied
    going = event.rsvps.filter(status=RsvpStatus.GOING).count()
    kwargs: dict[str, Any] = {
        "venues": _venues_for(request.user, host_of(event))
        | Venue.objects.filter(pk=event.venue_id or 0),
        "going": going,
        "original_start": event.starts_at,
        "surgery": event.councillor_id is not None,
    }
    title, button = _("Change the event"), _("Save changes")
    back = event.get_absolute_url()
    if event.cancelled_at is not None:
        messages.error(request, _("This event has been cancelled and cannot be changed"))
        return redirect(back)
    if request.method == "POST":
        form = EventForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services.event_update(actor=actor_of(request), event=event, **_event_values(form))
            except ServiceError as error:
                return _form_page(
                    request,
                    form=form,
                    title=title,
                    button=button,
                    back=back,
                    caption=event.title,
                    extra_errors=[error.message],
                )
            messages.success(request, _("The event has been changed"))
            return redirect(back)
    else:
        form = EventForm(initial=EventForm.initial_for(event), **kwargs)
    return _form_page(
        request, form=form, title=title, button=button, back=back, caption=event.title
    )


def _run(
    request: HttpRequest,
    *,
    event: Event,
    perm: str,
    perm_obj: Any = None,
    form_class: type[forms.Form],
    title: str,
    button: str,
    action: Any,
    success: str,
    form_kwargs: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    """The shared shape of a form action: permission, form, service, message, redirect."""
    if not request.user.has_perm(perm, perm_obj if perm_obj is not None else event):
        raise PermissionDenied
    back = event.get_absolute_url()
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            try:
                action(form)
            except ServiceError as error:
                return _form_page(
                    request,
                    form=form,
                    title=title,
                    button=button,
                    back=back,
                    caption=event.title,
                    extra_errors=[error.message],
                    intro=intro,
                )
            messages.success(request, success)
            return redirect(back)
    else:
        form = form_class(initial=initial, **kwargs)
    return _form_page(
        request,
        form=form,
        title=title,
        button=button,
        back=back,
        caption=event.title,
        intro=intro,
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    return _run(
        request,
        event=event,
        perm="events.cancel_event",
        form_class=CancelForm,
        title=_("Cancel the event"),
        button=_("Cancel the event"),
        action=lambda f: services.event_cancel(
            actor=actor_of(request), event=event, reason=f.cleaned_data["reason"]
        ),
        success=_("The event has been cancelled and everyone going has been told"),
    )


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not request.user.has_perm("events.rsvp", event):
        raise PermissionDenied
    try:
        result = services.rsvp_going(user=actor_of(request), event=event)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if result.status == RsvpStatus.GOING:
            messages.success(request, _("You're going"))
        else:
            messages.success(
                request,
                _(
                    "The event is full. You're on the waiting list and we'll tell you "
                    "if a place comes up"
                ),
            )
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def rsvp_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    if not request.user.has_perm("events.rsvp", event):
        raise PermissionDenied
    services.rsvp_cancel(user=actor_of(request), event=event)
    messages.success(request, _("You're no longer going"))
    return redirect(event.get_absolute_url())


# --- After the meeting --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    existing = Minutes.objects.filter(event=event).first()
    initial = {"text": existing.text, "decisions": existing.decisions} if existing else None
    return _run(
        request,
        event=event,
        perm="events.write_minutes",
        form_class=MinutesForm,
        title=_("Minutes and decisions"),
        button=_("Save minutes"),
        initial=initial,
        action=lambda f: services.minutes_save(
            actor=actor_of(request),
            event=event,
            text=f.cleaned_data["text"],
            decisions=f.cleaned_data["decisions"],
        ),
        success=_("The minutes have been saved"),
    )


# --- Venues -------------------------------------------------------------------------------------


@require_safe
def venue_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.venue_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "events/venue_list.html",
        {
            "page": page,
            "venues": list(page.object_list),
            "can_add": request.user.has_perm("events.add_venue", None),
        },
    )


@require_safe
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_for(pk)
    if venue is None:
        raise Http404
    return render(
        request,
        "events/venue_detail.html",
        {
            "venue": venue,
            "events": list(selectors.venue_upcoming_events(request.user, venue)),
            "can_change": request.user.has_perm("events.change_venue", venue),
        },
    )


def _venue_groups(user: Viewer) -> list[tuple[str, str]] | None:
    groups = [
        (str(g.pk), g.name)
        for g in Group.objects.filter(pk__in=organised_group_ids(user)).order_by("name")
    ]
    if user.has_perm("events.add_shared_venue"):
        return [("", _("No group: a venue for everyone")), *groups]
    return groups


def _venue_wards(user: Viewer) -> QuerySet[Ward]:
    """Wards of the councils the user adds venues in: their groups' councils, and for site
    admins every council with a group or a venue (a short list even at national scale)."""
    councils = Group.objects.filter(pk__in=organised_group_ids(user)).values("council_id")
    wards = Ward.objects.current().filter(council_id__in=councils)
    if user.has_perm("events.add_shared_venue"):
        wards = Ward.objects.current().filter(
            Q(council_id__in=Group.objects.values("council_id"))
            | Q(council_id__in=Venue.objects.values("council_id"))
        )
    return wards.order_by("name", "pk")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("venue")
def venue_new(request: HttpRequest) -> HttpResponse:
    title, button, back = _("Add a venue"), _("Add venue"), reverse("events:venues")
    refused = _archived_groups(request.user, value="{pk}", reason=services.archived_venue_refusal())
    if not request.user.has_perm("events.add_venue", None):
        return _only_archived(request, refused, back)
    groups = _venue_groups(request.user)
    if request.method == "POST":
        form = VenueForm(
            request.POST, groups=groups, refused_groups=refused, wards=_venue_wards(request.user)
        )
        if form.is_valid():
            group_id = form.cleaned_data.get("group") or ""
            group = Group.objects.filter(pk=int(group_id)).first() if group_id else None
            ward = form.cleaned_data.get("ward")
            council = (
                group.council
                if group is not None
                else (ward.council if ward is not None else Council.objects.order_by("pk").first())
            )
            if council is None:
                raise Http404
            fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                venue = services.venue_create(
                    actor=actor_of(request), council=council, group=group, **fields
                )
            except ServiceError as error:  # the group was archived since the page was built
                form.add_error("group", error.message)
                return _form_page(request, form=form, title=title, button=button, back=back)
            messages.success(request, _("The venue has been added"))
            return redirect(venue.get_absolute_url())
    else:
        form = VenueForm(groups=groups, refused_groups=refused, wards=_venue_wards(request.user))
    return _form_page(request, form=form, title=title, button=button, back=back)


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = selectors.venue_for(pk)
    if venue is None:
        raise Http404
    if not request.user.has_perm("events.change_venue", venue):
        raise PermissionDenied
    title, button, back = _("Change the venue"), _("Save changes"), venue.get_absolute_url()
    if request.method == "POST":
        form = VenueForm(
            request.POST,
            instance=Venue.objects.get(pk=venue.pk),
            wards=Ward.objects.current().filter(council_id=venue.council_id),
        )
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
            services.venue_update(actor=actor_of(request), venue=venue, **fields)
            messages.success(request, _("The venue has been changed"))
            return redirect(back)
    else:
        form = VenueForm(
            instance=venue, wards=Ward.objects.current().filter(council_id=venue.council_id)
        )
    return _form_page(request, form=form, title=title, button=button, back=back, caption=venue.name)


# --- Calendar feeds -----------------------------------------------------------------------------


@require_safe
def ward_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    ward = get_object_or_404(Ward, pk=pk)
    return calendar_response(
        selectors.calendar_events(ward=ward),
        name=_("Events in %(ward)s") % {"ward": ward.name},
        filename=f"ward-{ward.pk}.ics",
    )


@require_safe
def group_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(Group, slug=slug)
    return calendar_response(
        selectors.calendar_events(group=group),
        name=_("Events of %(group)s") % {"group": group.name},
        filename=f"group-{group.slug}.ics",
    )


@require_safe
def councillor_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    councillor = get_object_or_404(Councillor, slug=slug)
    return calendar_response(
        selectors.calendar_events(councillor=councillor),
        name=_("Surgeries of %(name)s") % {"name": councillor.name},
        filename=f"councillor-{councillor.slug}.ics",
    )
