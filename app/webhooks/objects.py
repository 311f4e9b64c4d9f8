"""The objects events carry, as the API's GET answers them with its default fields.

Loaded when the events are stored, on the commit's connection, one query per kind of object
(a bulk invite announces thousands). An object gone by then (a removed membership) keeps the
audit log's form, cut to the same fields. Only columns the presenters show are read, so no
secret can reach an event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import aliased

from app.core.clock import iso, utcnow

if TYPE_CHECKING:
    from app.webhooks.events import Pending

# The default fields (app/*/schemas.py `default_fields`) of each object an event carries.
FIELDS = {
    "invite": ("publicId", "emailAddress", "expiresOn", "status", "deliveryState"),
    "membership": ("publicId", "user", "invite", "group", "role", "expiresOn"),
    "user": ("publicId", "type", "name", "emailAddress"),
}


def _ref(public_id: str | None) -> dict[str, str] | None:
    return {"publicId": public_id} if public_id is not None else None


def _invites(connection: Connection, wanted: set[str]) -> dict[str, dict[str, Any]]:
    from app.invites.models import Invite
    from app.invites.repository import status_expr
    from app.mail.models import OutboxMessage, OutboxStatus
    from app.mail.outbox import DELIVERY_STATES

    rows = connection.execute(
        select(
            Invite.public_id, Invite.email_address, Invite.expires_on, status_expr(utcnow())
        ).where(Invite.public_id.in_(wanted))
    ).all()
    references = {f"invite:{row[0]}" for row in rows}
    newest = (
        select(func.max(OutboxMessage.id))
        .where(
            OutboxMessage.reference.in_(references),
            OutboxMessage.status != OutboxStatus.CANCELLED,
        )
        .group_by(OutboxMessage.reference)
    )
    states = {
        reference: DELIVERY_STATES[OutboxStatus(status)]
        for reference, status in connection.execute(
            select(OutboxMessage.reference, OutboxMessage.status).where(
                OutboxMessage.id.in_(newest)
            )
        )
    }
    return {
        public_id: {
            "publicId": public_id,
            "emailAddress": email,
            "expiresOn": iso(expires_on),
            "status": status,
            "deliveryState": states.get(f"invite:{public_id}"),
        }
        for public_id, email, expires_on, status in rows
    }


def _memberships(connection: Connection, wanted: set[str]) -> dict[str, dict[str, Any]]:
    from app.groups.models import Group
    from app.invites.models import Invite
    from app.memberships.models import Membership
    from app.roles.models import Role
    from app.users.models import User

    user, invite, group, role = aliased(User), aliased(Invite), aliased(Group), aliased(Role)
    rows = connection.execute(
        select(
            Membership.public_id,
            user.public_id,
            invite.public_id,
            group.public_id,
            role.public_id,
            Membership.expires_on,
        )
        .join(group, group.id == Membership.group_id)
        .outerjoin(user, user.id == Membership.user_id)
        .outerjoin(invite, invite.id == Membership.invite_id)
        .outerjoin(role, role.id == Membership.role_id)
        .where(Membership.public_id.in_(wanted))
    )
    return {
        public_id: {
            "publicId": public_id,
            "user": _ref(user_id),
            "invite": _ref(invite_id),
            "group": _ref(group_id),
            "role": _ref(role_id),
            "expiresOn": iso(expires_on),
        }
        for public_id, user_id, invite_id, group_id, role_id, expires_on in rows
    }


def _users(connection: Connection, wanted: set[str]) -> dict[str, dict[str, Any]]:
    from app.users.models import User

    rows = connection.execute(
        select(User.public_id, User.type, User.name, User.email_address).where(
            User.public_id.in_(wanted)
        )
    )
    return {
        public_id: {"publicId": public_id, "type": kind, "name": name, "emailAddress": email}
        for public_id, kind, name, email in rows
    }


CHUNK = 1000
LOADERS = {"invite": _invites, "membership": _memberships, "user": _users}


def shaped(connection: Connection, pending: list[Pending]) -> list[dict[str, Any]]:
    """Each event's payload with its object as the API shows it."""
    wanted: dict[str, set[str]] = {key: set() for key in LOADERS}
    for item in pending:
        for key, ids in wanted.items():
            found = item.payload["data"].get(key)
            if isinstance(found, dict) and found.get("publicId"):
                ids.add(found["publicId"])
    loaded: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in LOADERS}
    for key, ids in wanted.items():
        listed = sorted(ids)
        for start in range(0, len(listed), CHUNK):  # SQLite caps the parameters of one query
            loaded[key].update(LOADERS[key](connection, set(listed[start : start + CHUNK])))
    out = []
    for item in pending:
        data = dict(item.payload["data"])
        for key, objects in loaded.items():
            found = data.get(key)
            if not isinstance(found, dict) or not found.get("publicId"):
                continue
            gone = {name: found[name] for name in FIELDS[key] if name in found}
            data[key] = objects.get(found["publicId"], gone)
        out.append(item.payload | {"data": data})
    return out
