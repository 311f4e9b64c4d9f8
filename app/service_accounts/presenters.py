from __future__ import annotations

from typing import Any

from app.service_accounts.service import NewServiceAccount


def new_service_account(new: NewServiceAccount) -> dict[str, Any]:
    """The one answer that carries the token: it is stored hashed and never shown again."""
    return {
        "publicId": new.user.public_id,
        "apiApplication": {"publicId": new.application.public_id},
        "token": new.token,
    }
