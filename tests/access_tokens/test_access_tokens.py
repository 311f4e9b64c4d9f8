"""Log-in (`POST /access-tokens` with Basic), bearer authentication and token management."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app.access_tokens.models import AccessToken
from app.core import security
from app.core.clock import utcnow
from tests.helpers import PASSWORD, Api, World, basic, error_props, errors


async def log_in(
    api: Api, authorization: str, *, body: object = None, **kwargs: object
) -> httpx.Response:
    return await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 3600} if body is None else body,
        headers={"Authorization": authorization},
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("urlsafe", [False, True])
async def test_basic_login_returns_a_32_character_secret_once(
    api: Api, world: World, urlsafe: bool
) -> None:
    response = await log_in(
        api, basic(world.a.admin.email, PASSWORD, urlsafe=urlsafe), params={"fields": "secretId"}
    )
    assert response.status_code == 201
    data = response.json()["data"]
    secret = data["secretId"]
    assert len(secret) == 32 and data["publicId"]
    me = await api.get("/access-tokens/me", token=secret, company=None, params={"fields": "*"})
    assert me.status_code == 200 and "secretId" not in me.json()["data"]
    async with world.sessionmaker() as session:
        stored = await session.scalar(
            select(AccessToken).where(AccessToken.public_id == data["publicId"])
        )
    assert stored is not None and stored.secret_hash == security.token_hash(secret)
    assert secret not in (stored.secret_hash, stored.public_id)


async def test_login_is_case_insensitive_on_the_address_and_keeps_colons_in_passwords(
    api: Api, world: World
) -> None:
    person = await world.person("Colon Person", password="pass:word:with:colons")
    response = await log_in(api, basic(person.email.upper(), "pass:word:with:colons"))
    assert response.status_code == 201


async def test_the_user_comes_with_the_token_when_asked(api: Api, world: World) -> None:
    response = await log_in(
        api,
        basic(world.a.admin.email, PASSWORD),
        params={"fields": "secretId,user(name,emailAddress)"},
    )
    data = response.json()["data"]
    assert data["user"] == {
        "publicId": world.a.admin.id,
        "name": "Company A Admin",
        "emailAddress": world.a.admin.email,
    }


async def test_a_wrong_password_and_an_unknown_address_answer_identically(
    api: Api, world: World
) -> None:
    wrong = await log_in(api, basic(world.a.admin.email, "not the password"))
    unknown = await log_in(api, basic("nobody@example.com", "not the password"))
    assert wrong.status_code == unknown.status_code == 401
    assert errors(wrong) == errors(unknown)


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"no-colons-at-all").decode(),
        "Basic ",
        "Digest abc",
    ],
)
async def test_malformed_credentials_are_401(api: Api, authorization: str) -> None:
    response = await log_in(api, authorization)
    assert response.status_code == 401
    assert "Authorization" in error_props(response)


async def test_without_credentials_the_body_and_query_are_not_read(api: Api) -> None:
    # The document requires Authorization: its absence is the answer, not the bad body.
    response = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        params={"fields": "((("},
        json={"expiresIn": "soon"},
    )
    assert response.status_code == 401
    assert error_props(response) == {"Authorization"}


@pytest.mark.parametrize("expires_in", [59, 5_184_001, "soon", None])
async def test_expires_in_is_checked(api: Api, world: World, expires_in: object) -> None:
    response = await log_in(
        api,
        basic(world.a.admin.email, PASSWORD),
        body={"expiresIn": expires_in} if expires_in is not None else {},
    )
    assert response.status_code == 400
    assert error_props(response) == {"expiresIn"}


async def test_login_needs_a_known_application(api: Api, world: World) -> None:
    response = await log_in(api, basic(world.a.admin.email, PASSWORD), application="Nope12345678")
    assert response.status_code == 400
    assert error_props(response) == {"Api-Application"}


async def test_bearer_and_bare_tokens_authenticate(api: Api, world: World) -> None:
    bare = await api.get(
        "/users/me", token=None, company=None, headers={"Authorization": world.a.admin.token}
    )
    assert bare.status_code == 200
    assert bare.json()["data"]["publicId"] == world.a.admin.id


@pytest.mark.parametrize("authorization", [None, "Bearer " + "x" * 32, "Bearer", "x" * 32])
async def test_missing_or_unknown_tokens_are_401(api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await api.get("/users/me", token=None, company=None, headers=headers)
    assert response.status_code == 401


async def test_an_expired_token_is_refused(api: Api, world: World) -> None:
    async with world.sessionmaker() as session:
        token = await session.scalar(
            select(AccessToken).where(
                AccessToken.secret_hash == security.token_hash(world.a.admin.token)
            )
        )
        assert token is not None
        token.expires_on = utcnow() - timedelta(seconds=1)
        await session.commit()
    response = await api.get("/users/me", company=None)
    assert response.status_code == 401


async def test_tokens_are_listed_read_and_revoked(api: Api, world: World) -> None:
    second = (await log_in(api, basic(world.a.admin.email, PASSWORD))).json()["data"]
    listed = await api.get("/access-tokens", company=None, params={"fields": "publicId,expiresOn"})
    ids = [t["publicId"] for t in listed.json()["data"]]
    assert second["publicId"] in ids and len(ids) == 2
    one = await api.get(
        f"/access-tokens/{second['publicId']}", company=None, params={"fields": "*"}
    )
    assert one.status_code == 200 and "secretId" not in one.json()["data"]
    assert one.json()["data"]["scope"] == {"type": "unrestricted"}
    deleted = await api.delete(f"/access-tokens/{second['publicId']}", company=None)
    assert deleted.status_code == 200 and deleted.json()["data"] is None
    refused = await api.get("/users/me", token=second["secretId"], company=None)
    assert refused.status_code == 401


async def test_bulk_delete_is_all_or_nothing(api: Api, world: World) -> None:
    second = (await log_in(api, basic(world.a.admin.email, PASSWORD))).json()["data"]
    response = await api.delete(
        "/access-tokens",
        company=None,
        json=[{"publicId": second["publicId"]}, {"publicId": "doesNotExist"}],
    )
    assert response.status_code == 404
    assert errors(response)[0]["listIndex"] == 1
    still = await api.get("/users/me", token=second["secretId"], company=None)
    assert still.status_code == 200
    ok = await api.delete("/access-tokens", company=None, json=[{"publicId": second["publicId"]}])
    assert ok.status_code == 200
    assert (await api.get("/users/me", token=second["secretId"], company=None)).status_code == 401


async def test_log_out_revokes_the_token_in_use(api: Api) -> None:
    assert (await api.delete("/access-tokens/me", company=None)).status_code == 200
    assert (await api.get("/users/me", company=None)).status_code == 401


async def test_someone_elses_token_is_404(api: Api, world: World) -> None:
    theirs = await api.get("/access-tokens/me", token=world.b.admin.token, company=None)
    their_id = theirs.json()["data"]["publicId"]
    assert (await api.get(f"/access-tokens/{their_id}", company=None)).status_code == 404
    assert (await api.delete(f"/access-tokens/{their_id}", company=None)).status_code == 404
    assert (await api.get("/users/me", token=world.b.admin.token, company=None)).status_code == 200


async def test_a_bearer_token_can_create_a_narrower_token(api: Api) -> None:
    response = await api.post(
        "/access-tokens",
        company=None,
        json={
            "expiresIn": 600,
            "scope": {"type": "allow", "rels": [{"rel": "MyUser", "get": True}]},
        },
    )
    assert response.status_code == 201
    narrow = response.json()["data"]["secretId"]
    assert (await api.get("/users/me", token=narrow, company=None)).status_code == 200
    refused = await api.get("/roles", token=narrow)
    assert refused.status_code == 403


async def test_a_deny_scope_blocks_only_the_listed_methods(api: Api) -> None:
    response = await api.post(
        "/access-tokens",
        company=None,
        json={
            "expiresIn": 600,
            "scope": {"type": "deny", "rels": [{"rel": "MyUser", "patch": True}]},
        },
    )
    token = response.json()["data"]["secretId"]
    assert (await api.get("/users/me", token=token, company=None)).status_code == 200
    patched = await api.patch("/users/me", token=token, company=None, json={"name": "X"})
    assert patched.status_code == 403


async def test_filters_and_fields_on_tokens(api: Api) -> None:
    me = (await api.get("/access-tokens/me", company=None)).json()["data"]["publicId"]
    response = await api.get(
        "/access-tokens", company=None, params={"filters": f'eq(publicId,"{me}")'}
    )
    assert [t["publicId"] for t in response.json()["data"]] == [me]
    bad = await api.get("/access-tokens", company=None, params={"filters": 'eq(secretHash,"x")'})
    assert bad.status_code == 400 and error_props(bad) == {"filters"}
    bad_field = await api.get("/access-tokens", company=None, params={"fields": "secretId"})
    assert bad_field.status_code == 400 and error_props(bad_field) == {"fields"}
