"""`Idempotency-Key`: a retried write answers what the first did, without running again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.idempotency.models import IdempotencyKey
from app.roles.models import Role
from tests.helpers import Api, errors


def _role(name: str = "Retried") -> list[dict[str, str]]:
    return [{"name": name}]


async def _roles(session: AsyncSession, name: str) -> int:
    return int(await session.scalar(select(func.count()).where(Role.name == name)) or 0)


async def test_a_repeat_answers_the_stored_answer_without_running(
    api: Api, session: AsyncSession
) -> None:
    key = {"Idempotency-Key": "create-role-1"}
    first = await api.post("/roles", json=_role(), headers=key)
    assert first.status_code == 201, first.text
    again = await api.post("/roles", json=_role(), headers=key)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await _roles(session, "Retried") == 1
    stored = await session.scalar(select(IdempotencyKey.body_encrypted))
    assert stored is not None and first.json()["data"][0]["publicId"] not in stored


async def test_an_error_answer_is_kept_too(api: Api) -> None:
    key = {"Idempotency-Key": "bad-role"}
    first = await api.post("/roles", json=[{"name": ""}], headers=key)
    again = await api.post("/roles", json=[{"name": ""}], headers=key)
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"


async def test_the_same_key_with_another_request_is_a_422(api: Api, session: AsyncSession) -> None:
    key = {"Idempotency-Key": "reused"}
    assert (await api.post("/roles", json=_role("One"), headers=key)).status_code == 201
    for other in (
        api.post("/roles", json=_role("Two"), headers=key),
        api.post("/groups", json=[{"name": "One"}], headers=key),
    ):
        response = await other
        assert response.status_code == 422, response.text
        assert errors(response)[0]["propertyName"] == "Idempotency-Key"
    assert await _roles(session, "Two") == 0


async def test_a_repeat_while_the_first_runs_is_a_409(api: Api, session: AsyncSession) -> None:
    key = {"Idempotency-Key": "in-flight"}
    assert (await api.post("/roles", json=_role("Slow"), headers=key)).status_code == 201
    # As if the first were still running: its answer not yet stored.
    await session.execute(update(IdempotencyKey).values(status_code=None, body_encrypted=None))
    await session.commit()
    response = await api.post("/roles", json=_role("Slow"), headers=key)
    assert response.status_code == 409, response.text
    assert "still being processed" in errors(response)[0]["message"]


async def test_keys_are_per_user_and_company_and_expire(api: Api, session: AsyncSession) -> None:
    key = {"Idempotency-Key": "shared-key"}
    world = api.world
    assert (await api.post("/roles", json=_role("Mine"), headers=key)).status_code == 201
    theirs = await api.post(
        "/roles", json=_role("Mine"), headers=key, token=world.b.admin.token, company=world.b.id
    )
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    await session.execute(update(IdempotencyKey).values(expires_on=utcnow() - timedelta(seconds=1)))
    await session.commit()
    late = await api.post("/roles", json=_role("Mine"), headers=key)
    assert late.status_code == 409 and "idempotent-replayed" not in late.headers  # ran again


async def test_bad_keys_and_requests_it_does_not_touch(api: Api) -> None:
    too_long = await api.post("/roles", json=_role("X"), headers={"Idempotency-Key": "k" * 256})
    assert too_long.status_code == 400
    assert errors(too_long)[0]["propertyName"] == "Idempotency-Key"
    anonymous = await api.post(
        "/roles", json=_role("X"), token=None, headers={"Idempotency-Key": "anon"}
    )
    assert anonymous.status_code == 401
    listed = await api.get("/roles", headers={"Idempotency-Key": "reads-are-free"})
    assert listed.status_code == 200 and "idempotent-replayed" not in listed.headers


async def test_a_retried_webhook_endpoint_creation_makes_one_and_is_not_cached(
    api: Api, session: AsyncSession
) -> None:
    from app.webhooks.models import WebhookEndpoint

    key = {"Idempotency-Key": "hook-1"}
    body = {"url": "https://hooks.example.com/once", "events": ["invite.created"]}
    first = await api.post("/webhook-endpoints", json=body, headers=key)
    again = await api.post("/webhook-endpoints", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["data"]["secret"] == first.json()["data"]["secret"]
    assert first.headers["cache-control"] == again.headers["cache-control"] == "no-store"
    count = await session.scalar(select(func.count()).select_from(WebhookEndpoint))
    assert count == 1


async def test_an_undeclared_method_is_a_405_whatever_key_it_carries(api: Api) -> None:
    key = {"Idempotency-Key": "then-a-put"}
    assert (await api.post("/roles", json=_role("Put Later"), headers=key)).status_code == 201
    for path in ("/roles", "/api/roles"):
        wrong = await api.request("PUT", path, json=_role("Put Later"), headers=key)
        assert wrong.status_code == 405, wrong.text
        assert wrong.headers["allow"] == "DELETE, GET, PATCH, POST"
    unknown = await api.request("POST", "/no-such-thing", json={}, headers=key)
    assert unknown.status_code == 404, unknown.text
