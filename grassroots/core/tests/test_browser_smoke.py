from __future__ import annotations

from typing import Any

import pytest

from grassroots.core.tests.browser import visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_is_accessible(browser: Any, live_server: Any) -> None:
    page = browser.new_page()
    visit(page, live_server.url + "/")
    assert page.get_by_label("Postcode").is_visible()
    page.close()
