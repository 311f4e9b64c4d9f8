"""Self-registration: `POST /registrations`, the link's `/registrations/me*`, and no leak of
which addresses have an account."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.companies.models import Company
from app.core import security
from app.registrations import service as registration_service
from app.registrations.models import Registration
from app.users import service as user_service
from tests.helpers import Api, World, basic, error_props, errors
from tests.registrations.support import BRANDING, PASSWORD, expire, mails, secret_in


def body(email: str = "ann@example.com", **changes: Any) -> dict[str, Any]:
    return {
        "companyName": "Acme",
        "name": "Ann Example",
        "emailAddress": email,
        "password": PASSWORD,
        "language": "nl",
        "localisation": "nl_NL",
        "timeZone": "Europe/Amsterdam",
        "termsOfUsePolicy": None,
    } | changes


async def register(api: Api, payload: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    kwargs.setdefault("branding", BRANDING)
    return await api.post(
        "/registrations", token=None, company=None, json=payload or body(), **kwargs
    )


async def registered(api: Api, session: AsyncSession, email: str = "ann@example.com") -> str:
    """Registers ``email`` and returns the secret of its confirmation link."""
    response = await register(api, body(email))
    assert response.status_code == 201
    *_, newest = await mails(session, kind="registration_confirmation", recipient=email)
    return secret_in(newest, "registrations")


async def me(api: Api, method: str, secret: str, path: str = "", **kwargs: Any) -> Any:
    return await api.request(
        method, f"/registrations/me{path}", token=secret, company=None, **kwargs
    )


async def test_registering_sends_a_confirmation_and_finishing_makes_account_and_company(
    api: Api, session: AsyncSession
) -> None:
    response = await register(api)
    assert response.status_code == 201
    assert response.json() == {"type": "Registration", "data": None, "status": "success"}
    (mail,) = await mails(session)
    assert (mail.kind, mail.recipient) == ("registration_confirmation", "ann@example.com")
    assert mail.subject == "Voltooi je registratie bij IXON Cloud"  # registered in Dutch
    secret = secret_in(mail, "registrations")
    assert secret not in str((await session.scalars(select(Registration))).one().password_hash)

    shown = await me(api, "GET", secret, params={"fields": "*"})
    data = shown.json()["data"]
    assert shown.status_code == 200 and data == {
        "publicId": data["publicId"],
        "companyName": "Acme",
        "name": "Ann Example",
        "emailAddress": "ann@example.com",
        "language": "nl",
    }
    assert await user_service.by_email(session, "ann@example.com") is None

    finished = await me(api, "POST", secret, "/finish")
    assert finished.status_code == 201 and finished.json()["data"] is None

    login = await api.post(
        "/access-tokens",
        token=None,
        company=None,
        json={"expiresIn": 600},
        headers={"Authorization": basic("ANN@example.com", PASSWORD)},
    )
    assert login.status_code == 201
    token = login.json()["data"]["secretId"]
    profile = await api.get("/users/me", token=token, company=None, params={"fields": "*"})
    assert profile.json()["data"]["language"] == "nl"
    assert profile.json()["data"]["timeZone"] == "Europe/Amsterdam"
    # The company got the registration's id, and the new user administers it.
    company = await api.patch(
        "/companies/me", token=token, company=data["publicId"], json={"name": "Acme BV"}
    )
    assert company.status_code == 200


async def test_the_default_answer_shows_the_registration(api: Api, session: AsyncSession) -> None:
    secret = await registered(api, session)
    shown = await me(api, "GET", secret)
    assert list(shown.json()["data"]) == [
        "publicId",
        "companyName",
        "name",
        "emailAddress",
        "language",
    ]
    assert error_props(await me(api, "GET", secret, params={"fields": "password"})) == {"fields"}


async def test_a_confirmation_link_works_once(api: Api, session: AsyncSession) -> None:
    secret = await registered(api, session)
    assert (await me(api, "POST", secret, "/finish")).status_code == 201
    for method, path in (("POST", "/finish"), ("GET", ""), ("DELETE", "")):
        again = await me(api, method, secret, path)
        assert again.status_code == 410, (method, path)
        assert error_props(again) == {"Authorization"}
    assert await session.scalar(select(func.count()).select_from(Company)) == 1 + 2


async def test_an_expired_or_unknown_link_does_nothing(api: Api, session: AsyncSession) -> None:
    secret = await registered(api, session)
    await expire(session, secret)
    assert (await me(api, "GET", secret)).status_code == 410
    assert (await me(api, "POST", secret, "/finish")).status_code == 410
    unknown = await me(api, "POST", "x" * 43, "/finish")
    assert unknown.status_code == 401 and error_props(unknown) == {"Authorization"}
    missing = await me(api, "GET", None)  # type: ignore[arg-type]
    assert missing.status_code == 401
    assert await user_service.by_email(session, "ann@example.com") is None


async def test_cancelling_retires_the_link(api: Api, session: AsyncSession) -> None:
    secret = await registered(api, session)
    cancelled = await me(api, "DELETE", secret)
    assert cancelled.status_code == 200 and cancelled.json()["data"] is None
    assert (await me(api, "POST", secret, "/finish")).status_code == 410
    assert (await session.scalars(select(Registration.status))).one() == "cancelled"
    assert await user_service.by_email(session, "ann@example.com") is None


async def test_finishing_refuses_an_address_registered_in_the_meantime(
    api: Api, session: AsyncSession, world: World
) -> None:
    first = await registered(api, session, "twice@example.com")
    second = await registered(api, session, "twice@example.com")
    assert (await me(api, "POST", second, "/finish")).status_code == 201
    companies = await session.scalar(select(func.count()).select_from(Company))
    conflict = await me(api, "POST", first, "/finish")
    assert conflict.status_code == 409 and error_props(conflict) == {"emailAddress"}
    assert await session.scalar(select(func.count()).select_from(Company)) == companies
    # Nothing was used up by the refused attempt.
    assert (await me(api, "GET", first)).status_code == 200


async def test_an_existing_account_gets_the_same_answer_and_another_e_mail(
    api: Api, session: AsyncSession, world: World
) -> None:
    fresh = await register(api, body("new.person@example.com"))
    known = await register(api, body(world.a.admin.email.upper()))
    assert fresh.status_code == known.status_code == 201
    assert fresh.json() == known.json()
    assert fresh.headers.keys() - {"x-request-id"} == known.headers.keys() - {"x-request-id"}

    (note,) = await mails(session, recipient=world.a.admin.email)
    assert note.kind == "account_exists"
    assert "You already have" in note.subject and "complete your registration" not in note.text
    # The note's link resets the password of the existing account.
    secret = secret_in(note, "access-recover")
    shown = await api.get("/access-recover/me", token=secret, company=None)
    assert shown.json()["data"] == {"emailAddress": world.a.admin.email}
    stored = (await session.scalars(select(Registration.email_normalized))).all()
    assert stored == ["new.person@example.com"]


async def test_the_password_is_hashed_whether_or_not_the_address_is_known(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = security.hash_password

    async def counting(password: str) -> str:
        hashed.append(password)
        return await real(password)

    monkeypatch.setattr(registration_service.security, "hash_password", counting)
    await register(api, body("someone.new@example.com"))
    await register(api, body(world.b.admin.email))
    assert hashed == [PASSWORD, PASSWORD]


@pytest.mark.parametrize(
    ("changes", "prop"),
    [
        ({"companyName": ""}, "companyName"),
        ({"name": "x" * 256}, "name"),
        ({"emailAddress": "not-an-address"}, "emailAddress"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 1025}, "password"),
        ({"language": "dutch"}, "language"),
        ({"timeZone": ""}, "timeZone"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_bad_input_names_the_property(
    api: Api, session: AsyncSession, changes: dict[str, Any], prop: str
) -> None:
    response = await register(api, body(**changes))
    assert response.status_code == 400 and error_props(response) == {prop}
    assert PASSWORD not in response.text and "short" not in str(errors(response))
    assert await mails(session) == []


async def test_required_fields_and_headers(api: Api, session: AsyncSession) -> None:
    for field in ("companyName", "name", "emailAddress", "password"):
        payload = body()
        del payload[field]
        response = await register(api, payload)
        assert response.status_code == 400 and error_props(response) == {field}
    no_branding = await api.post("/registrations", token=None, company=None, json=body())
    assert no_branding.status_code == 400 and error_props(no_branding) == {"Api-Branding"}
    unknown = await register(api, body(), branding="unknown.example.com")
    assert unknown.status_code == 400 and error_props(unknown) == {"Api-Branding"}
    no_app = await register(api, body(), application=None)
    assert no_app.status_code == 400 and error_props(no_app) == {"Api-Application"}
    assert await mails(session) == []


async def test_registrations_to_one_address_are_throttled(api: Api, world: World) -> None:
    for address in ("often@example.com", world.a.admin.email):
        answers = [(await register(api, body(address))).status_code for _ in range(6)]
        assert answers == [201] * 5 + [429]


async def test_the_password_is_kept_as_typed(api: Api, session: AsyncSession) -> None:
    secret = await registered(api, session, "spaces@example.com")
    registration = (await session.scalars(select(Registration))).one()
    assert await security.verify_password(registration.password_hash, PASSWORD)
    assert (await me(api, "POST", secret, "/finish")).status_code == 201
    spaced = await register(api, body("spaced@example.com", password=f"  {PASSWORD}  "))
    assert spaced.status_code == 201
    stored = await session.scalar(
        select(Registration.password_hash).where(
            Registration.email_normalized == "spaced@example.com"
        )
    )
    assert await security.verify_password(stored, f"  {PASSWORD}  ")
