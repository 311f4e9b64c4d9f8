"""One role name and one group-type name per company, case-insensitively, whatever arrives at
the same moment on two processes: one 201, every other answer a 409 in the envelope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.groups.models import GroupType
from app.roles.models import Role
from tests.races.cluster import CONCURRENCY, Cluster, assert_refusals_in_envelope, statuses

pytestmark = [pytest.mark.postgres_only, pytest.mark.e2e]


def _spellings(name: str) -> list[str]:
    """``CONCURRENCY`` spellings of one name that differ only in case."""
    forms = [name, name.upper(), name.lower(), name.title(), name.swapcase()]
    return [forms[i % len(forms)] for i in range(CONCURRENCY)]


async def test_concurrent_roles_of_one_name_make_one_role(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    token = company.admins[0].token
    answers = await cluster.at_once(
        *(
            cluster.call(i, "POST", "/roles", token, company, {"name": name})
            for i, name in enumerate(_spellings("Line Operator"))
        )
    )
    assert statuses(answers) == {201: 1, 409: CONCURRENCY - 1}, statuses(answers)
    assert_refusals_in_envelope(answers, {409})
    names = await cluster.seed.scalars(
        select(Role.name).where(
            Role.company_id == company.internal_id, func.lower(Role.name) == "line operator"
        )
    )
    assert len(names) == 1, names


async def test_concurrent_group_types_of_one_name_make_one_type(cluster: Cluster) -> None:
    company = await cluster.seed.company()
    token = company.admins[0].token
    answers = await cluster.at_once(
        *(
            cluster.call(i, "POST", "/group-types", token, company, {"name": name})
            for i, name in enumerate(_spellings("Production Site"))
        )
    )
    assert statuses(answers) == {201: 1, 409: CONCURRENCY - 1}, statuses(answers)
    assert_refusals_in_envelope(answers, {409})
    names = await cluster.seed.scalars(
        select(GroupType.name).where(
            GroupType.company_id == company.internal_id,
            func.lower(GroupType.name) == "production site",
        )
    )
    assert len(names) == 1, names


async def test_concurrent_renames_to_one_name_leave_one_role_of_that_name(
    cluster: Cluster,
) -> None:
    company = await cluster.seed.company()
    token = company.admins[0].token
    created = await cluster.call(
        0, "POST", "/roles", token, company, [{"name": f"Shift {i}"} for i in range(CONCURRENCY)]
    )
    assert created.status_code == 201, created.text
    ids = [item["publicId"] for item in created.json()["data"]]
    answers = await cluster.at_once(
        *(
            cluster.call(i, "PATCH", f"/roles/{role}", token, company, {"name": "Night Shift"})
            for i, role in enumerate(ids)
        )
    )
    assert statuses(answers) == {200: 1, 409: CONCURRENCY - 1}, statuses(answers)
    assert_refusals_in_envelope(answers, {409})
    names = await cluster.seed.scalars(
        select(Role.name).where(
            Role.company_id == company.internal_id, func.lower(Role.name) == "night shift"
        )
    )
    assert names == ["Night Shift"]
