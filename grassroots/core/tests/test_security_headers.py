"""Security headers and cookies: CSP without inline script, no framing, a referrer policy;
with production settings, secure cookies, HSTS and a redirect to HTTPS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from grassroots import urls as site_urls
from grassroots.places.tests.factories import (
    CouncillorTermFactory,
    PostcodeFactory,
)

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]


def _remember(request: HttpRequest) -> HttpResponse:
    # Writes to the session, so the response must set the session cookie.
    request.session["seen"] = True
    return HttpResponse("ok")


def _broken(request: HttpRequest) -> NoReturn:
    raise RuntimeError("broken on purpose")


urlpatterns = [
    path("test-only/remember", _remember),
    path("test-only/broken", _broken),
    *site_urls.urlpatterns,
]
handler500 = site_urls.handler500


@pytest.fixture
def places() -> dict[str, str]:
    term = CouncillorTermFactory()
    PostcodeFactory(postcode="SW1A 1AA", ward_code=term.ward.gss_code)
    return {
        "council": term.ward.council.get_absolute_url(),
        "ward": term.ward.get_absolute_url(),
        "councillor": term.councillor.get_absolute_url(),
    }


def public_pages(places: dict[str, str]) -> list[str]:
    return [
        "/",
        "/find-your-area?postcode=not+a+postcode",
        "/find-your-area?lat=x&lon=y",
        "/councils/",
        places["council"],
        places["ward"],
        places["councillor"],
        "/accessibility",
        "/privacy",
        "/no/such/page",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ]


class _InlineCode(HTMLParser):
    """Collects everything a strict CSP would block or that runs code from markup."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            kind = (values.get("type") or "").lower()
            if not values.get("src") and kind != "application/json":
                self.problems.append(f"inline <script {attrs}>")
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")


def inline_code(content: bytes) -> list[str]:
    parser = _InlineCode()
    parser.feed(content.decode())
    return parser.problems


def csp(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = [part.split() for part in policy.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def test_every_public_page_has_no_inline_code(client: Client, places: dict[str, str]) -> None:
    for url in public_pages(places):
        response = client.get(url)
        assert response.status_code == (404 if url == "/no/such/page" else 200), url
        assert inline_code(response.content) == [], url


def test_every_public_page_sends_a_strict_content_security_policy(
    client: Client, places: dict[str, str]
) -> None:
    for url in public_pages(places):
        policy = csp(client.get(url))
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["base-uri"] == ["'self'"], url
        assert policy["form-action"] == ["'self'"], url
        for directive, sources in policy.items():
            assert "'unsafe-inline'" not in sources, (url, directive)
            assert "'unsafe-eval'" not in sources, (url, directive)


def test_map_tiles_are_the_only_other_origin_allowed(client: Client) -> None:
    policy = csp(client.get("/"))
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


def test_pages_cannot_be_framed_and_keep_referrers_on_the_site(
    client: Client, places: dict[str, str]
) -> None:
    for url in public_pages(places):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


@pytest.mark.urls(__name__)
def test_the_500_page_keeps_the_headers() -> None:
    response = Client(raise_request_exception=False).get("/test-only/broken")
    assert response.status_code == 500
    assert csp(response)["script-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert inline_code(response.content) == []


# --- With the settings production gets (DEBUG off), read from the real settings module.

_SECURITY_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
]


def production_security_settings() -> dict[str, Any]:
    """The security settings as grassroots/settings.py computes them with DEBUG=false."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "security-headers-test-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
    }
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)  # the production defaults, not whatever this shell says
    code = (
        "import json, grassroots.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {_SECURITY_SETTINGS!r}}}))"
    )
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, check=True, text=True
    )
    values: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return values


@pytest.fixture
def production() -> Iterator[dict[str, Any]]:
    values = production_security_settings()
    with override_settings(**values):
        yield values


def test_production_settings_are_secure(production: dict[str, Any]) -> None:
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000


def test_in_production_http_is_redirected_to_https(production: dict[str, Any]) -> None:
    response = Client().get("/councils/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/councils/"


def test_in_production_the_health_check_answers_over_http(production: dict[str, Any]) -> None:
    # Load balancers probe over plain HTTP inside the network.
    assert Client().get("/healthz").status_code == 200


def test_in_production_https_responses_carry_hsts(production: dict[str, Any]) -> None:
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.urls(__name__)
def test_in_production_the_session_cookie_is_secure_and_http_only(
    production: dict[str, Any],
) -> None:
    response = Client().get("/test-only/remember", secure=True)
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_in_production_the_csrf_cookie_is_secure_and_http_only(
    production: dict[str, Any],
) -> None:
    response = Client().get("/accounts/login/", secure=True)
    assert response.status_code == 200
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
