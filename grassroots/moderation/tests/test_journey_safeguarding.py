"""A resident reports a safeguarding concern about a reply, in a real browser with axe.

They make a mistake first, then send it, and are told what happens next and to call 999 in an
emergency; the council's safeguarding contact gets the email, acknowledges the concern and hides
the reply (a mistake first, then with a reason); a moderator's queue and item pages pass axe
too and never show the concern.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from grassroots.core.tests.browser import assert_accessible, follow, page_as, visit
from grassroots.moderation.models import ConcernStatus, SafeguardingConcern
from grassroots.moderation.tests.factories import build_moderation_town, report_as
from grassroots.testing.worlds import Town

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_resident_reports_a_safeguarding_concern_about_a_reply(
    browser: Any, live_server: Any, javascript: bool
) -> None:
    town: Town = build_moderation_town()
    base = live_server.url
    resident = page_as(browser, live_server, town.person("resident"), javascript=javascript)
    visit(resident, f"{base}/conversations/{town.conversation().pk}/")
    follow(resident.get_by_role("link", name="Report this reply"))
    assert "Report a problem" in resident.content()
    assert_accessible(resident)
    # A mistake first: no reason chosen.
    follow(resident.get_by_role("button", name="Send report"))
    resident.wait_for_selector(".govuk-error-summary")  # the answer, not the page before it
    assert "There is a problem" in resident.content()
    assert_accessible(resident)
    resident.get_by_label("A safeguarding concern: someone may be at risk of harm").check()
    resident.get_by_label("Tell us more (optional)").fill("They say they are not safe at home.")
    follow(resident.get_by_role("button", name="Send report"))
    resident.wait_for_selector("text=Your safeguarding concern has been sent")
    body = resident.content()
    assert "Your safeguarding concern has been sent" in body
    assert "What happens next" in body
    assert "call 999" in body
    assert_accessible(resident)

    concern = SafeguardingConcern.objects.get()
    [message] = mail.outbox
    assert message.to == ["safeguarding@council.example"]
    assert "Rita Resident" in message.body
    assert "rita@example.org" in message.body

    contact = page_as(
        browser, live_server, town.person("safeguarding contact"), javascript=javascript
    )
    visit(contact, f"{base}/moderation/safeguarding/")
    follow(contact.get_by_role("link", name=str(concern.pk), exact=True))
    contact.wait_for_url(f"{base}/moderation/safeguarding/{concern.pk}/")
    assert "They say they are not safe at home." in contact.content()
    assert_accessible(contact)
    follow(contact.get_by_role("button", name="Acknowledge"))
    contact.wait_for_selector("text=Concern acknowledged")
    assert_accessible(contact)
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ACKNOWLEDGED
    # The header takes the contact back to the concerns; from the concern, they hide the reply.
    concern_url = f"{base}/moderation/safeguarding/{concern.pk}/"
    follow(contact.get_by_role("link", name="Safeguarding concerns"))
    contact.wait_for_url(f"{base}/moderation/safeguarding/")
    follow(contact.get_by_role("link", name=str(concern.pk), exact=True))
    contact.wait_for_url(concern_url)
    follow(contact.get_by_role("button", name="Hide it from the site"))
    contact.wait_for_url(f"{concern_url}hide/")
    assert "Hide this reply" in contact.content()
    assert_accessible(contact)
    follow(contact.get_by_role("button", name="Hide it", exact=True))  # no reason: an error
    contact.wait_for_selector(".govuk-error-summary")
    assert "Enter the reason" in contact.content()
    assert_accessible(contact)
    contact.get_by_label("Why is it being hidden?").fill("It names a child.")
    follow(contact.get_by_role("button", name="Hide it", exact=True))
    contact.wait_for_url(concern_url)
    assert "The author has been told the reason" in contact.content()
    assert_accessible(contact)
    assert town.post().hidden_reason == "It names a child."

    report_as(town.person("ward councillor"), town.events["ward"], "spam", "Selling tickets")
    moderator = page_as(browser, live_server, town.person("moderator"), javascript=javascript)
    visit(moderator, f"{base}/moderation/")
    assert "They say they are not safe at home." not in moderator.content()
    follow(moderator.get_by_role("link", name="Event: Litter pick"))
    assert_accessible(moderator)
    follow(moderator.get_by_role("button", name="Hide"))  # without a reason: an error
    assert "Enter the reason" in moderator.content()
    assert_accessible(moderator)
