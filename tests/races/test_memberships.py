"""One membership per user, group and role, also when the role is left out: twenty requests
that each give one user the same role-less membership, at once on two processes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.memberships.models import Membership
from tests.races.cluster import CONCURRENCY, Cluster, assert_refusals_in_envelope, statuses

pytestmark = [pytest.mark.postgres_only, pytest.mark.e2e]


async def _roleless(cluster: Cluster, company_id: int, user_id: int) -> list[str]:
    return await cluster.seed.scalars(
        select(Membership.public_id).where(
            Membership.company_id == company_id,
            Membership.user_id == user_id,
            Membership.role_id.is_(None),
        )
    )


async def test_twenty_memberships_dropping_their_role_at_once_leave_one(cluster: Cluster) -> None:
    """The user holds twenty roles in the company group; twenty PATCHes each take one away
    (role: null). Only one of the twenty can become the role-less membership."""
    company = await cluster.seed.company(admins=2)
    admin, member = company.admins
    token = admin.token
    created = await cluster.call(
        0, "POST", "/roles", token, company, [{"name": f"Crew {i}"} for i in range(CONCURRENCY)]
    )
    assert created.status_code == 201, created.text
    roles = [item["publicId"] for item in created.json()["data"]]
    granted = await cluster.call(
        0,
        "POST",
        "/users/memberships",
        token,
        company,
        [
            {
                "user": {"publicId": member.public_id},
                "group": {"publicId": company.group_id},
                "role": {"publicId": role},
            }
            for role in roles
        ],
    )
    assert granted.status_code == 201, granted.text
    memberships = [item["publicId"] for item in granted.json()["data"]]
    answers = await cluster.at_once(
        *(
            cluster.call(i, "PATCH", f"/users/memberships/{m}", token, company, {"role": None})
            for i, m in enumerate(memberships)
        )
    )
    assert statuses(answers) == {200: 1, 409: CONCURRENCY - 1}, statuses(answers)
    assert_refusals_in_envelope(answers, {409})
    assert len(await _roleless(cluster, company.internal_id, member.internal_id)) == 1


async def test_twenty_replacements_with_one_roleless_membership_make_one(
    cluster: Cluster,
) -> None:
    """`PUT /users/memberships/user/{id}` twenty times at once, each asking for the same set:
    one role-less membership in the company group."""
    company = await cluster.seed.company(admins=2)
    admin, member = company.admins
    body = [{"group": {"publicId": company.group_id}, "role": None}]
    answers = await cluster.at_once(
        *(
            cluster.call(
                i, "PUT", f"/users/memberships/user/{member.public_id}", admin.token, company, body
            )
            for i in range(CONCURRENCY)
        )
    )
    assert sum(1 for a in answers if a.is_success) >= 1, statuses(answers)
    assert_refusals_in_envelope(answers, {409})
    assert len(await _roleless(cluster, company.internal_id, member.internal_id)) == 1
    roles = await cluster.seed.scalars(
        select(Membership.role_id).where(Membership.user_id == member.internal_id)
    )
    assert roles == [None]
