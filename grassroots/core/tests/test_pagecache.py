"""Signed-out visitors' pages come from the cache; a change shows at once; nothing personal is
ever stored or reaches anyone else, through our cache or a proxy's."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from grassroots.accounts.tests.factories import UserFactory
from grassroots.conversations.tests.factories import ConversationFactory, PostFactory
from grassroots.core import pagecache
from grassroots.initiatives.models import Initiative, Visibility
from grassroots.initiatives.tests.factories import InitiativeFactory, MembershipFactory
from grassroots.notifications.models import Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_on")]

LIST = "/initiatives/"


def get(client: Client, path: str) -> tuple[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    return response.get(pagecache.HEADER, ""), response.content.decode()


def test_a_second_visit_is_served_from_the_cache() -> None:
    InitiativeFactory(title="Canal clean-up")
    first, html = get(Client(), LIST)
    second, again = get(Client(), LIST)
    assert (first, second) == ("miss", "hit")
    assert again == html
    assert "Canal clean-up" in again


def test_a_change_through_a_service_shows_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    get(Client(), initiative.get_absolute_url())
    assert get(Client(), initiative.get_absolute_url())[0] == "hit"
    lead = MembershipFactory(initiative=initiative, role="lead").user
    browser = Client()
    browser.force_login(lead)
    response = browser.post(
        reverse("initiatives:update_add", kwargs={"slug": initiative.slug}),
        {"text": "We cleared 40 bags of rubbish on Saturday."},
    )
    assert response.status_code == 302
    state, html = get(Client(), initiative.get_absolute_url())
    assert state == "miss"
    assert "We cleared 40 bags of rubbish on Saturday." in html


def test_a_change_made_with_a_bulk_update_or_raw_sql_shows_at_once() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    get(Client(), LIST)
    Initiative.objects.filter(pk=initiative.pk).update(title="River clean-up")
    assert "River clean-up" in get(Client(), LIST)[1]
    get(Client(), LIST)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE initiatives_initiative SET title = %s WHERE id = %s",
            ["Brook clean-up", initiative.pk],
        )
    state, html = get(Client(), LIST)
    assert state == "miss"
    assert "Brook clean-up" in html


def test_a_rolled_back_change_keeps_the_stored_pages() -> None:
    initiative = InitiativeFactory(title="Canal clean-up")
    get(Client(), LIST)
    with transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(title="Never saved")
        transaction.set_rollback(True)
    state, html = get(Client(), LIST)
    assert state == "hit"
    assert "Canal clean-up" in html


def test_writing_private_records_keeps_the_stored_pages() -> None:
    InitiativeFactory(title="Canal clean-up")
    user = UserFactory()
    get(Client(), LIST)
    Notification.objects.create(recipient=user, kind="update", text="Hello", url="/")
    browser = Client()
    browser.force_login(user)  # a session row and the sign-in time
    assert get(Client(), LIST)[0] == "hit"


def test_an_insiders_page_is_never_stored_nor_shown_to_an_outsider() -> None:
    InitiativeFactory(title="Public garden")
    refuge = InitiativeFactory(title="Refuge support", visibility=Visibility.SAFEGUARDED)
    insider = Client()
    insider.force_login(MembershipFactory(initiative=refuge).user)
    for path in (LIST, refuge.get_absolute_url()):
        response = insider.get(path)
        assert response.status_code == 200
        assert "Refuge support" in response.content.decode()
        assert pagecache.HEADER not in response
        control = response["Cache-Control"]
        assert "private" in control
        assert "no-store" in control
        assert "Cookie" in response["Vary"]
    outsider = Client()
    assert "Refuge support" not in get(outsider, LIST)[1]
    assert outsider.get(refuge.get_absolute_url()).status_code == 404
    # Signed in but outside: the list is drawn for them, never from the signed-out copy.
    stranger = Client()
    stranger.force_login(UserFactory())
    response = stranger.get(LIST)
    assert pagecache.HEADER not in response
    assert "Refuge support" not in response.content.decode()


def test_signed_out_pages_tell_shared_caches_what_they_vary_on() -> None:
    response = Client().get(LIST)
    vary = response["Vary"]
    assert "Cookie" in vary
    assert "Accept-Language" in vary
    assert "private" not in response.get("Cache-Control", "")


def test_a_visitor_with_a_message_or_a_session_is_not_served_a_stored_page() -> None:
    get(Client(), LIST)
    for cookie in ("messages", "sessionid"):
        browser = Client()
        browser.cookies[cookie] = "something"
        response = browser.get(LIST)
        assert response.status_code == 200
        assert pagecache.HEADER not in response


def test_a_page_with_a_form_token_is_never_stored() -> None:
    for _ in range(2):
        response = Client().get("/accounts/login/")
        assert response.status_code == 200
        assert response.get(pagecache.HEADER) != "hit"
        assert "csrftoken" in response.cookies


def test_a_conversation_reply_shows_at_once() -> None:
    conversation = ConversationFactory(question="Where should the bench go?")
    path = conversation.get_absolute_url()
    get(Client(), path)
    assert get(Client(), path)[0] == "hit"
    PostFactory(conversation=conversation, body="By the pond, please.")
    assert "By the pond, please." in get(Client(), path)[1]


def test_pages_work_when_the_cache_does_not_answer() -> None:
    InitiativeFactory(title="Canal clean-up")
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead):
        for _ in range(2):
            response = Client().get(LIST)
            assert response.status_code == 200
            assert "Canal clean-up" in response.content.decode()
            assert pagecache.HEADER not in response


@pytest.mark.parametrize(
    ("sql", "public"),
    [
        ('INSERT INTO "initiatives_initiative" ("title") VALUES (%s)', True),
        ('UPDATE "conversations_post" SET "body" = %s WHERE id = 1', True),
        ('DELETE FROM "events_event" WHERE id = 1', True),
        ("delete from events_event where id = 1", True),
        ('COPY "places_postcode" ("postcode") FROM STDIN', True),
        ("WITH moved AS (UPDATE x SET a = 1 RETURNING id) SELECT * FROM moved", True),
        ('SELECT "title" FROM "initiatives_initiative"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "notifications_notification" ("message") VALUES (%s)', False),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "accounts_user" SET "display_name" = %s WHERE "accounts_user"."id" = %s', True),
    ],
)
def test_which_statements_mark_pages_out_of_date(sql: str, public: bool) -> None:
    assert pagecache.is_public_write(sql) is public


def test_every_new_connection_is_watched() -> None:
    connection.close()
    connection.ensure_connection()
    assert pagecache.watch_writes in connection.execute_wrappers
    assert timezone.now()  # the connection answers
