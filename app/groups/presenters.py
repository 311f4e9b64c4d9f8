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
