from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.accounts.selectors import is_sitting_councillors_name
from grassroots.accounts.types import Actor
from grassroots.core.forms import PlainTextField
from grassroots.core.text import skeleton
from grassroots.places.forms import check_postcode, postcode_field, set_postcode_messages
from grassroots.places.models import Ward
from grassroots.places.selectors import ward_for_postcode

# Words that would make a display name look like a role the person was given. Roles are granted,
# never self-declared, and shown from the role itself ("Councillor for Riverside ward").
ROLE_WORDS = frozenset(
    {
        "councillor",
        "councilor",
        "cllr",
        "clr",
        "officer",
        "moderator",
        "mod",
        "admin",
        "administrator",
        "sysadmin",
        "mayor",
        "safeguarding",
    }
)


def poses_as_role(name: str) -> bool:
    """A name with a role word in it, or that starts or ends with "council" ("Leeds City
    Council"), however it is spelt with capitals, spaces or look-alike letters."""
    words = skeleton(name).split()
    if not words:
        return False
    squashed = "".join(words)
    return (
        bool(ROLE_WORDS.intersection(words))
        or words[0] == "council"
        or words[-1] == "council"
        or any(squashed.startswith(word) for word in ("councillor", "councilor", "cllr"))
    )


class ProfileForm(forms.Form):
    display_name = PlainTextField(
        name=True,
        label=_("Display name"),
        max_length=80,
        help_text=_("Other people see this next to what you write. You can use your first name."),
        error_messages={
            "required": _("Enter a display name"),
            "max_length": _("Display name must be 80 characters or fewer"),
        },
    )
    postcode = postcode_field(
        label=_("Postcode (optional)"),
        required=False,
        help_text=_("We use it to find your ward. We never show it to anyone."),
    )

    ward: Ward | None = None

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        set_postcode_messages(self.fields["postcode"], hint=False)

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        if poses_as_role(name):
            raise forms.ValidationError(
                _(
                    "Display name must not include a role, like councillor, officer or "
                    "moderator. People see your role next to your name when you hold one"
                )
            )
        if is_sitting_councillors_name(name, user=self.user):
            raise forms.ValidationError(
                _("Display name must not be the name of one of the councillors. Use another name")
            )
        # Angle brackets only ever come from pasted markup; control characters break layouts.
        if "<" in name or ">" in name:
            raise forms.ValidationError(_("Display name must not include < or >"))
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
            raise forms.ValidationError(
                _("Display name must only include letters, numbers, spaces and punctuation")
            )
        return name

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data.get("postcode", "").strip()
        if not text:
            return ""
        result = ward_for_postcode(text)
        # The same messages as "Find your area", so a postcode gets one answer everywhere.
        check_postcode(result, allow_not_covered=True)
        self.ward = result.ward  # None when the area is not covered yet: still saved, privately
        return result.postcode or ""


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that deleting my account cannot be undone"),
        error_messages={"required": _("Confirm that you want to delete your account")},
    )
