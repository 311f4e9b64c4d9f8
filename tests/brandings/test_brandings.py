"""`GET /brandings` and `GET /companies/{publicId}/branding`: public, in IXON's shape."""

from __future__ import annotations

import httpx

from app.brandings import service as branding_service
from app.brandings.service import stable_id
from app.config import Settings
from tests import ixon_schema
from tests.helpers import Api, World, error_props


def _public(world: World) -> dict[str, str]:
    return {"Api-Version": "2", "Api-Application": world.application_id}


async def _get(client: httpx.AsyncClient, world: World, path: str, **params: str) -> httpx.Response:
    response = await client.get(path, headers=_public(world), params=params)
    assert response.status_code < 500
    ixon_schema.validate(path, "GET", response.status_code, response.json())
    return response


async def _add(world: World, fqdn: str, name: str, **extra: str | None) -> str:
    async with world.sessionmaker() as session:
        row = await branding_service.create(
            session, fqdn=fqdn, name=name, portal_url=f"https://{fqdn}/", **extra
        )
        await session.commit()
        return row.public_id


async def test_the_built_in_default_is_listed_with_a_stable_id(
    client: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    response = await _get(client, world, "/brandings", fields="*")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Branding" and body["moreAfter"] is None
    [default] = body["data"]
    assert default["publicId"] == stable_id("branding:portal.ixon.cloud")
    assert len(default["publicId"]) == 12 and default["publicId"].isalnum()
    assert default["fqdn"] == settings.default_branding == "portal.ixon.cloud"
    assert default["name"] == "IXON Cloud"
    assert default["theme"]["primaryColor"] == "#0B5394"
    assert default["landingPageComponentTemplate"] is None and default["custom"] == {}
    again = await _get(client, world, "/brandings")
    assert again.json()["data"] == [
        {"publicId": default["publicId"], "name": "IXON Cloud", "fqdn": "portal.ixon.cloud"}
    ]


async def test_operators_brandings_are_listed_filtered_and_paged(
    client: httpx.AsyncClient, world: World
) -> None:
    acme = await _add(world, "portal.acme.example", "Acme Portal", primary_color="#112233",
                      logo="https://cdn.acme.example/logo.png")  # fmt: skip
    beta = await _add(world, "Beta.Example.com", "Beta")
    everything = await _get(client, world, "/brandings", fields="publicId,fqdn,theme,logo")
    by_fqdn = {b["fqdn"]: b for b in everything.json()["data"]}
    assert set(by_fqdn) == {"portal.ixon.cloud", "portal.acme.example", "beta.example.com"}
    assert by_fqdn["portal.acme.example"]["publicId"] == acme
    assert by_fqdn["portal.acme.example"]["theme"]["primaryColor"] == "#112233"
    assert by_fqdn["portal.acme.example"]["logo"] == "https://cdn.acme.example/logo.png"
    one = await _get(client, world, "/brandings", filters='eq(fqdn,"beta.example.com")')
    assert [b["publicId"] for b in one.json()["data"]] == [beta]
    some = await _get(client, world, "/brandings", filters='contains(name,"portal")')
    assert [b["publicId"] for b in some.json()["data"]] == [acme]
    page = await _get(client, world, "/brandings", **{"page-size": "2"})
    assert len(page.json()["data"]) == 2
    rest = await _get(
        client, world, "/brandings", **{"page-size": "2", "page-after": page.json()["moreAfter"]}
    )
    assert [b["publicId"] for b in rest.json()["data"]] == [beta]
    bad = await _get(client, world, "/brandings", filters='eq(portalUrl,"x")')
    assert bad.status_code == 400 and error_props(bad) == {"filters"}


async def test_a_row_for_the_default_domain_takes_its_place(
    client: httpx.AsyncClient, world: World
) -> None:
    own = await _add(world, "portal.ixon.cloud", "Our IXON")
    listed = await _get(client, world, "/brandings", fields="publicId,fqdn")
    assert listed.json()["data"] == [{"publicId": own, "fqdn": "portal.ixon.cloud"}]


async def test_brandings_need_an_application_but_no_token(
    client: httpx.AsyncClient, world: World
) -> None:
    response = await client.get("/brandings", headers={"Api-Version": "2"})
    assert response.status_code == 400 and error_props(response) == {"Api-Application"}


async def test_a_companys_branding_is_its_own_over_the_default(
    api: Api, client: httpx.AsyncClient, world: World
) -> None:
    plain = await _get(client, world, f"/companies/{world.a.id}/branding", fields="*")
    assert plain.status_code == 200
    data = plain.json()["data"]
    assert data["publicId"] == stable_id(f"company-branding:{world.a.id}")
    assert data["name"] == "IXON Cloud" and data["fqdn"] == "portal.ixon.cloud"
    patched = await api.patch(
        "/companies/me",
        json={"branding": {"name": "A's Portal", "theme": {"accentColor": "#abcdef",
                                                            "primaryColor": "nonsense"},
                           "logo": "https://a.example/logo.svg", "custom": {"x": 1}}},
    )  # fmt: skip
    assert patched.status_code == 200
    mine = (await _get(client, world, f"/companies/{world.a.id}/branding", fields="*")).json()
    assert mine["data"]["name"] == "A's Portal"
    assert mine["data"]["logo"] == "https://a.example/logo.svg"
    assert mine["data"]["theme"]["accentColor"] == "#abcdef"
    assert mine["data"]["theme"]["primaryColor"] == "#0B5394"  # not a colour: ignored
    assert mine["data"]["custom"] == {"x": 1}
    other = (await _get(client, world, f"/companies/{world.b.id}/branding")).json()
    assert other["data"]["name"] == "IXON Cloud"


async def test_an_unknown_company_has_no_branding(client: httpx.AsyncClient, world: World) -> None:
    response = await _get(client, world, "/companies/0000-0000-0000-0000-0000/branding")
    assert response.status_code == 404
    filtered = await _get(
        client, world, f"/companies/{world.a.id}/branding", filters='eq(name,"Other")'
    )
    assert filtered.status_code == 404
