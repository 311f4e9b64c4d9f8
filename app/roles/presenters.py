from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from app.roles.models import Role


def role(role: Role) -> dict[str, Any]:
    """Leaves out ``permissions`` when the service did not load them (not asked for)."""
    data: dict[str, Any] = {
        "publicId": role.public_id,
        "name": role.name,
        "description": role.description,
        "enforce2fa": role.enforce2fa,
        "enforceSso": role.enforce_sso,
        "audiences": [],
        "custom": role.custom or {},
    }
    if "permissions" not in inspect(role).unloaded:
        data["permissions"] = [{"publicId": p, "custom": {}} for p in role.permission_ids]
    return data
