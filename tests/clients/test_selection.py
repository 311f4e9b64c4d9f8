"""`fields=` as IXON's clients send it (§13.2, §13.4, §13.10): publicId always comes back,
a company's branding is a nested object, and spaces or trailing commas are fine."""

from __future__ import annotations

import httpx

from app.brandings.service import stable_id
from tests import ixon_schema
from tests.clients.raw import body_of, errors, ixon, send
from tests.helpers import World


async def test_fields_custom_name_still_answers_the_public_id(
    client: httpx.AsyncClient, world: World
) -> None:
    """The cloud-function runtime asks `fields=custom,name` and then reads `publicId`."""
    me = await send(client, "GET", "/users/me?fields=custom,name", ixon(world, company=False))
    assert me.status_code == 200
    assert me.json()["data"] == {
        "publicId": world.a.admin.id,
        "name": "Company A Admin",
        "custom": {},
    }
    company = await send(client, "GET", "/companies/me?fields=custom,name", ixon(world))
    assert company.json()["data"] == {"publicId": world.a.id, "name": "Company A", "custom": {}}


async def test_nested_objects_shown_carry_their_public_id(
    client: httpx.AsyncClient, world: World
) -> None:
    groups = await send(client, "GET", "/groups?fields=name,parent(name)", ixon(world))
    assert groups.status_code == 200
    for group in groups.json()["data"]:
        assert list(group) == ["publicId", "name", "parent"]
        assert group["parent"] is None or list(group["parent"]) == ["publicId", "name"]
    users = await send(client, "GET", "/users?fields=memberships(role),name", ixon(world))
    [admin] = users.json()["data"]
    [membership] = admin["memberships"]
    assert list(admin) == ["publicId", "name", "memberships"]
    assert list(membership) == ["publicId", "role"] and membership["role"] == {
        "publicId": world.a.roles["Administrator"]
    }


async def test_branding_is_a_selectable_nested_object(
    client: httpx.AsyncClient, world: World
) -> None:
    """IXON's command line asks `GET /companies/me?fields=branding(fqdn)`."""
    headers = ixon(world)
    none = await send(client, "GET", "/companies/me?fields=branding(fqdn)", headers)
    assert none.status_code == 200
    assert none.json()["data"] == {"publicId": world.a.id, "branding": None}

    own = {"name": "Acme Portal", "theme": {"primaryColor": "#112233"}}
    patched = await send(client, "PATCH", "/companies/me", headers, body_of({"branding": own}))
    assert patched.status_code == 200, patched.text
    expected = {
        "publicId": stable_id(f"company-branding:{world.a.id}"),
        "fqdn": "portal.ixon.cloud",
    }
    for url, company_headers in (
        ("/companies/me?fields=branding(fqdn)", headers),
        (f"/companies/{world.a.id}?fields=branding(fqdn)", ixon(world, company=False)),
    ):
        response = await send(client, "GET", url, company_headers)
        assert response.status_code == 200
        assert response.json()["data"] == {"publicId": world.a.id, "branding": expected}
        ixon_schema.validate(url, "GET", 200, response.json())
    deeper = await send(
        client, "GET", "/companies/me?fields=branding(name,theme.primaryColor)", headers
    )
    assert deeper.json()["data"]["branding"] == {
        "publicId": expected["publicId"],
        "name": "Acme Portal",
        "theme": {"primaryColor": "#112233"},
    }
    # Named without sub-fields, a nested object is a stub; `*` keeps it one.
    for url in ("/companies/me?fields=branding", "/companies/me?fields=*"):
        stub = await send(client, "GET", url, headers)
        assert stub.json()["data"]["branding"] == {"publicId": expected["publicId"]}
    # The same object as the company's public branding endpoint shows.
    public = await send(
        client,
        "GET",
        f"/companies/{world.a.id}/branding?fields=publicId,fqdn",
        {"Api-Version": "2", "Api-Application": world.application_id},
    )
    assert public.json()["data"] == expected
    other = await send(client, "GET", "/companies/me?fields=branding(fqdn)", headers | {
        "Api-Company": world.b.id, "Authorization": f"Bearer {world.b.admin.token}"})  # fmt: skip
    assert other.json()["data"]["branding"] is None


async def test_spaces_trailing_commas_and_repeats_in_fields(
    client: httpx.AsyncClient, world: World
) -> None:
    wanted = ["publicId", "name", "description"]
    for url in (
        "/roles?fields=name, description",
        "/roles?fields=%20name%20,%20description%20",
        "/roles?fields=name,description,",
        "/roles?fields=description,,name,",
        "/roles?fields=name&fields=description",
        "/roles?fields=name,&fields=description,",
    ):
        response = await send(client, "GET", url, ixon(world))
        assert response.status_code == 200, (url, response.text)
        assert all(list(role) == wanted for role in response.json()["data"]), url
    nested = await send(
        client, "GET", "/groups/roles?fields=group( name , ),roles(name,)", ixon(world)
    )
    assert nested.status_code == 200, nested.text
    assert list(nested.json()["data"][0]["group"]) == ["publicId", "name"]
    unknown = await send(client, "GET", "/roles?fields=name,secret", ixon(world))
    assert unknown.status_code == 400 and errors(unknown)[0]["propertyName"] == "fields"


async def test_default_answers_are_the_documented_sets(
    client: httpx.AsyncClient, world: World
) -> None:
    roles = await send(client, "GET", "/roles", ixon(world))
    assert {tuple(r) for r in roles.json()["data"]} == {("publicId", "name", "description")}
    users = await send(client, "GET", "/users", ixon(world))
    assert users.json()["data"] == [
        {
            "publicId": world.a.admin.id,
            "type": "person",
            "name": "Company A Admin",
            "emailAddress": world.a.admin.email,
        }
    ]
    groups = await send(client, "GET", "/groups", ixon(world))
    [company_group] = groups.json()["data"]
    assert company_group == {
        "publicId": world.a.group_id,
        "name": "Company A",
        "type": None,
        "parent": None,
        "isCompanyGroup": True,
    }
