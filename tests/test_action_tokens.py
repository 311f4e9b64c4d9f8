"""E-mail link secrets: single use, expiring, hashed, and a new link retires the old one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.action_tokens import service as links
from app.action_tokens.models import ActionToken
from app.core.clock import utcnow
from app.core.errors import Gone, Unauthorized


async def test_a_link_works_once(session: AsyncSession) -> None:
    secret = await links.issue(session, links.INVITE, "abc", utcnow() + timedelta(days=1))
    stored = (await session.scalars(select(ActionToken))).all()
    assert [t.reference for t in stored] == ["abc"] and secret not in stored[0].token_hash
    token = await links.require(session, links.INVITE, secret)
    await links.consume(session, token)
    with pytest.raises(Gone):
        await links.require(session, links.INVITE, secret)
    with pytest.raises(Gone):
        await links.consume(session, token)


async def test_a_link_is_only_good_for_its_kind_and_time(session: AsyncSession) -> None:
    secret = await links.issue(session, links.INVITE, "abc", utcnow() - timedelta(seconds=1))
    with pytest.raises(Unauthorized):
        await links.require(session, links.REGISTRATION, secret)
    with pytest.raises(Gone):
        await links.require(session, links.INVITE, secret)
    with pytest.raises(Unauthorized):
        await links.require(session, links.INVITE, "made-up")


async def test_a_new_link_retires_the_old_one(session: AsyncSession) -> None:
    first = await links.issue(session, links.INVITE, "abc", utcnow() + timedelta(days=1))
    second = await links.issue(session, links.INVITE, "abc", utcnow() + timedelta(days=1))
    with pytest.raises(Gone):
        await links.require(session, links.INVITE, first)
    assert (await links.require(session, links.INVITE, second)).reference == "abc"
