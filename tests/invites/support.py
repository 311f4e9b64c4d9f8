"""Helpers of the invite suites: inviting through the API, reading the outbox, moving time."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.action_tokens.models import ActionToken
from app.config import Settings
from app.core.clock import utcnow
from app.invites.models import Invite
from app.mail.backends.memory import MemorySender
from app.mail.message import MailMessage
from app.mail.models import OutboxMessage
from app.mail.worker import OutboxWorker
from app.memberships.models import Membership
from tests.helpers import Api, CompanyInfo, World

BRANDING = "portal.ixon.cloud"
LINK_RE = re.compile(r"https?://[^\s\"'<>]+/portal/invites/([A-Za-z0-9_-]+)")


def item(company: CompanyInfo, email: str, role: str = "Viewer", **extra: Any) -> dict[str, Any]:
    """One `POST /invites` item: ``role`` (a role name of ``company``) in its company group."""
    return {
        "groupRoles": [
            {"group": {"publicId": company.group_id}, "role": {"publicId": company.roles[role]}}
        ],
        "emailAddress": email,
        **extra,
    }


async def invite(
    api: Api,
    email: str,
    role: str = "Viewer",
    *,
    company: CompanyInfo | None = None,
    token: str | None = None,
    **extra: Any,
) -> str:
    """Invites ``email`` as the company's admin (or ``token``); the new invite's publicId."""
    company = company or api.world.a
    response = await api.post(
        "/invites",
        json=[item(company, email, role, **extra)],
        branding=BRANDING,
        company=company.id,
        token=token or company.admin.token,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["invites"][0]["publicId"])


async def outbox_rows(
    maker: async_sessionmaker[AsyncSession], reference: str | None = None
) -> list[OutboxMessage]:
    async with maker() as session:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        if reference is not None:
            stmt = stmt.where(OutboxMessage.reference == reference)
        return list(await session.scalars(stmt))


async def deliver(maker: async_sessionmaker[AsyncSession], settings: Settings) -> MemorySender:
    """Runs the outbox worker once over what is queued; the messages it sent."""
    sender = MemorySender()
    await OutboxWorker(maker, sender, settings).run_once()
    return sender


def secret_in(message: MailMessage | OutboxMessage) -> str:
    match = LINK_RE.search(message.text)
    assert match is not None, message.text
    return match.group(1)


async def link_of(maker: async_sessionmaker[AsyncSession], invite_id: str) -> str:
    """The link secret of the newest e-mail of the invite."""
    rows = await outbox_rows(maker, f"invite:{invite_id}")
    assert rows, f"no e-mail for invite {invite_id}"
    return secret_in(rows[-1])


async def expire(maker: async_sessionmaker[AsyncSession], invite_id: str) -> None:
    """As if the invite's time had run out: the invite and its link expired an hour ago."""
    past = utcnow() - timedelta(hours=1)
    async with maker() as session:
        await session.execute(
            update(Invite).where(Invite.public_id == invite_id).values(expires_on=past)
        )
        await session.execute(
            update(ActionToken).where(ActionToken.reference == invite_id).values(expires_on=past)
        )
        await session.commit()


async def invite_row(maker: async_sessionmaker[AsyncSession], invite_id: str) -> Invite:
    async with maker() as session:
        found = await session.scalar(select(Invite).where(Invite.public_id == invite_id))
        assert found is not None
        return found


async def memberships_of_invite(
    maker: async_sessionmaker[AsyncSession], invite_id: str
) -> list[Membership]:
    async with maker() as session:
        stmt = (
            select(Membership)
            .join(Invite, Invite.id == Membership.invite_id)
            .where(Invite.public_id == invite_id)
        )
        return list(await session.scalars(stmt))


def link_headers(world: World, secret: str) -> dict[str, str]:
    return {
        "Api-Version": "2",
        "Api-Application": world.application_id,
        "Authorization": f"Bearer {secret}",
        "Content-Type": "application/json",
    }


async def as_link(
    client: httpx.AsyncClient,
    world: World,
    method: str,
    path: str,
    secret: str,
    json: Any = None,
) -> httpx.Response:
    """A call with the link's secret as the bearer (no access token, no Api-Company)."""
    response = await client.request(method, path, headers=link_headers(world, secret), json=json)
    assert response.status_code < 500, response.text
    return response
