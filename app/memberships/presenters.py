"""Memberships as IXON shows them (plain dicts: the hot path skips model validation)."""

from __future__ import annotations

from typing import Any

from app.core.clock import iso
from app.memberships.models import Membership


def membership_row(row: Any) -> dict[str, Any]:
    """`membership` from a Core row of app/memberships/repository.py `REF_ROWS`."""
    return {
        "publicId": row.public_id,
        "user": {"publicId": row.user_public_id} if row.user_public_id is not None else None,
        "invite": (
            {"publicId": row.invite_public_id} if row.invite_public_id is not None else None
        ),
        "group": {"publicId": row.group_public_id},
        "role": {"publicId": row.role_public_id} if row.role_public_id is not None else None,
        "expiresOn": iso(row.expires_on),
    }


def membership(m: Membership) -> dict[str, Any]:
    """Needs ``user``, ``invite``, ``group`` and ``role`` loaded (``repository.WITH_REFS``)."""
    return {
        "publicId": m.public_id,
        "user": {"publicId": m.user.public_id} if m.user is not None else None,
        "invite": {"publicId": m.invite.public_id} if m.invite is not None else None,
        "group": {"publicId": m.group.public_id},
        "role": {"publicId": m.role.public_id} if m.role is not None else None,
        "expiresOn": iso(m.expires_on),
    }
