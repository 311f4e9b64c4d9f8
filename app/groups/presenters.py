from __future__ import annotations

from typing import Any

from app.groups.models import Group, GroupType
from app.groups.service import GroupRoles
from app.roles import presenters as role_presenters


def group_type(group_type: GroupType) -> dict[str, Any]:
    return {
        "publicId": group_type.public_id,
        "name": group_type.name,
        "description": group_type.description,
        "order": group_type.order,
        "color": group_type.color,
        "custom": group_type.custom or {},
    }


def _type_row(row: Any, prefix: str) -> dict[str, Any] | None:
    if getattr(row, f"{prefix}public_id") is None:
        return None
    return {
        "publicId": getattr(row, f"{prefix}public_id"),
        "name": getattr(row, f"{prefix}name"),
        "description": getattr(row, f"{prefix}description"),
        "order": getattr(row, f"{prefix}order"),
        "color": getattr(row, f"{prefix}color"),
        "custom": getattr(row, f"{prefix}custom") or {},
    }


def group_row(row: Any) -> dict[str, Any]:
    """`group` from a Core row of app/groups/repository.py `ROWS`."""
    return {
        "publicId": row.public_id,
        "name": row.name,
        "type": _type_row(row, "type_"),
        "custom": row.custom or {},
        "agent": None,
        "asset": None,
        "parent": None
        if row.parent_public_id is None
        else {
            "publicId": row.parent_public_id,
            "name": row.parent_name,
            "type": _type_row(row, "parent_type_"),
        },
        "managedBy": None,
        "isCompanyGroup": row.is_company_group,
    }


def group(group: Group) -> dict[str, Any]:
    """Needs ``type`` and ``parent`` (with its type) loaded."""
    parent = group.parent
    return {
        "publicId": group.public_id,
        "name": group.name,
        "type": group_type(group.type) if group.type is not None else None,
        "custom": group.custom or {},
        "agent": None,
        "asset": None,
        "parent": None
        if parent is None
        else {
            "publicId": parent.public_id,
            "name": parent.name,
            "type": group_type(parent.type) if parent.type is not None else None,
        },
        "managedBy": None,
        "isCompanyGroup": group.is_company_group,
    }


def group_roles(item: GroupRoles) -> dict[str, Any]:
    return {"group": group(item.group), "roles": [role_presenters.role(r) for r in item.roles]}
