"""Reading invites: the company's list and one invite, and the views their answers show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from app.auth.context import AuthContext
from app.companies.models import Company
from app.core.clock import utcnow
from app.core.errors import not_found
from app.core.querying import FilterColumn, ListParams, selects
from app.invites.emails import reference
from app.invites.models import EXPIRED, PENDING, Invite
from app.invites.repository import InviteRepository, status_expr
from app.invites.schemas import InviteOut
from app.mail import outbox
from app.memberships.models import Membership
from app.users.models import User, normalize_email


def filters() -> dict[str, FilterColumn]:
    """The filters of the invite lists (``status`` as of now)."""
    return {
        "publicId": FilterColumn(Invite.public_id),
        "emailAddress": FilterColumn(Invite.email_normalized, normalize=normalize_email),
        "expiresOn": FilterColumn(Invite.expires_on, datetime),
        "createdOn": FilterColumn(Invite.created_on, datetime),
        "status": FilterColumn(status_expr(utcnow())),
    }


@dataclass(slots=True)
class InviteView:
    """An invite with what its answers show."""

    invite: Invite
    memberships: list[Membership] = field(default_factory=list)
    delivery_state: str | None = None
    company: Company | None = None
    account: User | None = None
    inviter: User | None = None


async def views(
    session: AsyncSession,
    invites: Sequence[Invite],
    *,
    memberships: bool = False,
    delivery: bool = False,
    companies: bool = False,
) -> list[InviteView]:
    """The invites with what the answer shows of them: one query per kind, never per invite."""
    repository = InviteRepository(session)
    bound = await repository.memberships([i.id for i in invites]) if memberships else {}
    states = (
        await outbox.delivery_states(session, [reference(i) for i in invites]) if delivery else {}
    )
    found = await repository.companies([i.company_id for i in invites]) if companies else {}
    return [
        InviteView(
            invite=i,
            memberships=bound.get(i.id, []),
            delivery_state=states.get(reference(i)),
            company=found.get(i.company_id),
        )
        for i in invites
    ]


def default_status(params: ListParams, *statuses: str) -> list[ColumnElement[bool]]:
    """Lists show open invites unless the client filters on ``status`` itself."""
    if any(f.column == "status" for f in params.filters):
        return []
    return [status_expr(utcnow()).in_(statuses)]


async def list_invites(
    session: AsyncSession, auth: AuthContext, params: ListParams
) -> tuple[list[InviteView], str | None]:
    """`GET /invites`: the company's pending invites (expired ones too, to resend them); any
    other status with ``filters=eq(status,"accepted")`` and the like."""
    repository = InviteRepository(session)
    stmt = repository.of_company(auth.company_or_raise.id).where(
        *params.where(filters()), *default_status(params, PENDING, EXPIRED)
    )
    rows, more = await repository.page(stmt, params)
    return await views(
        session,
        rows,
        memberships=selects(params.fields, "memberships", InviteOut),
        delivery=selects(params.fields, "deliveryState", InviteOut),
    ), more


async def get_invite(
    session: AsyncSession, auth: AuthContext, public_id: str, params: ListParams
) -> InviteView:
    """`GET /invites/{publicId}`: any status; another company's invite is not found."""
    repository = InviteRepository(session)
    invite = await repository.by_public_id(
        public_id, Invite.company_id == auth.company_or_raise.id, *params.where(filters())
    )
    if invite is None:
        raise not_found("Invite")
    return (
        await views(
            session,
            [invite],
            memberships=selects(params.fields, "memberships", InviteOut),
            delivery=selects(params.fields, "deliveryState", InviteOut),
        )
    )[0]
