"""Which writes are announced, and announcing them in the transaction that makes them.

The audit hook hands every recorded row to `collect` (one place sees every write, whatever
entry point made it); the events wait in the session until it commits (a savepoint's commit
too: what is written then is still inside the outer transaction). Just before the commit,
`_publish` stores those some enabled endpoint subscribed to and queues one delivery per
endpoint, on the same connection: a rolled-back change announces nothing, a committed one is
never left unannounced. A rollback (of a savepoint: of what it wrote) drops what was collected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from app.audit.recorder import CREATE, DELETE, UPDATE, Recorded
from app.core.clock import iso, utcnow
from app.core.ids import public_id
from app.webhooks import objects, queue
from app.webhooks.catalogue import EVENTS

KEY = "webhook_events"
INVITE_ENDS = ("accepted", "declined", "revoked", "expired")


@dataclass(frozen=True, slots=True)
class Pending:
    company: str  # the company's publicId
    type: str
    payload: dict[str, Any]
    # For `user.removed`: the (company, user) internal ids of a removed user membership.
    removed: tuple[int, int] | None = None


def _invite_types(recorded: Recorded) -> list[str]:
    action, after = recorded.change.action, recorded.row["after"] or {}
    if action == CREATE:
        sent = recorded.change.values.get("sent_count") or 0
        return ["invite.created", *(["invite.sent"] if sent else [])]
    if action != UPDATE:
        return []
    types = [f"invite.{after['status']}"] if after.get("status") in INVITE_ENDS else []
    if "sentCount" in after:
        types.append("invite.sent")
    return types


def _membership_types(recorded: Recorded) -> list[str]:
    """Only a user's memberships: an invite's are part of the invite until it is accepted."""
    change = recorded.change
    if change.values.get("user_id") is None:
        return []
    if change.action == CREATE:
        return ["membership.created"]
    if change.action == DELETE:
        return ["membership.removed"]
    before = recorded.row["before"] or {}
    if "user" in before and before["user"] is None:
        return ["membership.created"]  # an accepted invite's membership, bound to its user
    return ["membership.changed"]


def _two_factor_types(recorded: Recorded) -> list[str]:
    change = recorded.change
    verified = change.values.get("verified_on") is not None
    if change.action == DELETE:
        return ["user.two_factor_disabled"] if verified else []
    if change.action == CREATE:
        return ["user.two_factor_enabled"] if verified else []
    if change.before is not None and "verified_on" in change.before:
        return ["user.two_factor_enabled" if verified else "user.two_factor_disabled"]
    return []


TYPES = {
    "Invite": (_invite_types, "invite"),
    "UserMembership": (_membership_types, "membership"),
    "OtpAuth": (_two_factor_types, None),
}


def _payload(kind: str, company: str, row: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    actor = {"type": row["actor_type"], "publicId": row["actor_id"], "name": row["actor_name"]}
    return payload(kind, company, data, actor)


def payload(kind: str, company: str, data: dict[str, Any], actor: dict[str, Any]) -> dict[str, Any]:
    """The body receivers get (``id`` added when stored): Standard Webhooks' type, timestamp
    and data; the data names the company and who acted."""
    body = {"company": {"publicId": company}, **data, "actor": actor}
    return {"type": kind, "timestamp": iso(utcnow()), "data": body}


def _pending(recorded: Recorded) -> list[Pending]:
    row = recorded.row
    found = TYPES.get(row["target"])
    company = row["company"]
    if found is None or company is None:
        return []
    types_of, key = found
    types = types_of(recorded)
    if not types:
        return []
    if key is None:
        data: dict[str, Any] = {"user": {"publicId": row["topic_user"]}}
    else:
        data = {key: recorded.object}
        if recorded.change.action == UPDATE:
            data["previous"] = row["before"]
    values = recorded.change.values
    out = []
    for kind in types:
        removed = None
        if kind == "membership.removed":
            removed = (values["company_id"], values["user_id"])
        out.append(Pending(company, kind, _payload(kind, company, row, data), removed))
    return out


def collect(session: Session, written: list[Recorded]) -> None:
    """Keeps the events with the (innermost) transaction that wrote them: rolling back a
    savepoint drops its own, and only its own."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    pending: list[tuple[SessionTransaction | None, Pending]] = session.info.setdefault(KEY, [])
    for recorded in written:
        pending.extend((transaction, item) for item in _pending(recorded))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _users_removed(session: Session, pending: list[Pending]) -> list[Pending]:
    """`user.removed` for each user whose memberships in a company are all gone by now."""
    from app.memberships.models import Membership

    removals = {p.removed: p for p in pending if p.removed is not None}
    if not removals:
        return []
    remaining = {
        (company_id, user_id)
        for company_id, user_id in session.connection().execute(
            select(Membership.company_id, Membership.user_id)
            .where(Membership.user_id.in_({user for _, user in removals}))
            .distinct()
        )
    }
    out = []
    for pair, removal in removals.items():
        if pair in remaining:
            continue
        data = removal.payload["data"]
        user = {"user": data["membership"]["user"]}
        body = payload("user.removed", removal.company, user, data["actor"])
        out.append(Pending(removal.company, "user.removed", body))
    return out


def _subscribers(session: Session, companies: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """The enabled endpoints of ``companies``: company publicId → (id, publicId, company id,
    events)."""
    from app.companies.models import Company
    from app.webhooks.models import WebhookEndpoint as E

    rows = session.connection().execute(
        select(Company.public_id, E.id, E.public_id, E.company_id, E.events)
        .join(Company, Company.id == E.company_id)
        .where(Company.public_id.in_(companies), E.enabled.is_(True))
        .order_by(E.id)
    )
    found: dict[str, list[tuple[Any, ...]]] = {}
    for company, *endpoint in rows:
        found.setdefault(company, []).append(tuple(endpoint))
    return found


def _publish(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # its audit events are collected too
    pending = [item for _, item in session.info.pop(KEY, [])]
    if not pending:
        return
    subscribers = _subscribers(session, {p.company for p in pending})
    if subscribers:  # else nothing more to ask: the common case costs one query
        store(session, pending + _users_removed(session, pending), subscribers)


def store(
    session: Session,
    pending: list[Pending],
    subscribers: dict[str, list[tuple[Any, ...]]] | None = None,
) -> None:
    """The events some enabled endpoint of their company subscribed to, and their deliveries."""
    if subscribers is None:
        subscribers = _subscribers(session, {p.company for p in pending})
    if not subscribers:
        return
    from app.webhooks.models import WebhookEvent

    chosen = []
    for item in pending:
        endpoints = [e for e in subscribers.get(item.company, []) if item.type in e[3]]
        if endpoints and item.type in EVENTS:
            chosen.append((item, endpoints, public_id()))
    if not chosen:
        return
    connection = session.connection()
    payloads = objects.shaped(connection, [item for item, _, _ in chosen])
    # One statement for the events, one each for their outbox rows and deliveries.
    event_ids = (
        connection.execute(
            insert(WebhookEvent).returning(WebhookEvent.id, sort_by_parameter_order=True),
            [
                {
                    "public_id": event_id,
                    "company_id": endpoints[0][2],
                    "type": item.type,
                    "payload": body | {"id": event_id},
                }
                for (item, endpoints, event_id), body in zip(chosen, payloads, strict=True)
            ],
        )
        .scalars()
        .all()
    )
    planned = [
        queue.Planned(e[2], e[0], e[1], row_id, item.type)
        for (item, endpoints, _), row_id in zip(chosen, event_ids, strict=True)
        for e in endpoints
    ]
    queue.enqueue(session, connection, planned)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(KEY) or session.new or session.dirty or session.deleted:
        _publish(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(KEY)
    if pending:
        session.info[KEY] = [(t, item) for t, item in pending if not _within(t, previous)]
