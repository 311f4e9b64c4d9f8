"""Invites as IXON shows them (plain dicts). ``default_branding`` is the operator's default
branding domain, which the company's own branding is laid over."""

from __future__ import annotations

from typing import Any

from app.companies.presenters import company
from app.core.clock import iso
from app.invites.models import Invite
from app.invites.service import InviteView, status_of
from app.memberships.models import Membership


def membership(invite: Invite, m: Membership) -> dict[str, Any]:
    """An invite-bound membership (``group`` and ``role`` loaded)."""
    return {
        "publicId": m.public_id,
        "user": None,
        "invite": {"publicId": invite.public_id},
        "group": {"publicId": m.group.public_id},
        "role": {"publicId": m.role.public_id} if m.role is not None else None,
        "expiresOn": iso(m.expires_on),
    }


def invite(view: InviteView) -> dict[str, Any]:
    i = view.invite
    return {
        "publicId": i.public_id,
        "emailAddress": i.email_address,
        "expiresOn": iso(i.expires_on),
        "memberships": [membership(i, m) for m in view.memberships],
        "status": status_of(i),
        "deliveryState": view.delivery_state,
    }


def user_invite(view: InviteView, default_branding: str) -> dict[str, Any]:
    """An invite as its invitee sees it: with its company."""
    data = invite(view)
    del data["deliveryState"]
    assert view.company is not None
    data["company"] = company(view.company, default_branding)
    return data


def my_invite(view: InviteView, default_branding: str) -> dict[str, Any]:
    data = user_invite(view, default_branding)
    data["language"] = view.invite.language
    account = view.account
    if account is not None and account.email_address is not None:
        data["user"] = {
            "publicId": account.public_id,
            "name": account.name,
            "emailAddress": account.email_address,
            "custom": account.custom or {},
            "language": account.language,
            "localisation": account.localisation,
            "timeZone": account.time_zone,
        }
    return data
