"""One invite link, twenty accepts at the same moment on two processes: one account and one
success (201, or the welcome page); every other answer says the invitation is used (409/410 in
the envelope, or the portal's "already joined" page), never a 500."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from app.invites.models import Invite
from app.memberships.models import Membership
from app.users.models import User
from tests.races.cluster import (
    CONCURRENCY,
    CSRF_RE,
    PASSWORD,
    Cluster,
    assert_refusals_in_envelope,
    statuses,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.e2e]

NEW_ACCOUNT = {"name": "New Colleague", "password": PASSWORD}


def _address() -> str:
    return f"invitee.{uuid.uuid4().hex[:8]}@example.com"


async def _accounts(cluster: Cluster, email: str) -> int:
    (count,) = await cluster.seed.scalars(
        select(func.count()).select_from(User).where(User.email_normalized == email)
    )
    return int(count)


async def _joined(cluster: Cluster, email: str) -> int:
    """How many memberships the invitee holds now (one invite grants one)."""
    (count,) = await cluster.seed.scalars(
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(User.email_normalized == email)
    )
    return int(count)


async def test_twenty_new_accounts_from_one_link_make_one(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    email = _address()
    secret = await cluster.seed.invite(company, email)
    answers = await cluster.at_once(
        *(cluster.call(i, "POST", "/users", secret, None, NEW_ACCOUNT) for i in range(CONCURRENCY))
    )
    assert statuses(answers)[201] == 1, statuses(answers)
    assert_refusals_in_envelope(answers, {409, 410})
    assert await _accounts(cluster, email) == 1
    assert await _joined(cluster, email) == 1


async def test_twenty_finishes_of_one_link_accept_once(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    person = await cluster.seed.person("Invitee")
    secret = await cluster.seed.invite(company, person.email)
    answers = await cluster.at_once(
        *(cluster.call(i, "POST", "/invites/me/finish", secret) for i in range(CONCURRENCY))
    )
    assert statuses(answers)[201] == 1, statuses(answers)
    assert_refusals_in_envelope(answers, {409, 410})
    assert await _joined(cluster, person.email) == 1


async def test_the_api_and_the_logged_in_finish_race_for_one_invite(cluster: Cluster) -> None:
    """Half by the link, half as the logged-in invitee (`POST /invites/{publicId}/finish`)."""
    company = await cluster.seed.company()
    person = await cluster.seed.person("Invitee")
    secret = await cluster.seed.invite(company, person.email)
    (invite_id,) = await cluster.seed.scalars(
        select(Invite.public_id).where(Invite.email_normalized == person.email)
    )
    answers = await cluster.at_once(
        *(
            cluster.call(i, "POST", "/invites/me/finish", secret)
            if i % 2
            else cluster.call(i, "POST", f"/invites/{invite_id}/finish", person.token)
            for i in range(CONCURRENCY)
        )
    )
    assert sum(1 for a in answers if a.is_success) == 1, statuses(answers)
    assert_refusals_in_envelope(answers, {409, 410})
    assert await _joined(cluster, person.email) == 1


async def _portal_form(cluster: Cluster, index: int, secret: str) -> httpx.AsyncClient:
    """A browser of its own (cookies) that has opened the invite page: ready to submit."""
    browser = httpx.AsyncClient(base_url=cluster.base(index), timeout=60)
    page = await browser.get(f"/portal/invites/{secret}")
    assert page.status_code == 200, page.text
    token = CSRF_RE.search(page.text)
    assert token is not None
    browser.headers["X-Test-Csrf"] = token.group(1)
    return browser


async def test_twenty_portal_joins_from_one_link_make_one_account(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    email = _address()
    secret = await cluster.seed.invite(company, email)
    browsers = await asyncio.gather(*(_portal_form(cluster, i, secret) for i in range(CONCURRENCY)))
    try:
        answers = await cluster.at_once(
            *(
                b.post(
                    f"/portal/invites/{secret}/accept",
                    data={
                        "csrf_token": b.headers["X-Test-Csrf"],
                        "name": "New Colleague",
                        "password": PASSWORD,
                        "password_repeat": PASSWORD,
                    },
                )
                for b in browsers
            )
        )
    finally:
        for browser in browsers:
            await browser.aclose()
    welcomed = [a for a in answers if a.status_code == 200]
    assert len(welcomed) == 1, statuses(answers)
    assert "Welcome to" in welcomed[0].text
    refused = [a for a in answers if a.status_code != 200]
    assert {a.status_code for a in refused} == {410}, statuses(answers)
    assert all("already joined" in a.text for a in refused), refused[0].text
    assert await _accounts(cluster, email) == 1
    assert await _joined(cluster, email) == 1
