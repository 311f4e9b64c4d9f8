from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.email_changes.models import EmailAddressChange
from app.users.models import User


def email_address_change(change: EmailAddressChange, user: User) -> dict[str, Any]:
    return {
        "publicId": change.public_id,
        "oldEmailAddress": change.old_email_address,
        "newEmailAddress": change.new_email_address,
        "expiresOn": iso(change.expires_on),
        "user": {
            "publicId": user.public_id,
            "name": user.name,
            "emailAddress": user.email_address,
            "custom": user.custom or {},
            "language": user.language,
            "localisation": user.localisation,
            "timeZone": user.time_zone,
        },
    }
