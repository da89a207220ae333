"""allauth's forms with GOV.UK wording: labels, hints and error messages that say what to do.

settings.ACCOUNT_FORMS and settings.MFA_FORMS point allauth at these classes. They change only
the words on the fields; allauth keeps all of the behaviour (rate limits, verification, MFA).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")


def _word(
    form: forms.BaseForm,
    name: str,
    *,
    label: StrOrPromise,
    required: StrOrPromise | None = None,
    hint: StrOrPromise | None = None,
    invalid: StrOrPromise | None = None,
) -> None:
    """Relabel one field of an allauth form, if the form has it under the current settings."""
    field = form.fields.get(name)
    if field is None:
        return
    field.label = label
    field.help_text = hint or ""
    if required:
        field.error_messages["required"] = required
    if invalid:
        field.error_messages["invalid"] = invalid
    if isinstance(field.widget, forms.EmailInput | forms.TextInput):
        field.widget.attrs["spellcheck"] = "false"


def _password_hint() -> str:
    """The rules our password validators enforce, in one sentence."""
    length = next(
        (
            v.min_length
            for v in password_validation.get_default_password_validators()
            if isinstance(v, MinimumLengthValidator)
        ),
        8,
    )
    return gettext(
        "Use at least %(length)d characters. Do not use a common password, only numbers, "
        "or something like your email address."
    ) % {"length": length}


class LoginForm(account_forms.LoginForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "login",
            label=_("Email address"),
            required=_("Enter your email address"),
            invalid=_EMAIL_INVALID,
        )
        # allauth puts a "Forgot your password?" link in the hint; the page shows it instead.
        _word(self, "password", label=_("Password"), required=_("Enter your password"))
        _word(self, "remember", label=_("Keep me signed in on this device"))


class SignupForm(account_forms.SignupForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "email",
            label=_("Email address"),
            hint=_("We will send you a link to confirm it. We never show it to anyone."),
            required=_("Enter your email address"),
            invalid=_EMAIL_INVALID,
        )
        _word(
            self,
            "password1",
            label=_("Create a password"),
            hint=_password_hint(),
            required=_("Enter a password"),
        )
        _word(
            self, "password2", label=_("Confirm your password"), required=_("Confirm your password")
        )


class ResetPasswordForm(account_forms.ResetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "email",
            label=_("Email address"),
            required=_("Enter your email address"),
            invalid=_EMAIL_INVALID,
        )


class ResetPasswordKeyForm(account_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "password1",
            label=_("New password"),
            hint=_password_hint(),
            required=_("Enter a new password"),
        )
        _word(
            self,
            "password2",
            label=_("Confirm your new password"),
            required=_("Confirm your new password"),
        )


class ChangePasswordForm(account_forms.ChangePasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "oldpassword",
            label=_("Current password"),
            required=_("Enter your current password"),
        )
        _word(
            self,
            "password1",
            label=_("New password"),
            hint=_password_hint(),
            required=_("Enter a new password"),
        )
        _word(
            self,
            "password2",
            label=_("Confirm your new password"),
            required=_("Confirm your new password"),
        )


class SetPasswordForm(account_forms.SetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "password1",
            label=_("Password"),
            hint=_password_hint(),
            required=_("Enter a password"),
        )
        _word(
            self, "password2", label=_("Confirm your password"), required=_("Confirm your password")
        )


class AddEmailForm(account_forms.AddEmailForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "email",
            label=_("New email address"),
            hint=_("We will send a link to this address. Your email changes when you open it."),
            required=_("Enter your new email address"),
            invalid=_EMAIL_INVALID,
        )


class ReauthenticateForm(account_forms.ReauthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(self, "password", label=_("Password"), required=_("Enter your password"))


_CODE_REQUIRED = _("Enter the code from your authenticator app")


class MFAAuthenticateForm(mfa_forms.AuthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "code",
            label=_("Code"),
            hint=_("The 6-digit code from your app, or one of your recovery codes"),
            required=_CODE_REQUIRED,
        )


class MFAReauthenticateForm(mfa_forms.ReauthenticateForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "code",
            label=_("Code"),
            hint=_("The 6-digit code from your app, or one of your recovery codes"),
            required=_CODE_REQUIRED,
        )


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _word(
            self,
            "code",
            label=_("Code from your authenticator app"),
            hint=_("For example, 123456"),
            required=_CODE_REQUIRED,
        )
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
