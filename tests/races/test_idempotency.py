"""One Idempotency-Key sent by many requests at once, on two processes: the write runs once;
every other answer is the stored one (replayed) or a 409 saying the first is still running."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from app.roles.models import Role
from tests.races.cluster import CONCURRENCY, Cluster, assert_refusals_in_envelope

pytestmark = [pytest.mark.postgres_only, pytest.mark.e2e]


async def test_concurrent_duplicates_run_once(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    headers = cluster.headers(company.admins[0].token, company) | {"Idempotency-Key": "race-1"}
    body = [{"name": "Exactly Once"}]

    async def send(index: int) -> httpx.Response:
        return await cluster.client.post(cluster.base(index) + "/roles", headers=headers, json=body)

    answers = await cluster.at_once(*(send(i) for i in range(CONCURRENCY)))
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    assert_refusals_in_envelope(answers, {409})
    created = [a for a in answers if a.status_code == 201]
    assert created and len({a.text for a in created}) == 1
    assert sum("idempotent-replayed" not in a.headers for a in created) == 1
    after = await send(0)
    assert after.status_code == 201 and after.headers["idempotent-replayed"] == "true"
    assert after.json() == created[0].json()
    count = await cluster.seed.scalars(
        select(func.count()).where(
            Role.company_id == company.internal_id, Role.name == body[0]["name"]
        )
    )
    assert count == [1]
