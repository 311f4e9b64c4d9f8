"""Users as IXON shows them (plain dicts: the hot path skips model validation)."""

from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.memberships.presenters import membership, membership_row
from app.users.models import User
from app.users.service import CompanyUser, CompanyUserRow


def my_user(user: User, otp_auth: dict[str, Any] | None = None) -> dict[str, Any]:
    """``otp_auth``: the 2FA state (app/otp_auth/service.py ``status``), when it was looked up."""
    return {
        "publicId": user.public_id,
        "type": user.type,
        "name": user.name,
        "emailAddress": user.email_address,
        "support": user.support,
        "custom": user.custom or {},
        "hasPassword": user.password_hash is not None,
        "externallyManaged": False,
        "language": user.language,
        "localisation": user.localisation,
        "timeZone": user.time_zone,
        "registeredOn": iso(user.registered_on),
        "lastSeenOn": iso(user.last_seen_on or user.registered_on),
        "unreadMessagesCount": 0,
        "otpAuth": otp_auth or {"required": False},
        "phoneNumber": user.phone_number,
    }


def company_user(view: CompanyUser | CompanyUserRow) -> dict[str, Any]:
    """A user as a company sees them (`GET /users`): that company's memberships only."""
    user = view.user
    return {
        "publicId": user.public_id,
        "type": user.type,
        "name": user.name,
        "emailAddress": user.email_address,
        "support": user.support,
        "registeredOn": iso(user.registered_on),
        "lastSeenOn": iso(user.last_seen_on),
        "registeredBy": (
            {"publicId": view.registered_by.public_id, "name": view.registered_by.name}
            if view.registered_by is not None
            else None
        ),
        "memberships": (
            [membership(m) for m in view.memberships]
            if isinstance(view, CompanyUser)
            else [membership_row(m) for m in view.memberships]
        ),
        "apiApplications": [
            {"publicId": a.public_id, "name": a.name, "custom": {}} for a in view.applications
        ],
        "custom": user.custom or {},
        "otpauthRequired": view.otp_required,
    }
