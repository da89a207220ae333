"""400, 403, 404 and 500 pages: the site's own design, the right status, no details leaked."""

from __future__ import annotations

import re
from typing import Any, NoReturn

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from pytest_django.fixtures import DjangoAssertNumQueries

from grassroots import urls as site_urls
from grassroots.core.tests.browser import assert_accessible
from grassroots.core.views import service_unavailable

pytestmark = pytest.mark.django_db


# A URLConf for these tests only: the whole site, plus views that fail on purpose, with the
# site's own error handlers.
def _forbidden(request: HttpRequest) -> NoReturn:
    raise PermissionDenied


def _suspicious(request: HttpRequest) -> NoReturn:
    raise SuspiciousOperation("tampered")


def _broken(request: HttpRequest) -> NoReturn:
    raise RuntimeError("secret internal detail")


urlpatterns = [
    path("test-only/forbidden", _forbidden),
    path("test-only/suspicious", _suspicious),
    path("test-only/broken", _broken),
    # The page a database outage gets (core/tests/test_database_unavailable.py causes a real one).
    path("test-only/unavailable", service_unavailable),
    *site_urls.urlpatterns,
]
handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500

with_test_views = pytest.mark.urls(__name__)


def assert_in_site_design(content: bytes, heading: str) -> None:
    page = content.decode()
    assert re.search(r'<html lang="en[^"]*"', page), "no lang attribute"
    assert 'class="govuk-skip-link"' in page
    assert 'href="#main-content"' in page
    assert 'id="main-content"' in page
    assert "govuk-generic-header" in page
    assert "/static/css/app.css" in page
    assert re.search(rf"<title>{re.escape(heading)} – Grassroots</title>", page), "bad title"
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", page)
    assert 'href="/accessibility"' in page


def test_a_missing_page_is_404_in_the_site_design(client: Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_in_site_design(response.content, "Page not found")
    assert b"If you typed the web address, check it is correct." in response.content


def test_a_missing_place_is_404_in_the_site_design(client: Client) -> None:
    response = client.get("/councils/nowhere/")
    assert response.status_code == 404
    assert_in_site_design(response.content, "Page not found")


def test_a_bad_host_header_is_400_in_the_site_design(client: Client) -> None:
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert_in_site_design(response.content, "Something was wrong with that request")
    assert b"evil.example" not in response.content


@with_test_views
def test_a_suspicious_request_is_400_in_the_site_design(client: Client) -> None:
    response = client.get("/test-only/suspicious")
    assert response.status_code == 400
    assert_in_site_design(response.content, "Something was wrong with that request")
    assert b"tampered" not in response.content


@with_test_views
def test_permission_denied_is_403_in_the_site_design(client: Client) -> None:
    response = client.get("/test-only/forbidden")
    assert response.status_code == 403
    assert_in_site_design(response.content, "You do not have permission to do that")
    assert b'href="/accounts/login/"' in response.content


def test_a_form_without_its_csrf_token_is_403_in_the_site_design() -> None:
    # Django renders templates/403_csrf.html, with the request, for CSRF failures.
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert_in_site_design(response.content, "Sorry, that form has expired")


@with_test_views
def test_a_crash_is_500_in_the_site_design_without_details() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/broken")
    assert response.status_code == 500
    assert_in_site_design(response.content, "Sorry, there is a problem with the service")
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content


@with_test_views
def test_the_500_page_needs_no_database(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = Client(raise_request_exception=False)
    with django_assert_max_num_queries(0):
        response = client.get("/test-only/broken")
    assert response.status_code == 500


@pytest.mark.parametrize("url", ["/no/such/page", "/councils/nowhere/"])
def test_error_pages_keep_the_security_headers(client: Client, url: str) -> None:
    response = client.get(url)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@with_test_views
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/no/such/page", 404),
        ("/test-only/suspicious", 400),
        ("/test-only/forbidden", 403),
        ("/test-only/broken", 500),
        ("/test-only/unavailable", 503),
    ],
)
def test_error_pages_are_accessible(browser: Any, live_server: Any, url: str, status: int) -> None:
    page = browser.new_page()
    try:
        response = page.goto(live_server.url + url)
        assert response is not None
        assert response.status == status
        assert_accessible(page)
    finally:
        page.close()


# --- A development site (`make run`: DEBUG on) shows the same pages, unless a developer asks.


@pytest.fixture
def development_site(settings: Any) -> None:
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = False


@pytest.mark.usefixtures("development_site")
def test_it_shows_the_site_404_for_an_unknown_address_while_developing(client: Client) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert_in_site_design(response.content, "Page not found")
    assert b"URLconf" not in response.content


@pytest.mark.usefixtures("development_site")
def test_it_shows_the_site_404_for_a_missing_thing_while_developing(client: Client) -> None:
    response = client.get("/councils/nowhere/")
    assert response.status_code == 404
    assert_in_site_design(response.content, "Page not found")
    assert b"Raised by" not in response.content


@with_test_views
@pytest.mark.usefixtures("development_site")
def test_it_shows_the_site_403_and_400_while_developing(client: Client) -> None:
    forbidden = client.get("/test-only/forbidden")
    assert forbidden.status_code == 403
    assert_in_site_design(forbidden.content, "You do not have permission to do that")
    suspicious = client.get("/test-only/suspicious")
    assert suspicious.status_code == 400
    assert_in_site_design(suspicious.content, "Something was wrong with that request")


@with_test_views
@pytest.mark.usefixtures("development_site")
def test_it_shows_the_site_500_while_developing_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/test-only/broken")
    assert response.status_code == 500
    assert_in_site_design(response.content, "Sorry, there is a problem with the service")
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content
    # The developer still sees what broke, in the terminal.
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info is not None
    assert "secret internal detail" in str(record.exc_info[1])


@with_test_views
def test_a_developer_can_switch_django_debug_pages_back_on(settings: Any) -> None:
    settings.DEBUG = True
    settings.DEBUG_ERROR_PAGES = True
    client = Client(raise_request_exception=False)
    missing = client.get("/no/such/page")
    assert missing.status_code == 404
    assert b"URLconf" in missing.content
    broken = client.get("/test-only/broken")
    assert broken.status_code == 500
    assert b"secret internal detail" in broken.content
