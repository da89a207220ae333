"""The client's address, behind however many proxies the operator runs.

Behind a reverse proxy every request comes from the proxy's address (`REMOTE_ADDR`), and the
visitor's own address is in `X-Forwarded-For`. Only the entries our own proxies appended can be
trusted: each proxy appends the address it was reached from, so with `TRUSTED_PROXY_COUNT`
proxies the visitor is the entry that many places from the right. Anything further left was
written by the visitor and may be made up, so it is never read. With no trusted proxies (the
default) the header is ignored altogether and `REMOTE_ADDR` is the client.

Every rate limit (django-ratelimit through `RATELIMIT_IP_META_KEY`, allauth through
`AccountAdapter.get_client_ip`) and every "from where" in a security email asks this function.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    """`value` as a normalised IP address, or None if it is not one (ports are dropped)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the person making `request` (see the module's docstring)."""
    remote = _address(str(request.META.get("REMOTE_ADDR") or "")) or "0.0.0.0"  # noqa: S104
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    if not hops:
        # Reached without passing a proxy (a health check on the private network, say).
        return remote
    # Fewer entries than proxies: the request skipped the outer ones, so the leftmost entry is
    # the one the first proxy it did pass wrote.
    hop = hops[-proxies] if len(hops) >= proxies else hops[0]
    return _address(hop) or remote
