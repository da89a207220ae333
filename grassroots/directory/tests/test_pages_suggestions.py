"""Suggestions, the editors' queue and owners' checks: who may do each write, bad input,
what approving applies, audit, notifications, the yearly question and the rate limit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.models import User
from grassroots.core.models import AuditEntry
from grassroots.core.services import ServiceError
from grassroots.directory import services
from grassroots.directory.models import ListingStatus, Organization, Service
from grassroots.directory.models_suggestions import Suggestion, SuggestionKind, SuggestionStatus
from grassroots.directory.tests.factories import OrganizationFactory, full_service
from grassroots.directory.tests.pages import centre_postcode
from grassroots.notifications.models import Notification
from grassroots.testing.people import make_editor, make_resident

pytestmark = pytest.mark.django_db

NEW_LISTING = {
    "organization_name": "Brookmere Men's Shed",
    "organization_kind": "community_group",
    "name": "Woodwork mornings",
    "need": "loneliness",
    "description": "Make things and have a cup of tea.",
    "who_for": "Anyone over 18.",
    "eligibility": "",
    "cost": "£2 a session",
    "how_to_access": "Just turn up.",
    "address_1": "Unit 4, Mill Yard",
    "city": "Brookmere",
    "postcode": "GR3 1BN",
    "phone": "01632 960555",
    "url": "https://shed.example/",
    "email": "",
    "note": "",
}


def _owner_and_service() -> tuple[User, Service]:
    owner = make_resident(name="Olive Owner")
    service = full_service(organization=OrganizationFactory(owner=owner))
    return owner, service


def _people(owner: User) -> dict[str, Callable[[], User | None]]:
    return {
        "editor": make_editor,
        "owner": lambda: owner,
        "resident": make_resident,
        "anonymous": lambda: None,
    }


def _login(client: Any, user: User | None) -> None:
    if user is not None:
        client.force_login(user)


def _pending(author: User, service: Service | None = None) -> Suggestion:
    if service is None:
        proposed = {k: v for k, v in NEW_LISTING.items() if k != "note"}
        return services.suggestion_create(actor=author, proposed=proposed)
    return services.suggestion_create(
        actor=author, service=service, proposed={"name": "Renamed"}, note="New name"
    )


@pytest.mark.parametrize("who", ["editor", "owner", "resident", "anonymous"])
def test_who_may_suggest_a_new_listing(client: Any, who: str) -> None:
    centre_postcode()
    owner, _ = _owner_and_service()
    _login(client, _people(owner)[who]())
    response = client.post(reverse("directory:suggest"), NEW_LISTING)
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert not Suggestion.objects.exists()
    else:
        assert response.status_code == 302
        suggestion = Suggestion.objects.get()
        assert suggestion.kind == SuggestionKind.NEW
        assert suggestion.status == SuggestionStatus.PENDING
        # Nothing is public until an editor approves it.
        assert not Organization.objects.filter(name="Brookmere Men's Shed").exists()


@pytest.mark.parametrize("who", ["editor", "owner", "resident", "anonymous"])
def test_who_may_suggest_a_correction(client: Any, who: str) -> None:
    owner, service = _owner_and_service()
    _login(client, _people(owner)[who]())
    url = reverse("directory:correct", args=[service.pk])
    data = {**{k: getattr(service, k) for k in services.SERVICE_FIELDS}, "need": service.need}
    response = client.post(url, {**data, "name": "Marsh pantry", "note": "It moved"})
    assert response.status_code == 302
    if who == "anonymous":
        assert not Suggestion.objects.exists()
    else:
        suggestion = Suggestion.objects.get()
        assert suggestion.service == service
        service.refresh_from_db()
        assert service.name != "Marsh pantry"


@pytest.mark.parametrize("who", ["editor", "owner", "resident", "anonymous"])
def test_who_may_see_the_queue_and_decide(client: Any, who: str) -> None:
    centre_postcode()
    owner, _ = _owner_and_service()
    first = _pending(make_resident())
    second = _pending(make_resident())
    _login(client, _people(owner)[who]())
    queue = client.get(reverse("directory:queue"))
    detail = client.get(reverse("directory:suggestion", args=[first.pk]))
    approve = client.post(reverse("directory:approve", args=[first.pk]))
    reject = client.post(reverse("directory:reject", args=[second.pk]), {"reason": "Closed"})
    first.refresh_from_db()
    second.refresh_from_db()
    if who == "editor":
        assert queue.status_code == detail.status_code == 200
        assert first.status == SuggestionStatus.APPROVED
        assert second.status == SuggestionStatus.REJECTED
    elif who == "anonymous":
        for response in (queue, detail, approve, reject):
            assert response.status_code == 302
        assert first.status == second.status == SuggestionStatus.PENDING
    else:
        for response in (queue, detail, approve, reject):
            assert response.status_code == 403
        assert first.status == second.status == SuggestionStatus.PENDING


@pytest.mark.parametrize("who", ["editor", "owner", "resident", "anonymous"])
def test_who_may_confirm_a_listing(client: Any, who: str) -> None:
    owner, service = _owner_and_service()
    organization = service.organization
    _login(client, _people(owner)[who]())
    url = reverse("directory:confirm", args=[organization.pk])
    page = client.get(url)
    response = client.post(url)
    organization.refresh_from_db()
    service.refresh_from_db()
    if who in ("editor", "owner"):
        assert page.status_code == 200
        assert response.status_code == 302
        assert organization.last_checked == timezone.localdate()
        assert service.last_checked == timezone.localdate()
    else:
        assert page.status_code == response.status_code == (302 if who == "anonymous" else 403)
        assert organization.last_checked is None


def test_approving_a_new_listing_lists_it_with_audit_and_notifications(client: Any) -> None:
    centre_postcode()
    author = make_resident()
    editor = make_editor()
    suggestion = _pending(author)
    assert Notification.objects.filter(recipient=editor, kind="directory").exists()
    service = services.suggestion_approve(actor=editor, suggestion=suggestion)
    assert service.listing_status == ListingStatus.APPROVED
    assert service.organization.listing_status == ListingStatus.APPROVED
    assert service.last_checked == timezone.localdate()
    location = service.service_at_locations.get().location
    assert (location.postcode, location.latitude) == ("GR3 1BN", 52.2)
    assert service.contacts.get().phones.get().number == "01632 960555"
    assert Notification.objects.filter(recipient=author, kind="directory").exists()
    assert AuditEntry.objects.filter(action="directory.approve").exists()
    response = client.get(reverse("directory:search"), {"postcode": "GR3 1BN"})
    assert [r.service for r in response.context["results"]] == [service]
    # Deciding twice is refused and changes nothing.
    with pytest.raises(ServiceError):
        services.suggestion_approve(actor=editor, suggestion=suggestion)
    assert Service.objects.count() == 1


def test_approving_a_correction_applies_it_and_tells_the_owner() -> None:
    owner, service = _owner_and_service()
    author = make_resident()
    suggestion = _pending(author, service)
    services.suggestion_approve(actor=make_editor(), suggestion=suggestion)
    service.refresh_from_db()
    assert service.name == "Renamed"
    assert service.last_checked == timezone.localdate()
    assert Notification.objects.filter(recipient=owner, kind="directory").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"organization_name": ""}, "Enter the name of the organisation"),
        ({"name": "  "}, "Enter the name of the service"),
        ({"name": "x" * 256}, "This must be 255 characters or fewer"),
        ({"need": "spaceships"}, "Choose what the service helps with from the list"),
        ({"organization_kind": "cult"}, "Choose what kind of organisation it is from the list"),
        ({"postcode": "nowhere"}, "Enter a real postcode, like GR3 1BN"),
        ({"postcode": "ZZ9 9ZZ"}, "We do not know the postcode ZZ9 9ZZ"),
        ({"url": "not a web page"}, "Enter a web address"),
        ({"email": "nobody"}, "Enter an email address"),
    ],
)
def test_bad_input_on_the_suggestion_form(
    client: Any, change: dict[str, str], message: str
) -> None:
    centre_postcode()
    client.force_login(make_resident())
    response = client.post(reverse("directory:suggest"), {**NEW_LISTING, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(client: Any) -> None:
    _, service = _owner_and_service()
    client.force_login(make_resident())
    data = {**{k: getattr(service, k) for k in services.SERVICE_FIELDS}, "need": service.need}
    response = client.post(reverse("directory:correct", args=[service.pk]), data)
    assert response.status_code == 200
    assert "Change something" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_no_correction_to_a_listing_that_is_not_public(client: Any) -> None:
    service = full_service(listing_status=ListingStatus.DRAFT)
    client.force_login(make_resident())
    assert client.get(reverse("directory:correct", args=[service.pk])).status_code == 404
    with pytest.raises(ServiceError):
        services.suggestion_create(actor=make_resident(), service=service, proposed={"name": "X"})


def test_rejecting_needs_a_reason(client: Any) -> None:
    centre_postcode()
    suggestion = _pending(make_resident())
    client.force_login(make_editor())
    response = client.post(reverse("directory:reject", args=[suggestion.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Enter why the suggestion is rejected" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING


@pytest.mark.usefixtures("held_clock")
@override_settings(GRASSROOTS_RATE_LIMITS={"listing_suggestion": ["2/m"]})
def test_suggestions_are_rate_limited(client: Any) -> None:
    centre_postcode()
    client.force_login(make_resident())
    for _ in range(2):
        client.post(reverse("directory:suggest"), NEW_LISTING)
    response = client.post(reverse("directory:suggest"), NEW_LISTING)
    assert response.status_code == 429
    assert Suggestion.objects.count() == 2


def test_owners_are_asked_once_a_year(client: Any) -> None:
    owner, service = _owner_and_service()
    organization = service.organization
    organization.last_checked = timezone.localdate() - datetime.timedelta(days=400)
    organization.save()
    fresh = OrganizationFactory(owner=owner, last_checked=timezone.localdate())
    OrganizationFactory(last_checked=None)  # no owner: nobody to ask
    call_command("ask_directory_owners")
    asked = Notification.objects.filter(recipient=owner, kind="directory")
    assert asked.count() == 1
    assert reverse("directory:confirm", args=[organization.pk]) in asked.get().url
    call_command("ask_directory_owners")
    assert asked.count() == 1  # once, not every run
    client.force_login(owner)
    client.post(reverse("directory:confirm", args=[organization.pk]))
    organization.refresh_from_db()
    fresh.refresh_from_db()
    assert organization.owner_asked_at is None
    assert organization.last_checked == timezone.localdate()
    assert AuditEntry.objects.filter(action="directory.ask_owner").count() == 1


def test_queue_queries_are_bounded(client: Any, django_assert_max_num_queries: Any) -> None:
    centre_postcode()
    for _ in range(25):
        _pending(make_resident())
    client.force_login(make_editor())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:queue"))
    assert len(response.context["suggestions"]) == 20
