"""Users as IXON shows them (plain dicts: the hot path skips model validation)."""

from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.users.models import User


def my_user(user: User) -> dict[str, Any]:
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
        "otpAuth": {"required": False},
        "phoneNumber": user.phone_number,
    }
