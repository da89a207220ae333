"""The client's address behind a configured number of trusted proxies (core.net.client_ip)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from grassroots.core.net import client_ip


def _request(remote: str = "10.0.0.5", forwarded: str | None = None) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_it_ignores_the_header_when_no_proxy_is_trusted(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_it_takes_the_address_the_one_proxy_saw(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_it_ignores_entries_a_visitor_made_up(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The visitor sent "X-Forwarded-For: 1.2.3.4, 5.6.7.8"; the proxy appended what it saw.
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 5.6.7.8, 203.0.113.9")) == "203.0.113.9"


def test_it_counts_from_the_right_through_two_proxies(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    # A CDN saw the visitor (203.0.113.9); the load balancer saw the CDN (192.0.2.50).
    forwarded = "1.2.3.4, 203.0.113.9, 192.0.2.50"
    assert client_ip(_request("10.0.0.5", forwarded)) == "203.0.113.9"


def test_it_uses_the_leftmost_entry_when_an_outer_proxy_was_skipped(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_it_uses_the_peer_when_the_request_did_not_pass_a_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", " , ")) == "10.0.0.5"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.9:51234", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0::1", "2001:db8::1"),
        ("not-an-address", "10.0.0.5"),
        ("unknown", "10.0.0.5"),
    ],
)
def test_it_normalises_what_the_proxy_wrote(settings: Any, forwarded: str, expected: str) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.5", forwarded)) == expected
