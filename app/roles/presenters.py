from __future__ import annotations

from typing import Any

from app.roles.models import Role


def role(role: Role) -> dict[str, Any]:
    return {
        "publicId": role.public_id,
        "name": role.name,
        "description": role.description,
        "enforce2fa": role.enforce2fa,
        "enforceSso": role.enforce_sso,
        "permissions": [{"publicId": p, "custom": {}} for p in role.permission_ids],
        "audiences": [],
        "custom": role.custom or {},
    }
