"""`{% site_url %}`: the header's and footer's addresses, worked out once, as `{% url %}` would."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

NAMES = ["home", "privacy", "accessibility", "notifications:inbox", "account_login"]


@pytest.mark.parametrize("name", NAMES)
def test_it_is_the_route_s_address(name: str) -> None:
    text = Template("{% load site_nav %}{% site_url name %}").render(Context({"name": name}))
    assert text == reverse(name)


def test_it_follows_the_script_prefix() -> None:
    template = Template("{% load site_nav %}{% site_url 'privacy' %}")
    try:
        set_script_prefix("/grassroots/")
        assert template.render(Context()) == "/grassroots/privacy"
    finally:
        set_script_prefix("/")
    assert template.render(Context()) == "/privacy"
