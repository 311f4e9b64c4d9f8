"""What the database holds by itself, on SQLite and PostgreSQL: one role and one group-type
name per company whatever the case, one role-less membership per holder and group; and a
request that races past the services' checks into an index gets a 409 that says what clashed,
never a 500. (tests/races/ shows the same with concurrent requests on live servers.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.clock import utcnow
from app.groups.models import Group, GroupType
from app.groups.repository import GroupTypeRepository
from app.invites.models import Invite
from app.memberships import updates
from app.memberships.models import Membership
from app.roles.models import Role
from app.roles.repository import RoleRepository
from tests.helpers import Api, World, errors
from tests.memberships.support import join, memberships_of

PATH = "/users/memberships"


async def _refused(world: World, row: object) -> bool:
    """Whether the database refuses to store ``row``."""
    async with world.sessionmaker() as session:
        session.add(row)
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            return True
        return False


async def test_the_database_refuses_a_second_role_name_in_another_case(world: World) -> None:
    a, b = world.a.internal_id, world.b.internal_id
    assert await _refused(world, Role(company_id=a, name="editor"))  # "Editor" is seeded
    assert await _refused(world, Role(company_id=a, name="EDITOR"))
    assert not await _refused(world, Role(company_id=a, name="Editor in chief"))
    assert not await _refused(world, Role(company_id=b, name="Editor in chief"))  # per company


async def test_the_database_refuses_a_second_group_type_name_in_another_case(
    world: World,
) -> None:
    a, b = world.a.internal_id, world.b.internal_id
    assert not await _refused(world, GroupType(company_id=a, name="Site"))
    assert await _refused(world, GroupType(company_id=a, name="site"))
    assert not await _refused(world, GroupType(company_id=b, name="SITE"))


async def _group_id(session: AsyncSession, public_id: str) -> int:
    found = await session.scalar(select(Group.id).where(Group.public_id == public_id))
    assert found is not None
    return found


async def test_the_database_refuses_a_second_roleless_membership(world: World) -> None:
    person = await world.member(world.a, None)  # one role-less membership in the company group
    async with world.sessionmaker() as session:
        group = await _group_id(session, world.a.group_id)
    again = Membership(company_id=world.a.internal_id, user_id=person.user.id, group_id=group)
    assert await _refused(world, again)
    # Holders differ: another person, and two invites (their user_id is NULL, and NULLs must
    # stay distinct there), may each hold one.
    other = await world.member(world.a, None)
    assert [m["role"] for m in await memberships_of(world, other)] == [None]
    async with world.sessionmaker() as session:
        invites = [
            Invite(
                company_id=world.a.internal_id,
                email_address=address,
                email_normalized=address,
                branding="portal.ixon.cloud",
                expires_on=utcnow() + timedelta(days=1),
            )
            for address in ("one@example.com", "two@example.com")
        ]
        session.add_all(invites)
        await session.flush()
        ids = [i.id for i in invites]
        await session.commit()
    for invite_id in ids:
        roleless = Membership(company_id=world.a.internal_id, invite_id=invite_id, group_id=group)
        assert not await _refused(world, roleless)
    twice = Membership(company_id=world.a.internal_id, invite_id=ids[0], group_id=group)
    assert await _refused(world, twice)


async def test_a_role_name_taken_at_the_same_moment_is_a_409(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when another request created the name after this one's check: the index answers."""

    async def nothing_taken(self: RoleRepository, company_id: int) -> dict[int, str]:
        return {}

    monkeypatch.setattr(RoleRepository, "names", nothing_taken)
    response = await api.post("/roles", json={"name": "VIEWER"})
    assert response.status_code == 409
    assert errors(response) == [
        {
            "message": "A role with this name exists already in this company",
            "propertyName": "name",
            "listIndex": None,
        }
    ]
    roles = await api.get("/roles", params={"fields": "name"})
    assert [r["name"] for r in roles.json()["data"]].count("Viewer") == 1


async def test_a_group_type_name_taken_at_the_same_moment_is_a_409(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await api.post("/group-types", json={"name": "Site"})).status_code == 201

    async def nothing_taken(self: GroupTypeRepository, company_id: int) -> dict[int, str]:
        return {}

    monkeypatch.setattr(GroupTypeRepository, "names", nothing_taken)
    response = await api.post("/group-types", json={"name": "site"})
    assert response.status_code == 409
    assert errors(response)[0]["message"] == (
        "A group type with this name exists already in this company"
    )
    assert errors(response)[0]["propertyName"] == "name"


async def test_two_roles_and_two_group_types_still_swap_names(api: Api) -> None:
    made = await api.post("/roles", json=[{"name": "Day"}, {"name": "Night"}])
    day, night = (r["publicId"] for r in made.json()["data"])
    swapped = await api.patch(
        "/roles", json=[{"publicId": day, "name": "night"}, {"publicId": night, "name": "Day"}]
    )
    assert swapped.status_code == 200, swapped.text
    roles = await api.get("/roles", params={"fields": "publicId,name"})
    names = {r["publicId"]: r["name"] for r in roles.json()["data"]}
    assert (names[day], names[night]) == ("night", "Day")

    made = await api.post("/group-types", json=[{"name": "Hall"}, {"name": "Line"}])
    hall, line = (t["publicId"] for t in made.json()["data"])
    swapped = await api.patch(
        "/group-types",
        json=[{"publicId": hall, "name": "Line"}, {"publicId": line, "name": "Hall"}],
    )
    assert swapped.status_code == 200, swapped.text
    types = await api.get("/group-types", params={"fields": "publicId,name"})
    names = {t["publicId"]: t["name"] for t in types.json()["data"]}
    assert (names[hall], names[line]) == ("Line", "Hall")


async def test_a_roleless_membership_made_at_the_same_moment_is_a_409(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = await world.member(world.a, "Viewer")
    await join(world, world.a, member, None)
    [viewer] = [m["publicId"] for m in await memberships_of(world, member) if m["role"]]

    async def no_check(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr(updates, "_assert_unique_after", no_check)
    response = await api.patch(f"{PATH}/{viewer}", json={"role": None})
    assert response.status_code == 409
    assert errors(response)[0]["message"] == (
        "The user holds a membership without a role in this group already"
    )
    assert sorted(str(m["role"]) for m in await memberships_of(world, member)) == sorted(
        [str(world.a.roles["Viewer"]), "None"]
    )


async def test_the_friendly_check_still_names_the_item(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    await join(world, world.a, member, None)
    [viewer] = [m["publicId"] for m in await memberships_of(world, member) if m["role"]]
    response = await api.patch(PATH, json=[{"publicId": viewer, "role": None}])
    assert response.status_code == 409 and errors(response)[0]["listIndex"] == 0


async def test_a_roleless_membership_and_one_with_a_role_swap(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    bare = await join(world, world.a, member, None)
    [viewer] = [m["publicId"] for m in await memberships_of(world, member) if m["role"]]
    response = await api.patch(
        PATH,
        json=[
            {"publicId": bare, "role": {"publicId": world.a.roles["Viewer"]}},
            {"publicId": viewer, "role": None},
        ],
    )
    assert response.status_code == 200, response.text
    roles = {m["publicId"]: m["role"] for m in await memberships_of(world, member)}
    assert roles == {bare: world.a.roles["Viewer"], viewer: None}
