"""Failed log-ins and `oldPassword` checks are limited without races and without lock-outs.

Attempts are counted before the password is checked: N concurrent wrong passwords are checked
at most the per-(account, client) limit times. Other clients' failures never refuse a client
that has not failed itself. The concurrent tests run on committed rows (their own app on the
test database), as concurrent requests cannot share one rolled-back transaction.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from app.access_tokens.models import AccessToken
from app.applications import service as application_service
from app.applications.models import Application
from app.auth.ratelimit import LoginLimiter
from app.config import Settings
from app.db.session import create_sessionmaker
from app.main import create_app
from app.users import service as user_service
from app.users.models import User
from tests.helpers import PASSWORD, Api, World, basic, errors

PAIR_LIMIT = 5  # IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT default: 5 per 15 minutes
BRANDING = "portal.ixon.cloud"


def transport_from(app: FastAPI, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def log_in(
    client: httpx.AsyncClient, application_id: str, email: str, password: str
) -> httpx.Response:
    return await client.post(
        "/access-tokens",
        json={"expiresIn": 600},
        headers={
            "Api-Version": "2",
            "Api-Application": application_id,
            "Authorization": basic(email, password),
        },
    )


def assert_refused(response: httpx.Response, property_name: str | None = None) -> int:
    """A 429 in IXON's error envelope with a Retry-After; returns the seconds."""
    assert response.status_code == 429, response.text
    (error,) = errors(response)
    assert error["message"].startswith("Too many failed") and error["propertyName"] == (
        property_name
    )
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 3600
    return retry


def limiter(app: FastAPI, settings: Settings, **limits: object) -> LoginLimiter:
    """Fresh counters with some limits changed, for the app of this test."""
    app.state.login_limiter = LoginLimiter(settings.model_copy(update=limits))
    return app.state.login_limiter  # type: ignore[no-any-return]


async def test_a_client_that_failed_is_refused_and_a_fresh_client_is_not(
    api: Api, app: FastAPI, world: World
) -> None:
    person = await world.person("Target")
    attacker = api.client  # 203.0.113.7
    for _ in range(PAIR_LIMIT):
        wrong = await log_in(attacker, world.application_id, person.email, "a wrong guess")
        assert wrong.status_code == 401
    assert_refused(await log_in(attacker, world.application_id, person.email, "another guess"))
    # Even the right password is not checked from there until the window ends ...
    assert_refused(await log_in(attacker, world.application_id, person.email, PASSWORD))
    # ... while the owner, elsewhere, logs in as usual, and so does the attacker elsewhere.
    async with transport_from(app, "198.51.100.20") as owner:
        assert (await log_in(owner, world.application_id, person.email, PASSWORD)).is_success
    other = await log_in(attacker, world.application_id, world.a.admin.email, PASSWORD)
    assert other.status_code == 201


async def test_a_success_forgets_the_failures_of_its_client(api: Api, world: World) -> None:
    person = await world.person("Typist")
    for _ in range(3):
        for _ in range(PAIR_LIMIT - 1):
            wrong = await log_in(api.client, world.application_id, person.email, "typo")
            assert wrong.status_code == 401
        right = await log_in(api.client, world.application_id, person.email, PASSWORD)
        assert right.status_code == 201


async def test_past_the_account_limit_failed_clients_wait_growing_delays(
    app: FastAPI, settings: Settings, world: World
) -> None:
    limiter(
        app, settings, login_limit_per_account="3/hour", login_limit_per_account_client="9/hour"
    )
    person = await world.person("Popular")
    a, b = transport_from(app, "192.0.2.1"), transport_from(app, "192.0.2.2")
    async with a, b, transport_from(app, "192.0.2.3") as fresh:
        for _ in range(3):
            assert (await log_in(a, world.application_id, person.email, "x")).status_code == 401
        # The account has had its 3: a client that failed shares one attempt a second ...
        assert (await log_in(a, world.application_id, person.email, "x")).status_code == 401
        assert assert_refused(await log_in(a, world.application_id, person.email, "x")) == 1
        # ... one that has not failed is checked as ever (and has failed now) ...
        assert (await log_in(b, world.application_id, person.email, "x")).status_code == 401
        assert_refused(await log_in(b, world.application_id, person.email, "x"))
        await asyncio.sleep(1.1)  # the 1 s delay passes; 3 failures past the limit now: 4 s
        assert (await log_in(b, world.application_id, person.email, "x")).status_code == 401
        assert assert_refused(await log_in(a, world.application_id, person.email, "x")) == 4
        # The owner is never held back by it.
        assert (await log_in(fresh, world.application_id, person.email, PASSWORD)).is_success


async def test_past_the_global_limit_only_clients_that_failed_wait(
    app: FastAPI, settings: Settings, world: World
) -> None:
    limiter(app, settings, login_limit_global="3/minute")
    people = [await world.person(f"Person {n}") for n in range(4)]
    clients = [transport_from(app, f"192.0.2.{10 + n}") for n in range(5)]
    async with clients[0], clients[1], clients[2], clients[3], clients[4]:
        for client, person in zip(clients[:3], people, strict=False):
            assert (
                await log_in(client, world.application_id, person.email, "x")
            ).status_code == 401
        # 3 failures service-wide: a client that failed waits, whatever account it tries ...
        assert_refused(await log_in(clients[0], world.application_id, people[3].email, "x"))
        # ... a client that has not failed is still checked, wrong or right.
        wrong = await log_in(clients[3], world.application_id, people[3].email, "x")
        assert wrong.status_code == 401
        right = await log_in(clients[4], world.application_id, people[1].email, PASSWORD)
        assert right.status_code == 201


async def test_the_old_password_of_a_change_is_limited_like_a_log_in(
    api: Api, app: FastAPI, world: World
) -> None:
    person = await world.person("Stolen Token")

    async def change(client: httpx.AsyncClient, old: str) -> httpx.Response:
        return await client.post(
            "/users/me/password",
            json={
                "oldPassword": old,
                "newPassword": "a brand new passphrase",
                "deleteAccessTokens": False,
            },
            headers={
                "Api-Version": "2",
                "Api-Application": world.application_id,
                "Api-Branding": BRANDING,
                "Authorization": f"Bearer {person.token}",
            },
        )

    for _ in range(PAIR_LIMIT):
        wrong = await change(api.client, "not the password at all")
        assert [(e["message"], e["propertyName"]) for e in errors(wrong)] == [
            ("The old password is incorrect", "oldPassword")
        ]
    assert_refused(await change(api.client, PASSWORD), "oldPassword")
    # Its own counters: log-ins of the account are not affected.
    assert (await log_in(api.client, world.application_id, person.email, PASSWORD)).is_success
    async with transport_from(app, "198.51.100.30") as owner:
        assert (await change(owner, PASSWORD)).status_code == 201


@dataclass
class Committed:
    app: FastAPI
    application_id: str
    email: str


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory://", "redis://127.0.0.1:6379/0"], ids=["memory", "redis"])
async def committed(
    request: pytest.FixtureRequest, settings: Settings, engine: AsyncEngine
) -> AsyncIterator[Committed]:
    """An app on the test database without the rolled-back transaction, one account in it
    (its address is new to this run, so a shared Redis holds no counts of it), its failed
    log-ins counted in memory or in Redis."""
    storage = request.param
    if storage.startswith("redis") and not _redis_answers():
        pytest.skip("Redis is not available")
    maker = create_sessionmaker(engine)
    email = f"target.{uuid.uuid4().hex[:10]}@example.com"
    async with maker() as session:
        application = await application_service.add(session, f"Throttle {email}")
        user = await user_service.create_person(
            session, email=email, name="Target", password=PASSWORD
        )
        await session.commit()
    app = create_app(settings.model_copy(update={"rate_limit_storage": storage}))
    app.state.engine, app.state.sessionmaker = engine, maker
    try:
        yield Committed(app, application.public_id, email)
    finally:
        await app.state.login_limiter.aclose()
        async with maker() as session:
            await session.execute(delete(AccessToken).where(AccessToken.user_id == user.id))
            await session.execute(delete(User).where(User.id == user.id))
            await session.execute(delete(Application).where(Application.id == application.id))
            await session.commit()


async def test_concurrent_wrong_passwords_are_checked_at_most_the_limit(
    committed: Committed,
) -> None:
    async with transport_from(committed.app, "203.0.113.50") as attacker:
        answers = await asyncio.gather(
            *(
                log_in(attacker, committed.application_id, committed.email, f"guess {n}")
                for n in range(40)
            )
        )
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {401: PAIR_LIMIT, 429: 40 - PAIR_LIMIT}
    for answer in answers:
        if answer.status_code == 429:
            assert_refused(answer)


async def test_the_owner_logs_in_while_the_account_is_hammered_from_elsewhere(
    committed: Committed,
) -> None:
    attackers = [transport_from(committed.app, f"203.0.113.{60 + n}") for n in range(8)]

    async def hammer(client: httpx.AsyncClient) -> list[int]:
        answers = await asyncio.gather(
            *(log_in(client, committed.application_id, committed.email, "x") for _ in range(8))
        )
        return [answer.status_code for answer in answers]

    async def owner() -> int:
        async with transport_from(committed.app, "198.51.100.77") as client:
            answer = await log_in(client, committed.application_id, committed.email, PASSWORD)
            return answer.status_code

    *attacks, mine = await asyncio.gather(*(hammer(c) for c in attackers), owner())
    assert mine == 201
    checked = sum(status == 401 for statuses in attacks for status in statuses)
    assert checked <= len(attackers) * PAIR_LIMIT
    assert all(429 in statuses for statuses in attacks)  # 8 at once: 3 or more refused
    # The account is far past its loose limit now: still no lock-out for a client that has
    # not failed.
    async with transport_from(committed.app, "198.51.100.78") as later:
        again = await log_in(later, committed.application_id, committed.email, PASSWORD)
        assert again.status_code == 201
    for client in attackers:
        await client.aclose()
