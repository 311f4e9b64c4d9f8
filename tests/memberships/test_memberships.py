"""Memberships (`/users/memberships*`): reading, granting, changing, removing, replacing a
user's set; the rules on tenants, permissions, duplicates, expiry and the last administrator."""

from __future__ import annotations

from tests.helpers import Api, World, error_props, errors
from tests.memberships.support import (
    YESTERDAY,
    future,
    invite_membership,
    join,
    make_group,
    make_role,
    memberships_of,
    past,
)

PATH = "/users/memberships"


def item(user: str, group: str, role: str, **extra: object) -> dict[str, object]:
    return {"user": {"publicId": user}, "group": {"publicId": group},
            "role": {"publicId": role}, **extra}  # fmt: skip


async def admin_membership(api: Api, world: World) -> str:
    listed = await api.get(PATH, params={"filters": f'eq(user.publicId,"{world.a.admin.id}")'})
    [only] = listed.json()["data"]
    return str(only["publicId"])


async def test_list_shows_this_companys_memberships_in_ixons_shape(api: Api, world: World) -> None:
    member = await world.member(world.a, "Viewer")
    response = await api.get(PATH, params={"fields": "*"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "UserMembership" and body["moreAfter"] is None
    by_user = {m["user"]["publicId"]: m for m in body["data"]}
    assert set(by_user) == {world.a.admin.id, member.id}  # nothing of company B
    assert by_user[member.id] == {
        "publicId": by_user[member.id]["publicId"],
        "user": {"publicId": member.id},
        "invite": None,
        "group": {"publicId": world.a.group_id},
        "role": {"publicId": world.a.roles["Viewer"]},
        "expiresOn": None,
    }
    default = await api.get(PATH)  # without `fields`: every property, references as stubs
    assert default.json()["data"] == body["data"]


async def test_list_filters_and_pages(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    await world.member(world.a, "User")
    expiring = await join(world, world.a, viewer, "Editor", expires_on=YESTERDAY)

    async def ids(filters: str) -> set[str]:
        response = await api.get(PATH, params={"filters": filters, "fields": "publicId"})
        assert response.status_code == 200, response.text
        return {m["publicId"] for m in response.json()["data"]}

    assert len(await ids(f'eq(user.publicId,"{viewer.id}")')) == 2
    assert len(await ids(f'eq(role.publicId,"{world.a.roles["Viewer"]}")')) == 1
    assert len(await ids(f'eq(group.publicId,"{world.a.group_id}")')) == 4
    assert await ids("isnotnull(expiresOn)") == {expiring}
    assert await ids(f'eq(publicId,"{expiring}")') == {expiring}
    assert await ids(f'eq(role.publicId,"{world.b.roles["Viewer"]}")') == set()

    first = await api.get(PATH, params={"page-size": "3"})
    assert len(first.json()["data"]) == 3 and first.json()["moreAfter"]
    rest = await api.get(PATH, params={"page-size": "3", "page-after": first.json()["moreAfter"]})
    assert len(rest.json()["data"]) == 1 and rest.json()["moreAfter"] is None

    bad = await api.get(PATH, params={"filters": 'eq(user.name,"x")'})
    assert bad.status_code == 400 and error_props(bad) == {"filters"}
    bad = await api.get(PATH, params={"filters": 'eq(expiresOn,"tomorrow")'})
    assert bad.status_code == 400 and error_props(bad) == {"filters"}
    bad = await api.get(PATH, params={"fields": "user.name"})
    assert bad.status_code == 400 and error_props(bad) == {"fields"}


async def test_get_one_and_tenant_isolation(api: Api, world: World) -> None:
    mine = await admin_membership(api, world)
    response = await api.get(f"{PATH}/{mine}", params={"fields": "user,role,expiresOn"})
    assert response.status_code == 200
    assert response.json()["data"] == {"publicId": mine,
                                       "user": {"publicId": world.a.admin.id},
                                       "role": {"publicId": world.a.roles["Administrator"]},
                                       "expiresOn": None}  # fmt: skip
    theirs = await api.get(PATH, token=world.b.admin.token, company=world.b.id)
    [b_membership] = theirs.json()["data"]
    foreign = await api.get(f"{PATH}/{b_membership['publicId']}")
    assert foreign.status_code == 404 and error_props(foreign) == {"publicId"}
    assert (await api.get(f"{PATH}/nothing")).status_code == 404


async def test_reading_needs_view_users(api: Api, world: World) -> None:
    viewer = await world.member(world.a, "Viewer")
    plain = await world.member(world.a, "User")
    assert (await api.get(PATH, token=viewer.token)).status_code == 200
    mine = await admin_membership(api, world)
    assert (await api.get(f"{PATH}/{mine}", token=viewer.token)).status_code == 200
    refused = await api.get(PATH, token=plain.token)
    assert refused.status_code == 403 and "VIEW_USERS" in errors(refused)[0]["message"]
    assert (await api.get(f"{PATH}/{mine}", token=plain.token)).status_code == 403


async def test_memberships_of_pending_invites(api: Api, world: World) -> None:
    """Invites bring their own memberships: listed, editable and removable here."""
    invite, membership = await invite_membership(world, world.a, "Viewer")
    listed = await api.get(PATH, params={"filters": f'eq(invite.publicId,"{invite}")',
                                         "fields": "publicId,user,invite,role"})  # fmt: skip
    assert listed.json()["data"] == [{"publicId": membership, "user": None,
                                      "invite": {"publicId": invite},
                                      "role": {"publicId": world.a.roles["Viewer"]}}]  # fmt: skip
    changed = await api.patch(f"{PATH}/{membership}",
                              json={"role": {"publicId": world.a.roles["Editor"]}})  # fmt: skip
    assert changed.status_code == 200
    one = await api.get(f"{PATH}/{membership}", params={"fields": "role"})
    assert one.json()["data"] == {
        "publicId": membership,
        "role": {"publicId": world.a.roles["Editor"]},
    }
    assert (await api.delete(f"{PATH}/{membership}")).status_code == 200
    assert (await api.get(f"{PATH}/{membership}")).status_code == 404


async def test_granting_a_role_takes_effect(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    assert (await api.get("/users", token=member.token)).status_code == 403
    response = await api.post(
        PATH,
        json=[item(member.id, world.a.group_id, world.a.roles["Viewer"]),
              item(member.id, world.a.group_id, world.a.roles["Editor"], expiresOn=future())],
    )  # fmt: skip
    assert response.status_code == 201
    created = [m["publicId"] for m in response.json()["data"]]
    assert len(created) == 2 and all(len(p) == 12 for p in created)
    assert [m["publicId"] for m in await memberships_of(world, member)][1:] == created
    assert (await api.get("/users", token=member.token)).status_code == 200
    one = await api.get(f"{PATH}/{created[1]}", params={"fields": "expiresOn"})
    assert one.json()["data"]["expiresOn"] is not None


async def test_a_single_object_is_a_list_of_one(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    response = await api.post(PATH, json=item(member.id, world.a.group_id, world.a.roles["Viewer"]))
    assert response.status_code == 201
    assert [len(m["publicId"]) for m in response.json()["data"]] == [12]


async def test_every_bad_item_is_reported_and_nothing_is_granted(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    outsider = await world.person("Outsider")
    b_member = await world.member(world.b, "User")
    a, b = world.a, world.b
    body = [
        item(member.id, a.group_id, a.roles["Viewer"]),  # fine on its own
        item(outsider.id, a.group_id, a.roles["Viewer"]),  # not in the company
        item(b_member.id, a.group_id, a.roles["Viewer"]),  # company B's user
        item(member.id, b.group_id, a.roles["Viewer"]),  # company B's group
        item(member.id, a.group_id, b.roles["Viewer"]),  # company B's role
        item(member.id, a.group_id, a.roles["User"]),  # held already
        item(member.id, a.group_id, a.roles["Viewer"]),  # twice in this request
    ]
    response = await api.post(PATH, json=body)
    assert response.status_code == 409
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert found == {(1, "user"), (2, "user"), (3, "group"), (4, "role"), (5, None), (6, None)}
    assert len(await memberships_of(world, member)) == 1
    assert await memberships_of(world, b_member) == await memberships_of(world, b_member)
    assert len(await memberships_of(world, outsider)) == 0


async def test_bad_bodies_are_400_naming_the_property(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    a = world.a
    cases: list[tuple[object, set[tuple[int | None, str | None]]]] = [
        ([{"user": {"publicId": member.id}, "role": {"publicId": a.roles["Viewer"]}}],
         {(0, "group")}),
        ([{"user": {"publicId": member.id}, "group": {"publicId": a.group_id}}], {(0, "role")}),
        ([{"group": {"publicId": a.group_id}, "role": {"publicId": a.roles["Viewer"]}}],
         {(0, "user")}),
        ([item(member.id, a.group_id, a.roles["Viewer"], expiresOn="soon")], {(0, "expiresOn")}),
        ([item(member.id, a.group_id, a.roles["Viewer"], colour="red")], {(0, "colour")}),
        ([item(member.id, a.group_id, a.roles["Viewer"]), {"group": None}],
         {(1, "group"), (1, "role")}),
        ([], {(None, None)}),
        ("nonsense", {(None, None)}),
    ]  # fmt: skip
    for body, expected in cases:
        response = await api.post(PATH, json=body)
        assert response.status_code == 400, (body, response.text)
        assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == expected, body
    invite = await api.post(
        PATH, json=[{"invite": {"publicId": "abcdefghijkl"}, "group": {"publicId": a.group_id},
                     "role": {"publicId": a.roles["Viewer"]}}]
    )  # fmt: skip
    assert invite.status_code == 400 and error_props(invite) == {"invite"}
    assert "invite" in errors(invite)[0]["message"].lower()
    assert len(await memberships_of(world, member)) == 1


async def test_granting_needs_manage_users_and_never_more_than_one_holds(
    api: Api, world: World
) -> None:
    member = await world.member(world.a, "User")
    viewer = await world.member(world.a, "Viewer")
    refused = await api.post(
        PATH, token=viewer.token, json=[item(member.id, world.a.group_id, world.a.roles["Viewer"])]
    )
    assert refused.status_code == 403
    await make_role(world, world.a, "User manager", "MANAGE_USERS")
    manager = await world.member(world.a, "User manager")
    allowed = await api.post(
        PATH, token=manager.token, json=[item(member.id, world.a.group_id, world.a.roles["Viewer"])]
    )
    assert allowed.status_code == 201
    for role in ("Administrator", "Editor"):
        beyond = await api.post(
            PATH, token=manager.token, json=[item(member.id, world.a.group_id, world.a.roles[role])]
        )
        assert beyond.status_code == 403 and error_props(beyond) == {"role"}
        assert errors(beyond)[0]["listIndex"] == 0
    assert len(await memberships_of(world, member)) == 2


async def test_memberships_in_other_groups(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    line = await make_group(world, world.a, "Line 1")
    response = await api.post(PATH, json=[item(member.id, line, world.a.roles["Viewer"])])
    assert response.status_code == 201
    listed = await api.get(PATH, params={"filters": f'eq(group.publicId,"{line}")',
                                         "fields": "user,group"})  # fmt: skip
    [shown] = listed.json()["data"]
    assert shown == {"publicId": shown["publicId"], "user": {"publicId": member.id},
                     "group": {"publicId": line}}  # fmt: skip


async def test_an_expired_membership_grants_nothing(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    response = await api.post(
        PATH, json=[item(member.id, world.a.group_id, world.a.roles["Viewer"], expiresOn=past())]
    )
    assert response.status_code == 201  # allowed: it is recorded, it grants nothing
    assert (await api.get("/users", token=member.token)).status_code == 403

    former = await world.person("Former admin")
    await join(world, world.a, former, "Administrator", expires_on=YESTERDAY)
    gone = await api.get("/roles", token=former.token)
    assert gone.status_code == 404 and error_props(gone) == {"Api-Company"}
    listed = await api.get("/users", params={"filters": f'eq(publicId,"{former.id}")'})
    assert len(listed.json()["data"]) == 1  # still listed, so an admin can renew it

    demoted = await world.member(world.a, "User")
    await join(world, world.a, demoted, "Administrator", expires_on=YESTERDAY)
    refused = await api.post(
        PATH, token=demoted.token,
        json=[item(demoted.id, world.a.group_id, world.a.roles["Viewer"])],
    )  # fmt: skip
    assert refused.status_code == 403


async def test_patch_changes_role_group_and_expiry(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    [membership] = [m["publicId"] for m in await memberships_of(world, member)]
    line = await make_group(world, world.a, "Line 1")
    response = await api.patch(
        PATH, json=[{"publicId": membership, "role": {"publicId": world.a.roles["Viewer"]},
                     "group": {"publicId": line}, "expiresOn": future()}]
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["data"] is None
    [after] = await memberships_of(world, member)
    assert (after["group"], after["role"]) == (line, world.a.roles["Viewer"])
    assert after["expiresOn"] is not None
    single = await api.patch(f"{PATH}/{membership}", json={"role": None, "expiresOn": None})
    assert single.status_code == 200
    [after] = await memberships_of(world, member)
    assert (after["group"], after["role"], after["expiresOn"]) == (line, None, None)
    untouched = await api.patch(f"{PATH}/{membership}", json={})
    assert untouched.status_code == 200
    assert await memberships_of(world, member) == [after]


async def test_patch_refuses_bad_items_and_changes_nothing(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    other = await world.member(world.a, "Viewer")
    [mine] = [m["publicId"] for m in await memberships_of(world, member)]
    second = await join(world, world.a, member, "Viewer")
    b_member = await world.member(world.b, "Viewer")
    [theirs] = [m["publicId"] for m in await memberships_of(world, b_member)]
    [others] = [m["publicId"] for m in await memberships_of(world, other)]
    before = await memberships_of(world, member)
    body = [
        {"publicId": others, "role": {"publicId": world.a.roles["Editor"]}},  # fine alone
        {"publicId": "unknown12345"},
        {"publicId": theirs, "role": None},  # company B's
        {"publicId": mine, "group": None},
        {"publicId": second, "role": {"publicId": world.b.roles["Viewer"]}},
        {"publicId": others, "expiresOn": None},  # listed twice
    ]
    response = await api.patch(PATH, json=body)
    assert response.status_code == 404
    found = {(e["listIndex"], e["propertyName"]) for e in errors(response)}
    assert found == {(1, "publicId"), (2, "publicId"), (3, "group"), (4, "role"), (5, "publicId")}
    duplicate = await api.patch(
        PATH, json={"publicId": mine, "role": {"publicId": world.a.roles["Viewer"]}}
    )
    assert duplicate.status_code == 409 and errors(duplicate)[0]["listIndex"] == 0
    swapped = await api.patch(
        f"{PATH}/{mine}", json={"role": {"publicId": world.a.roles["Viewer"]}}
    )
    assert swapped.status_code == 409 and errors(swapped)[0]["listIndex"] is None
    bad = await api.patch(f"{PATH}/{mine}", json={"expiresOn": "never"})
    assert bad.status_code == 400 and error_props(bad) == {"expiresOn"}
    missing = await api.patch(PATH, json=[{"role": None}])
    assert missing.status_code == 400 and errors(missing)[0] == {
        "message": "publicId is required",
        "propertyName": "publicId",
        "listIndex": 0,
    }
    assert await memberships_of(world, member) == before
    assert (await memberships_of(world, other))[0]["role"] == world.a.roles["Viewer"]
    assert (await memberships_of(world, b_member))[0]["role"] == world.b.roles["Viewer"]


async def test_two_memberships_may_swap_roles(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    [user_role] = [m["publicId"] for m in await memberships_of(world, member)]
    viewer_role = await join(world, world.a, member, "Viewer")
    response = await api.patch(
        PATH,
        json=[
            {"publicId": user_role, "role": {"publicId": world.a.roles["Viewer"]}},
            {"publicId": viewer_role, "role": {"publicId": world.a.roles["User"]}},
        ],
    )
    assert response.status_code == 200, response.text
    roles = {m["publicId"]: m["role"] for m in await memberships_of(world, member)}
    assert roles == {user_role: world.a.roles["Viewer"], viewer_role: world.a.roles["User"]}


async def test_the_last_administrator_cannot_be_demoted_or_expired(api: Api, world: World) -> None:
    mine = await admin_membership(api, world)
    for change in ({"role": {"publicId": world.a.roles["Viewer"]}}, {"role": None},
                   {"expiresOn": past()}):  # fmt: skip
        refused = await api.patch(f"{PATH}/{mine}", json=change)
        assert refused.status_code == 409, change
        assert "administrator" in errors(refused)[0]["message"]
    second = await world.member(world.a, "Administrator")
    demoted = await api.patch(
        f"{PATH}/{mine}", json={"role": {"publicId": world.a.roles["Viewer"]}}
    )
    assert demoted.status_code == 200
    [theirs] = [m["publicId"] for m in await memberships_of(world, second)]
    refused = await api.patch(f"{PATH}/{theirs}", token=second.token,
                              json={"expiresOn": past()})  # fmt: skip
    assert refused.status_code == 409


async def test_a_manager_cannot_touch_memberships_beyond_their_permissions(
    api: Api, world: World
) -> None:
    await make_role(world, world.a, "User manager", "MANAGE_USERS")
    manager = await world.member(world.a, "User manager")
    await world.member(world.a, "Administrator", name="Second admin")
    mine = await admin_membership(api, world)
    for request in (api.patch(f"{PATH}/{mine}", token=manager.token, json={"role": None}),
                    api.delete(f"{PATH}/{mine}", token=manager.token)):  # fmt: skip
        refused = await request
        assert refused.status_code == 403 and error_props(refused) == {"publicId"}
    member = await world.member(world.a, "User")
    [theirs] = [m["publicId"] for m in await memberships_of(world, member)]
    promote = await api.patch(
        f"{PATH}/{theirs}",
        token=manager.token,
        json={"role": {"publicId": world.a.roles["Administrator"]}},
    )
    assert promote.status_code == 403 and error_props(promote) == {"role"}
    fine = await api.patch(
        f"{PATH}/{theirs}",
        token=manager.token,
        json={"role": {"publicId": world.a.roles["Viewer"]}},
    )
    assert fine.status_code == 200


async def test_changing_needs_manage_users(api: Api, world: World) -> None:
    editor = await world.member(world.a, "Editor")
    [mine] = [m["publicId"] for m in await memberships_of(world, editor)]
    for request in (api.patch(f"{PATH}/{mine}", token=editor.token, json={"role": None}),
                    api.patch(PATH, token=editor.token, json=[{"publicId": mine, "role": None}]),
                    api.delete(PATH, token=editor.token, json=[{"publicId": mine}]),
                    api.delete(f"{PATH}/{mine}", token=editor.token),
                    api.put(f"{PATH}/user/{editor.id}", token=editor.token,
                            json=[{"group": {"publicId": world.a.group_id}}])):  # fmt: skip
        refused = await request
        assert refused.status_code == 403
        assert "MANAGE_USERS" in errors(refused)[0]["message"]
    assert (await memberships_of(world, editor))[0]["role"] == world.a.roles["Editor"]


async def test_delete_memberships(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    extra = await join(world, world.a, member, "Viewer")
    response = await api.delete(PATH, json=[{"publicId": extra}])
    assert response.status_code == 200 and response.json()["data"] is None
    [left] = await memberships_of(world, member)
    single = await api.delete(f"{PATH}/{left['publicId']}")
    assert single.status_code == 200
    assert await memberships_of(world, member) == []
    gone = await api.get("/roles", token=member.token)
    assert gone.status_code == 404  # no membership, no company


async def test_delete_is_all_or_nothing_and_tenant_safe(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    b_member = await world.member(world.b, "User")
    [mine] = [m["publicId"] for m in await memberships_of(world, member)]
    [theirs] = [m["publicId"] for m in await memberships_of(world, b_member)]
    response = await api.delete(PATH, json=[{"publicId": mine}, {"publicId": theirs}, {}])
    assert response.status_code == 400  # the body is checked first
    assert errors(response)[0]["listIndex"] == 2
    response = await api.delete(PATH, json=[{"publicId": mine}, {"publicId": theirs}])
    assert response.status_code == 404
    assert [(e["listIndex"], e["propertyName"]) for e in errors(response)] == [(1, "publicId")]
    single = await api.delete(f"{PATH}/{theirs}")
    assert single.status_code == 404 and errors(single)[0]["listIndex"] is None
    assert len(await memberships_of(world, member)) == 1
    assert len(await memberships_of(world, b_member)) == 1


async def test_the_last_administrators_membership_cannot_be_deleted(api: Api, world: World) -> None:
    mine = await admin_membership(api, world)
    for request in (api.delete(f"{PATH}/{mine}"), api.delete(PATH, json=[{"publicId": mine}])):
        refused = await request
        assert refused.status_code == 409
    assert len(await memberships_of(world, world.a.admin)) == 1
    # A service account holding COMPANY_ADMIN is no administrator for this rule.
    created = await api.post("/users/service-account", json=[{"name": "Robot"}])
    robot = created.json()["data"][0]["publicId"]
    granted = await api.post(PATH, json=[item(robot, world.a.group_id,
                                              world.a.roles["Administrator"])])  # fmt: skip
    assert granted.status_code == 201
    assert (await api.delete(f"{PATH}/{mine}")).status_code == 409


async def test_a_service_accounts_last_membership_stays(api: Api, world: World) -> None:
    created = await api.post("/users/service-account", json=[{"name": "Robot"}])
    robot = created.json()["data"][0]["publicId"]
    listed = await api.get(PATH, params={"filters": f'eq(user.publicId,"{robot}")'})
    [only] = [m["publicId"] for m in listed.json()["data"]]
    refused = await api.delete(PATH, json=[{"publicId": only}])
    assert refused.status_code == 409 and errors(refused)[0]["listIndex"] == 0
    assert "service-account" in errors(refused)[0]["message"]
    extra = await api.post(PATH, json=[item(robot, world.a.group_id, world.a.roles["Viewer"])])
    assert (await api.delete(f"{PATH}/{only}")).status_code == 200
    last = extra.json()["data"][0]["publicId"]
    assert (await api.delete(f"{PATH}/{last}")).status_code == 409


async def test_put_replaces_the_users_set(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    await join(world, world.b, member, "Viewer")  # another company: untouched
    [kept] = [m for m in await memberships_of(world, member) if m["role"] == world.a.roles["User"]]
    line = await make_group(world, world.a, "Line 1")
    response = await api.put(
        f"{PATH}/user/{member.id}",
        json=[{"group": {"publicId": line}, "role": {"publicId": world.a.roles["Viewer"]},
               "expiresOn": future()},
              {"group": {"publicId": world.a.group_id}, "role": {"publicId": world.a.roles["User"]},
               "expiresOn": None},
              {"group": {"publicId": world.a.group_id}, "role": None}],
    )  # fmt: skip
    assert response.status_code == 200
    answered = [m["publicId"] for m in response.json()["data"]]
    assert len(answered) == 3 and answered[1] == kept["publicId"]  # same group and role: kept
    now = {m["publicId"]: m for m in await memberships_of(world, member)}
    in_a = {p: m for p, m in now.items() if m["company"] == world.a.internal_id}
    assert set(in_a) == set(answered)
    assert [m["role"] for m in now.values() if m["company"] == world.b.internal_id] == [
        world.b.roles["Viewer"]
    ]
    again = await api.put(f"{PATH}/user/{member.id}",
                          json={"group": {"publicId": world.a.group_id}})  # fmt: skip
    assert again.status_code == 200 and len(again.json()["data"]) == 1
    assert [m["role"] for m in await memberships_of(world, member)
            if m["company"] == world.a.internal_id] == [None]  # fmt: skip


async def test_put_refuses_bad_sets(api: Api, world: World) -> None:
    member = await world.member(world.a, "User")
    outsider = await world.person("Outsider")
    b_member = await world.member(world.b, "User")
    before = await memberships_of(world, member)
    group = {"publicId": world.a.group_id}
    for target in (outsider.id, b_member.id, "unknown12345"):
        response = await api.put(f"{PATH}/user/{target}", json=[{"group": group}])
        assert response.status_code == 404 and error_props(response) == {"publicId"}
    response = await api.put(
        f"{PATH}/user/{member.id}",
        json=[{"group": group}, {"group": {"publicId": world.b.group_id}},
              {"group": group, "role": {"publicId": world.b.roles["User"]}}, {"group": group},
              {"role": None}],
    )  # fmt: skip
    assert response.status_code == 400 and error_props(response) == {"group"}
    response = await api.put(
        f"{PATH}/user/{member.id}",
        json=[{"group": group}, {"group": {"publicId": world.b.group_id}},
              {"group": group, "role": {"publicId": world.b.roles["User"]}}, {"group": group}],
    )  # fmt: skip
    assert response.status_code == 409
    assert {(e["listIndex"], e["propertyName"]) for e in errors(response)} == {
        (1, "group"),
        (2, "role"),
        (3, None),
    }
    assert (await api.put(f"{PATH}/user/{member.id}", json=[])).status_code == 400
    assert await memberships_of(world, member) == before


async def test_put_keeps_the_last_administrator_and_the_permission_ceiling(
    api: Api, world: World
) -> None:
    group = {"publicId": world.a.group_id}
    refused = await api.put(
        f"{PATH}/user/{world.a.admin.id}",
        json=[{"group": group, "role": {"publicId": world.a.roles["Viewer"]}}],
    )
    assert refused.status_code == 409
    assert (await memberships_of(world, world.a.admin))[0]["role"] == world.a.roles["Administrator"]
    await make_role(world, world.a, "User manager", "MANAGE_USERS")
    manager = await world.member(world.a, "User manager")
    member = await world.member(world.a, "Viewer")
    beyond = await api.put(
        f"{PATH}/user/{member.id}",
        token=manager.token,
        json=[{"group": group, "role": {"publicId": world.a.roles["Editor"]}}],
    )
    assert beyond.status_code == 403 and errors(beyond)[0]["listIndex"] == 0
    admin_set = await api.put(f"{PATH}/user/{world.a.admin.id}", token=manager.token,
                              json=[{"group": group, "role": None}])  # fmt: skip
    assert admin_set.status_code == 403
    fine = await api.put(
        f"{PATH}/user/{member.id}",
        token=manager.token,
        json=[{"group": group, "role": {"publicId": world.a.roles["User"]}}],
    )
    assert fine.status_code == 200
