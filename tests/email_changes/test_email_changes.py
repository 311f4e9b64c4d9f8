"""E-mail address changes: asked for with the access token, confirmed from the new address;
a taken address is never revealed to the requester."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.users import service as user_service
from tests.access_recover.test_access_recover import can_log_in
from tests.helpers import PASSWORD, Api, Person, World, error_props
from tests.registrations.support import BRANDING, expire, mails, secret_in

PATH = "/users/me/email-address-changes"


async def ask(api: Api, person: Person, address: Any, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("branding", BRANDING)
    body = {"newEmailAddress": address} if isinstance(address, str) else address
    return await api.post(PATH, token=person.token, company=None, json=body, **kwargs)


async def link_for(api: Api, session: AsyncSession, person: Person, address: str) -> str:
    assert (await ask(api, person, address)).status_code == 201
    *_, newest = await mails(session, kind="email_change_confirmation", recipient=address)
    return secret_in(newest, "email-address-changes")


async def by_link(api: Api, method: str, secret: str, path: str = "", **kw: Any) -> Any:
    return await api.request(
        method, f"/email-address-changes/me{path}", token=secret, company=None, **kw
    )


async def mine(api: Api, person: Person, path: str = "", **kwargs: Any) -> httpx.Response:
    return await api.get(PATH + path, token=person.token, company=None, **kwargs)


async def test_asking_mails_the_new_address_and_lists_the_change(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Mover")
    asked = await ask(api, person, "Moved.Here@Example.com")
    assert asked.status_code == 201
    (created,) = asked.json()["data"]
    (mail,) = await mails(session)
    assert (mail.kind, mail.recipient) == ("email_change_confirmation", "Moved.Here@example.com")
    assert "Moved.Here@example.com" in mail.text

    listed = await mine(api, person, params={"fields": "*"})
    (item,) = listed.json()["data"]
    assert item["publicId"] == created["publicId"]
    assert (item["oldEmailAddress"], item["newEmailAddress"]) == (
        person.email,
        "Moved.Here@example.com",
    )
    assert item["expiresOn"].endswith("Z") and item["user"] == {"publicId": person.id}
    one = await mine(
        api, person, f"/{created['publicId']}", params={"fields": "newEmailAddress,user.name"}
    )
    assert one.json()["data"] == {
        "publicId": created["publicId"],
        "newEmailAddress": "Moved.Here@example.com",
        "user": {"publicId": person.id, "name": "Mover"},
    }
    found = await mine(
        api, person, params={"filters": 'eq(newEmailAddress,"moved.here@EXAMPLE.com")'}
    )
    assert len(found.json()["data"]) == 1
    none = await mine(api, person, params={"filters": 'eq(newEmailAddress,"other@example.com")'})
    assert none.json()["data"] == []
    assert (await user_service.by_email(session, person.email)) is not None


async def test_confirming_changes_the_address_once_and_tells_the_old_one(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Mover")
    reset = await api.post(
        "/access-recover",
        token=None,
        company=None,
        branding=BRANDING,
        json={"emailAddress": person.email},
    )
    assert reset.status_code == 201
    (reset_mail,) = await mails(session, kind="password_reset")
    secret = await link_for(api, session, person, "moved@example.com")

    shown = await by_link(api, "GET", secret, params={"fields": "*,user.*"})
    data = shown.json()["data"]
    assert (
        data["oldEmailAddress"] == person.email and data["newEmailAddress"] == "moved@example.com"
    )
    assert data["user"]["emailAddress"] == person.email and data["user"]["name"] == "Mover"

    done = await by_link(api, "POST", secret, "/finish")
    assert done.status_code == 201 and done.json()["data"] is None
    assert await can_log_in(api, "moved@example.com", PASSWORD)
    assert not await can_log_in(api, person.email, PASSWORD)
    (notice,) = await mails(session, kind="email_change_notice")
    assert notice.recipient == person.email and "moved@example.com" in notice.text
    # The reset link went to the old address: it no longer works.
    old_link = secret_in(reset_mail, "access-recover")
    assert (await api.get("/access-recover/me", token=old_link, company=None)).status_code == 410

    again = await by_link(api, "POST", secret, "/finish")
    assert again.status_code == 410 and error_props(again) == {"Authorization"}
    assert (await mine(api, person)).json()["data"] == []


async def test_a_taken_address_looks_the_same_to_the_requester(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Mover")
    free = await ask(api, person, "free.address@example.com")
    taken = await ask(api, person, world.b.admin.email.upper())
    assert free.status_code == taken.status_code == 201
    assert free.json().keys() == taken.json().keys() and len(taken.json()["data"]) == 1
    assert free.json()["type"] == taken.json()["type"]
    listed = (await mine(api, person, params={"fields": "newEmailAddress"})).json()["data"]
    assert [item["newEmailAddress"] for item in listed] == [
        world.b.admin.email.upper().split("@")[0] + "@example.com"
    ]
    (note,) = await mails(session, recipient=world.b.admin.email)
    assert note.kind == "address_in_use" and "nothing was changed" in note.text
    confirmations = await mails(session, kind="email_change_confirmation")
    assert [m.recipient for m in confirmations] == ["free.address@example.com"]


async def test_an_address_taken_before_confirming_is_refused(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Slow")
    other = await world.person("Fast")
    secret = await link_for(api, session, person, "contested@example.com")
    other_secret = await link_for(api, session, other, "contested@example.com")
    assert (await by_link(api, "POST", other_secret, "/finish")).status_code == 201
    conflict = await by_link(api, "POST", secret, "/finish")
    assert conflict.status_code == 409 and error_props(conflict) == {"newEmailAddress"}
    assert await can_log_in(api, person.email, PASSWORD)
    assert (await by_link(api, "GET", secret)).status_code == 200


async def test_bad_requests_name_the_property(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Picky")
    for body, prop in (
        (person.email.upper(), "newEmailAddress"),
        ("not an address", "newEmailAddress"),
        ({}, "newEmailAddress"),
        (
            {"newEmailAddress": "a@example.com", "oldEmailAddress": "b@example.com"},
            "oldEmailAddress",
        ),
        ([{"newEmailAddress": "a@example.com"}], None),
    ):
        refused = await ask(api, person, body)
        assert refused.status_code == 400 and error_props(refused) == {prop}, body
    no_branding = await api.post(
        PATH, token=person.token, company=None, json={"newEmailAddress": "a@example.com"}
    )
    assert no_branding.status_code == 400 and error_props(no_branding) == {"Api-Branding"}
    anonymous = await api.post(
        PATH, token=None, company=None, branding=BRANDING, json={"newEmailAddress": "a@b.com"}
    )
    assert anonymous.status_code == 401
    assert await mails(session) == []
    assert (await mine(api, person)).json()["data"] == []


async def test_a_new_request_supersedes_the_pending_one(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Typo")
    first = await link_for(api, session, person, "tpyo@example.com")
    second = await link_for(api, session, person, "typo@example.com")
    assert (await by_link(api, "GET", first)).status_code == 410
    assert (await by_link(api, "GET", second)).status_code == 200
    listed = (await mine(api, person, params={"fields": "newEmailAddress"})).json()["data"]
    assert [item["newEmailAddress"] for item in listed] == ["typo@example.com"]


async def test_cancelling_by_id_is_all_or_nothing_and_retires_the_link(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Undecided")
    secret = await link_for(api, session, person, "maybe@example.com")
    (change,) = (await mine(api, person)).json()["data"]
    refused = await api.delete(
        PATH,
        token=person.token,
        company=None,
        json=[{"publicId": change["publicId"]}, {"publicId": "AAAAAAAAAAAA"}],
    )
    assert refused.status_code == 404
    assert [(e["propertyName"], e["listIndex"]) for e in refused.json()["data"]] == [
        ("publicId", 1)
    ]
    assert (await by_link(api, "GET", secret)).status_code == 200

    cancelled = await api.delete(
        PATH, token=person.token, company=None, json={"publicId": change["publicId"]}
    )
    assert cancelled.status_code == 200 and cancelled.json()["data"] is None
    assert (await by_link(api, "GET", secret)).status_code == 410
    assert (await mine(api, person)).json()["data"] == []
    gone = await api.delete(PATH + f"/{change['publicId']}", token=person.token, company=None)
    assert gone.status_code == 404 and error_props(gone) == {"publicId"}


async def test_cancelling_one_and_someone_else_s_change(
    api: Api, world: World, session: AsyncSession
) -> None:
    person = await world.person("Owner")
    stranger = await world.person("Stranger")
    secret = await link_for(api, session, person, "mine@example.com")
    (change,) = (await mine(api, person)).json()["data"]
    path = PATH + f"/{change['publicId']}"
    assert (await mine(api, stranger, f"/{change['publicId']}")).status_code == 404
    assert (await api.delete(path, token=stranger.token, company=None)).status_code == 404
    assert (await by_link(api, "GET", secret)).status_code == 200
    assert (await api.delete(path, token=person.token, company=None)).status_code == 200
    assert (await by_link(api, "POST", secret, "/finish")).status_code == 410


async def test_the_link_cancels_and_expires(api: Api, world: World, session: AsyncSession) -> None:
    person = await world.person("Linker")
    secret = await link_for(api, session, person, "one@example.com")
    cancelled = await by_link(api, "DELETE", secret)
    assert cancelled.status_code == 200 and cancelled.json()["data"] is None
    assert (await by_link(api, "DELETE", secret)).status_code == 410
    assert (await mine(api, person)).json()["data"] == []
    later = await link_for(api, session, person, "two@example.com")
    await expire(session, later)
    assert (await by_link(api, "POST", later, "/finish")).status_code == 410
    assert (await by_link(api, "GET", "z" * 43)).status_code == 401
    assert await can_log_in(api, person.email, PASSWORD)


async def test_a_service_account_has_no_address_to_change(api: Api, world: World) -> None:
    created = await api.post("/users/service-account", json=[{"name": "Robot"}])
    token = created.json()["data"][0]["token"]
    application = created.json()["data"][0]["apiApplication"]["publicId"]
    refused = await api.post(
        PATH,
        token=token,
        company=None,
        application=application,
        branding=BRANDING,
        json={"newEmailAddress": "robot@example.com"},
    )
    assert refused.status_code == 403
