from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from app.roles.models import Role


def role_row(row: Any, permission_ids: list[str] | None) -> dict[str, Any]:
    """`role` from a Core row (app/roles/service.py `ROW_COLUMNS`) and, when the answer shows
    them, its permission ids."""
    data: dict[str, Any] = {
        "publicId": row.public_id,
        "name": row.name,
        "description": row.description,
        "enforce2fa": row.enforce2fa,
        "enforceSso": row.enforce_sso,
        "audiences": [],
        "custom": row.custom or {},
    }
    if permission_ids is not None:
        data["permissions"] = [{"publicId": p, "custom": {}} for p in permission_ids]
    return data


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
