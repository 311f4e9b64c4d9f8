"""`fields=`, `filters=` and keyset paging: parser, projection and SQL, through the API."""

from __future__ import annotations

import pytest

from app.core.errors import BadRequest
from app.core.querying import MAX_PAGE_SIZE, parse_fields, parse_filters, project
from app.core.schemas import OutModel
from app.groups.models import Group, GroupType
from tests.helpers import Api, World, error_props


def test_fields_forms_parse_into_one_tree() -> None:
    assert parse_fields(["name, type, emailAddress,memberships.expiresOn,memberships.role"]) == {
        "name": None,
        "type": None,
        "emailAddress": None,
        "memberships": {"expiresOn": None, "role": None},
    }
    assert parse_fields(["publicId", "type(name,publicId)", "parent.*"]) == {
        "publicId": None,
        "type": {"name": None, "publicId": None},
        "parent": {"*": None},
    }
    assert parse_fields(["a(b.c,d(e))"]) == {"a": {"b": {"c": None}, "d": {"e": None}}}
    assert parse_fields(None) is None and parse_fields([""]) is None


@pytest.mark.parametrize("bad", ["a(b", "a..b", "a.", "1abc", "a b", "(x)"])
def test_unreadable_fields_are_refused(bad: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_fields([bad])
    assert caught.value.items[0].property_name == "fields"


class _Ref(OutModel):
    publicId: str
    name: str | None = None


class _Thing(OutModel):
    default_fields = "name,type(name)"

    publicId: str
    name: str
    type: _Ref | None = None
    items: list[_Ref] = []
    theme: dict[str, str] = {}
    custom: dict[str, object] = {}


def test_projection_keeps_nested_references_as_stubs_until_named() -> None:
    data = {
        "theme": {"color": "#fff"},
        "custom": {"publicId": "not a reference", "n": 1},
        "items": [{"publicId": "x", "name": "X"}],
        "type": {"publicId": "t", "name": "T"},
        "name": "G",
        "publicId": "g",
    }
    # The model's order, publicId first, whatever the presenter's or the selection's order.
    assert list(project(data, _Thing, {"*": None})) == [
        "publicId",
        "name",
        "type",
        "items",
        "theme",
        "custom",
    ]
    assert project(data, _Thing, {"*": None}) == {
        "publicId": "g",
        "name": "G",
        "type": {"publicId": "t"},
        "items": [{"publicId": "x"}],
        "theme": {"color": "#fff"},
        "custom": {"publicId": "not a reference", "n": 1},
    }
    assert project(data, _Thing, {"type": {"name": None}}) == {
        "publicId": "g",
        "type": {"publicId": "t", "name": "T"},
    }
    assert project(data, _Thing, {"type": {"*": None}})["type"] == {"publicId": "t", "name": "T"}
    assert project(data, _Thing, {"items": {"name": None}})["items"] == [
        {"publicId": "x", "name": "X"}
    ]
    assert project(data, _Thing, None) == {
        "publicId": "g",
        "name": "G",
        "type": {"publicId": "t", "name": "T"},
    }


def test_filters_parse_every_operator_and_alias() -> None:
    parsed = parse_filters(
        [
            'eq(name,"a"),equals(name,"a"),ne(name,"b"),differs(name,"b"),lt(order,"1")',
            'less(order,"1"),lte(order,"1"),lessorequal(order,"1"),gt(order,"1"),greater(order,"1")',
            'gte(order,"1"),greaterorequal(order,"1"),in(name,"a","b, c"),ni(name,"x")',
            'isnull(parent),isnotnull(parent),between(order,"1","2"),contains(name,"x")',
        ]
    )
    assert len(parsed) == 18
    assert parsed[12].values == ("a", "b, c")
    assert [f.op for f in parsed[14:]] == ["isnull", "isnotnull", "between", "contains"]


@pytest.mark.parametrize(
    "bad", ["eq(name)", 'nope(name,"x")', 'between(order,"1")', "eq(name,'x')", "name", 'eq(,"x")']
)
def test_unreadable_filters_are_refused(bad: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_filters([bad])
    assert caught.value.items[0].property_name == "filters"


async def _groups(world: World, count: int) -> dict[str, str]:
    """``count`` groups in company A (every third one of type "Site"): name → publicId."""
    async with world.sessionmaker() as session:
        site = GroupType(company_id=world.a.internal_id, name="Site", order=2, color="#00ff00")
        session.add(site)
        await session.flush()
        groups = [
            Group(
                company_id=world.a.internal_id,
                name=f"g{i:02d}",
                type_id=site.id if i % 3 == 0 else None,
                custom={"i": i},
            )
            for i in range(count)
        ]
        session.add_all(groups)
        await session.commit()
        return {g.name: g.public_id for g in groups}


async def test_keyset_paging_walks_every_item_once(api: Api, world: World) -> None:
    made = await _groups(world, 25)
    seen: list[str] = []
    params = {"page-size": "10", "fields": "name"}
    while True:
        page = (await api.get("/groups", params=params)).json()
        seen += [g["name"] for g in page["data"]]
        if page["moreAfter"] is None:
            break
        params["page-after"] = page["moreAfter"]
    assert sorted(seen) == sorted([*made, "Company A"]) and len(seen) == len(set(seen))


async def test_paging_parameters_are_checked(api: Api, world: World) -> None:
    for params, prop in [
        ({"page-size": "0"}, "page-size"),
        ({"page-size": "x"}, "page-size"),
        ({"page-after": "no such cursor!"}, "page-after"),
        ({"page-after": "abcdefghijkl"}, "page-after"),
    ]:
        response = await api.get("/groups", params=params)
        assert response.status_code == 400, params
        assert error_props(response) == {prop}
    b_group = (await api.get("/groups", token=world.b.admin.token, company=world.b.id)).json()
    foreign = await api.get("/groups", params={"page-after": b_group["data"][0]["publicId"]})
    assert foreign.status_code == 400
    huge = await api.get("/groups", params={"page-size": str(MAX_PAGE_SIZE + 1)})
    assert huge.status_code == 200


async def test_filters_compile_to_sql(api: Api, world: World) -> None:
    made = await _groups(world, 7)

    async def names(expression: str) -> list[str]:
        response = await api.get("/groups", params={"filters": expression, "fields": "name"})
        assert response.status_code == 200, response.text
        return sorted(g["name"] for g in response.json()["data"])

    assert await names('eq(name,"g03")') == ["g03"]
    assert await names('in(name,"g01","g02")') == ["g01", "g02"]
    assert await names('ni(name,"g01","g02"),contains(name,"g0")') == [
        "g00",
        "g03",
        "g04",
        "g05",
        "g06",
    ]
    assert await names('between(name,"g02","g04")') == ["g02", "g03", "g04"]
    assert await names('gt(name,"g05")') == ["g06"]
    assert await names('lte(name,"g00")') == ["Company A", "g00"]
    assert await names('eq(type.name,"Site")') == ["g00", "g03", "g06"]
    assert await names("isnull(type)") == sorted(["Company A", "g01", "g02", "g04", "g05"])
    assert await names('eq(isCompanyGroup,"true")') == ["Company A"]
    assert await names('contains(name,"%")') == []
    assert await names(f'eq(publicId,"{made["g04"]}")') == ["g04"]


@pytest.mark.parametrize(
    "expression",
    ['eq(secret,"x")', 'eq(isCompanyGroup,"maybe")', 'between(createdOn,"yesterday","today")'],
)
async def test_bad_filters_are_400_naming_filters(api: Api, expression: str) -> None:
    response = await api.get("/groups", params={"filters": expression})
    assert response.status_code == 400
    assert error_props(response) == {"filters"}


async def test_nested_fields_through_the_api(api: Api, world: World) -> None:
    await _groups(world, 1)
    response = await api.get(
        "/groups",
        params={"fields": "name,type(name,color),isCompanyGroup", "filters": 'eq(name,"g00")'},
    )
    group = response.json()["data"][0]
    assert group == {
        "publicId": group["publicId"],
        "name": "g00",
        "type": {"publicId": group["type"]["publicId"], "name": "Site", "color": "#00ff00"},
        "isCompanyGroup": False,
    }
    stubbed = await api.get("/groups", params={"fields": "*", "filters": 'eq(name,"g00")'})
    item = stubbed.json()["data"][0]
    assert item["type"] == {"publicId": item["type"]["publicId"]} and item["custom"] == {"i": 0}
    unknown = await api.get("/groups", params={"fields": "name,secret"})
    assert unknown.status_code == 400 and error_props(unknown) == {"fields"}
    deep = await api.get("/groups", params={"fields": "name.first"})
    assert deep.status_code == 400
