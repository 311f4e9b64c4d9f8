from __future__ import annotations

from typing import Any

from app.users.models import User


def my_access_recover(user: User) -> dict[str, Any]:
    return {"emailAddress": user.email_address}
