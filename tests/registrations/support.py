"""Shared by the registration, password-recovery and e-mail-change tests: the queued e-mails,
the secret of an e-mail link, the CSRF token of a page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens.models import ActionToken
from app.core import security
from app.core.clock import utcnow
from app.mail.models import OutboxMessage

BRANDING = "portal.ixon.cloud"
PASSWORD = "a new passphrase"


async def mails(session: AsyncSession, **where: str) -> list[OutboxMessage]:
    """The queued e-mails, oldest first, optionally only those of a kind/recipient."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(OutboxMessage, name) == value)
    return list((await session.scalars(stmt)).all())


def secret_in(mail: OutboxMessage, page: str) -> str:
    """The link secret of ``/portal/{page}/{secret}`` in the e-mail (text and HTML agree)."""
    pattern = rf"http://testserver/portal/{page}/([A-Za-z0-9_-]+)"
    found = re.search(pattern, mail.text)
    assert found, mail.text
    assert found.group(0) in mail.html
    return found.group(1)


async def expire(session: AsyncSession, secret: str) -> None:
    await session.execute(
        update(ActionToken)
        .where(ActionToken.token_hash == security.token_hash(secret))
        .values(expires_on=utcnow() - timedelta(seconds=1))
    )
    await session.commit()


def csrf_of(response: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, response.text
    return found.group(1)


def heading(response: httpx.Response) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert found, response.text
    return found.group(1).strip()
