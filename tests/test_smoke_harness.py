from tests.helpers import Api


async def test_roles_seed_call(api: Api) -> None:
    response = await api.get("/roles", params={"fields": "publicId,name"})
    assert response.status_code == 200
    names = {r["name"] for r in response.json()["data"]}
    assert {"Administrator", "Editor", "Viewer", "User"} <= names
