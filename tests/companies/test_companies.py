"""Companies: creation with the access model seeded, switching, reading, editing, deleting."""

from __future__ import annotations

from tests.helpers import Api, World, error_props, errors


async def test_creating_a_company_makes_the_caller_its_administrator(
    api: Api, world: World
) -> None:
    person = await world.person("Founder")
    created = await api.post(
        "/companies", token=person.token, company=None, json={"name": "New Co", "country": "NL"}
    )
    assert created.status_code == 201
    company_id = created.json()["data"][0]["publicId"]
    assert len(company_id) == 24
    listed = await api.get(
        "/companies", token=person.token, company=None, params={"fields": "publicId,name"}
    )
    assert listed.json()["data"] == [{"publicId": company_id, "name": "New Co"}]
    roles = await api.get(
        "/roles", token=person.token, company=company_id, params={"fields": "name,permissions"}
    )
    by_name = {r["name"]: r for r in roles.json()["data"]}
    assert set(by_name) == {"Administrator", "Editor", "Viewer", "User"}
    assert by_name["Administrator"]["permissions"] == [{"publicId": "COMPANY_ADMIN"}]
    groups = await api.get(
        "/groups", token=person.token, company=company_id, params={"fields": "name,isCompanyGroup"}
    )
    [group] = groups.json()["data"]
    assert group == {"publicId": group["publicId"], "name": "New Co", "isCompanyGroup": True}
    me = await api.get(
        "/companies/me", token=person.token, company=company_id, params={"fields": "*"}
    )
    assert me.json()["data"]["country"] == "NL"


async def test_bulk_creation_mirrors_the_request_shape(api: Api) -> None:
    response = await api.post("/companies", company=None, json=[{"name": "One"}, {"name": "Two"}])
    assert response.status_code == 201
    assert [len(item["publicId"]) for item in response.json()["data"]] == [24, 24]


async def test_bad_company_bodies_are_refused_and_nothing_is_created(api: Api) -> None:
    response = await api.post(
        "/companies",
        company=None,
        json=[{"name": "Fine"}, {"name": "Bad", "country": "Netherlands"}],
    )
    assert response.status_code == 400
    assert errors(response)[0]["listIndex"] == 1 and error_props(response) == {"country"}
    listed = await api.get("/companies", company=None, params={"fields": "name"})
    assert "Fine" not in [c["name"] for c in listed.json()["data"]]


async def test_switching_company_is_sending_another_api_company(api: Api, world: World) -> None:
    person = await world.member(world.a, "User")
    created = await api.post(
        "/companies", token=person.token, company=None, json={"name": "Second"}
    )
    second = created.json()["data"][0]["publicId"]
    listed = await api.get("/companies", token=person.token, company=None)
    assert {c["publicId"] for c in listed.json()["data"]} == {world.a.id, second}
    a_name = await api.get(
        "/companies/me", token=person.token, company=world.a.id, params={"fields": "name"}
    )
    second_name = await api.get(
        "/companies/me", token=person.token, company=second, params={"fields": "name"}
    )
    assert a_name.json()["data"]["name"] == "Company A"
    assert second_name.json()["data"]["name"] == "Second"


async def test_a_company_is_read_only_by_its_members(api: Api, world: World) -> None:
    mine = await api.get(f"/companies/{world.a.id}", company=None, params={"fields": "*"})
    assert mine.status_code == 200 and mine.json()["data"]["name"] == "Company A"
    theirs = await api.get(f"/companies/{world.b.id}", company=None)
    unknown = await api.get("/companies/1111-1111-1111-1111-1111", company=None)
    assert theirs.status_code == unknown.status_code == 404
    assert errors(theirs) == errors(unknown)
    malformed = await api.get("/companies/not-a-company", company=None)
    assert malformed.status_code == 404


async def test_only_an_administrator_edits_the_company(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    refused = await api.patch("/companies/me", token=viewer.token, json={"name": "Hijacked"})
    assert refused.status_code == 403
    ok = await api.patch(
        "/companies/me", json={"name": "Renamed", "country": "BE", "custom": {"erp": 42}}
    )
    assert ok.status_code == 200 and ok.json()["data"] is None
    me = await api.get("/companies/me", params={"fields": "name,country,custom"})
    assert me.json()["data"] == {
        "publicId": world.a.id,
        "name": "Renamed",
        "country": "BE",
        "custom": {"erp": 42},
    }


async def test_patch_refuses_bad_values(api: Api) -> None:
    response = await api.patch("/companies/me", json={"name": "", "colour": "red"})
    assert response.status_code == 400
    assert error_props(response) == {"name", "colour"}


async def test_deleting_a_company_needs_company_admin_and_leaves_others_alone(
    api: Api, world: World
) -> None:
    viewer = await world.member(world.a, "Viewer")
    refused = await api.delete(f"/companies/{world.a.id}", token=viewer.token, company=None)
    assert refused.status_code == 403
    theirs = await api.delete(f"/companies/{world.b.id}", company=None)
    assert theirs.status_code == 404
    ok = await api.delete(f"/companies/{world.a.id}", company=None)
    assert ok.status_code == 200
    gone = await api.get("/roles", company=world.a.id)
    assert gone.status_code == 404
    other = await api.get("/roles", token=world.b.admin.token, company=world.b.id)
    assert other.status_code == 200
    still_a_user = await api.get("/users/me", company=None)
    assert still_a_user.status_code == 200


async def test_bulk_delete_is_all_or_nothing(api: Api, world: World) -> None:
    response = await api.delete(
        "/companies", company=None, json=[{"publicId": world.a.id}, {"publicId": world.b.id}]
    )
    assert response.status_code == 404 and errors(response)[0]["listIndex"] == 1
    assert (await api.get("/roles")).status_code == 200
