"""Writes about accounts: profile changes, erasure and export (each in one transaction).

Each checks its rule in `rules.py` with `require()` first: only the account's owner may.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from grassroots.accounts import personal_data
from grassroots.accounts.models import OfficerPost, User
from grassroots.core.audit import audit_record
from grassroots.core.models import AuditEntry
from grassroots.core.services import require
from grassroots.places.models import Ward
from grassroots.places.postcodes import normalise_postcode


@transaction.atomic
def profile_update(*, user: User, display_name: str, postcode: str, ward: Ward | None) -> User:
    """Save the display name and the private postcode (with the ward it was resolved to)."""
    require(user, "accounts.edit_profile", user)
    user.display_name = display_name.strip()
    user.postcode = normalise_postcode(postcode) or ""
    user.ward = ward if user.postcode else None
    user.save(update_fields=["display_name", "postcode", "ward"])
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Erase personal data but keep contributions, shown as by a former member."""
    require(user, "accounts.delete_account", user)
    user_id = user.pk
    # What the apps above keep privately about the person (their reflections, their offers).
    for keeper in personal_data.keepers():
        keeper.erase(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    OfficerPost.objects.filter(user=user).delete()
    if hasattr(user, "councillor"):
        # The councillor's public record stays; it is no longer linked to this account.
        councillor = user.councillor
        councillor.user = None
        councillor.save(update_fields=["user"])
    user.email = f"deleted-{user_id}@invalid.grassroots"
    user.display_name = ""
    user.postcode = ""
    user.ward = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_moderator = False
    user.is_editor = False
    user.anonymised_at = timezone.now()
    # A new unusable password changes the hash every session is signed with, so Django ends
    # all of this user's sessions on their next request, whatever the session backend; an
    # inactive user cannot be loaded into a session either. (No scan of the session table.)
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=user,
        action="account.deleted",
        obj=user,
        summary=f"Account {user_id} deleted by its owner and anonymised",
    )


def data_export(*, user: User) -> dict[str, Any]:
    """Everything Grassroots holds about `user`, as plain JSON-ready data."""
    require(user, "accounts.export_data", user)
    councillor = getattr(user, "councillor", None)
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "postcode": user.postcode,
            "ward": user.ward.name if user.ward else None,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user)
        ],
        # The kind and dates only: never the secret or the recovery codes.
        "two_factor_methods": [
            {
                "type": a.type,
                "added": a.created_at.isoformat(),
                "last_used": a.last_used_at.isoformat() if a.last_used_at else None,
            }
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
        "roles": {
            "moderator": user.is_moderator,
            "editor": user.is_editor,
            "site_admin": user.is_superuser,
            "councillor": (
                [
                    {
                        "ward": t.ward.name,
                        "starts_on": t.starts_on.isoformat(),
                        "ends_on": t.ends_on.isoformat() if t.ends_on else None,
                    }
                    for t in councillor.terms.select_related("ward")
                ]
                if councillor
                else []
            ),
            "officer": [
                {
                    "department": p.department.name,
                    "job_title": p.job_title,
                    "starts_on": p.starts_on.isoformat(),
                    "ends_on": p.ends_on.isoformat() if p.ends_on else None,
                }
                for p in user.officer_posts.select_related("department")
            ],
        },
        "activity": [
            {"when": e.created_at.isoformat(), "action": e.action, "summary": e.summary}
            for e in AuditEntry.objects.filter(actor=user).order_by("created_at")
        ],
        **{keeper.name: keeper.export(user) for keeper in personal_data.keepers()},
    }
