"""A company always keeps an administrator: twenty companies, each with two administrators who
take each other's (or their own) administration away at the same moment, each pair by its own
mix of the ways there are to do it, on two processes."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.races.cluster import (
    CONCURRENCY,
    Cluster,
    Company,
    Person,
    assert_refusals_in_envelope,
)

pytestmark = [pytest.mark.postgres_only, pytest.mark.e2e]

# What one administrator sends: method, path, whether Api-Company is sent, body.
Request = tuple[str, str, bool, Any]
Move = Callable[[Company, Person, Person], Request]


def delete_membership(co: Company, me: Person, other: Person) -> Request:
    return "DELETE", f"/users/memberships/{other.membership}", True, None


def delete_memberships(co: Company, me: Person, other: Person) -> Request:
    return "DELETE", "/users/memberships", True, [{"publicId": other.membership}]


def demote(co: Company, me: Person, other: Person) -> Request:
    body = {"role": {"publicId": co.roles["Viewer"]}}
    return "PATCH", f"/users/memberships/{other.membership}", True, body


def replace(co: Company, me: Person, other: Person) -> Request:
    body = [{"group": {"publicId": co.group_id}, "role": {"publicId": co.roles["Viewer"]}}]
    return "PUT", f"/users/memberships/user/{other.public_id}", True, body


def remove_user(co: Company, me: Person, other: Person) -> Request:
    return "DELETE", f"/users/{other.public_id}", True, None


def leave(co: Company, me: Person, other: Person) -> Request:
    return "DELETE", "/users/me/leave-companies", False, [{"publicId": co.public_id}]


def delete_account(co: Company, me: Person, other: Person) -> Request:
    return "DELETE", "/users/me", False, None


def strip_role(co: Company, me: Person, other: Person) -> Request:
    """Takes COMPANY_ADMIN from the other administrator's role (each holds their own)."""
    role = co.roles["Administrator" if other is co.admins[0] else "Administrator 2"]
    return "DELETE", f"/roles/{role}/permissions/COMPANY_ADMIN", True, None


MOVES: list[Move] = [
    delete_membership,
    delete_memberships,
    demote,
    replace,
    remove_user,
    leave,
    delete_account,
    strip_role,
]
# Both administrators the same way first, then mixed pairs: twenty in all.
PAIRS = ([(m, m) for m in MOVES] + list(itertools.permutations(MOVES, 2))[::4])[:CONCURRENCY]


ROUNDS = 3  # the window between one's check and its commit is short: give it a few chances


async def _round(cluster: Cluster) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Twenty companies, each pair at once: (outcome of each pair, companies left without)."""
    companies = await cluster.seed.companies(len(PAIRS), admins=2, admin_roles=2)
    calls = []
    for number, ((first, second), company) in enumerate(zip(PAIRS, companies, strict=True)):
        a, b = company.admins
        for offset, (me, other, move) in enumerate(((a, b, first), (b, a, second))):
            method, path, in_company, body = move(company, me, other)
            where = company if in_company else None
            calls.append(cluster.call(2 * number + offset, method, path, me.token, where, body))
    answers = await cluster.at_once(*calls)
    assert_refusals_in_envelope(answers, {403, 404, 409})
    outcomes = {
        f"{n:2} {first.__name__} / {second.__name__}": (
            answers[2 * n].status_code,
            answers[2 * n + 1].status_code,
        )
        for n, (first, second) in enumerate(PAIRS)
    }
    without = [
        name
        for name, company in zip(outcomes, companies, strict=True)
        if not await cluster.seed.has_admin(company)
    ]
    return outcomes, without


async def test_two_administrators_removing_each_other_leave_one(cluster: Cluster) -> None:
    assert len(PAIRS) == CONCURRENCY
    refused = 0
    for _ in range(ROUNDS):
        outcomes, without = await _round(cluster)
        assert without == [], f"left without an administrator: {without}; all: {outcomes}"
        # Someone always gets through: the first of the two to reach the database.
        assert all(any(200 <= s < 300 for s in pair) for pair in outcomes.values()), outcomes
        refused += sum(1 for pair in outcomes.values() if 409 in pair)
    # The race was real: second requests came while the first of their pair was running.
    assert refused > 0
