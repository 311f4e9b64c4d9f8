"""The invitation pages (`/portal/invites/{secret}`): what each state shows, that GET changes
nothing, that only POSTs with the page's CSRF token act, and how joining ends."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import select

from app.action_tokens.models import ActionToken
from app.brandings import service as branding_service
from app.users.models import User
from tests.helpers import PASSWORD, Api, World
from tests.invites.support import expire, invite, invite_row, item, link_of, outbox_rows

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _text(response: httpx.Response) -> str:
    """The page's text, tags removed and whitespace collapsed (what a reader sees)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def _h1(response: httpx.Response) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
    assert match is not None, response.text
    return " ".join(html.unescape(match.group(1)).split())


def _csrf(response: httpx.Response) -> str:
    match = CSRF_RE.search(response.text)
    assert match is not None, response.text
    return match.group(1)


async def _open(client: httpx.AsyncClient, secret: str) -> httpx.Response:
    response = await client.get(f"/portal/invites/{secret}")
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    return response


async def _post(
    client: httpx.AsyncClient, path: str, page: httpx.Response, **fields: str
) -> httpx.Response:
    return await client.post(path, data={"csrf_token": _csrf(page), **fields})


async def _user(world: World, email: str) -> User | None:
    async with world.sessionmaker() as session:
        return await session.scalar(select(User).where(User.email_normalized == email))


async def _token_used(world: World, invite_id: str) -> bool:
    async with world.sessionmaker() as session:
        used = await session.scalars(
            select(ActionToken.used_on).where(ActionToken.reference == invite_id)
        )
        return any(u is not None for u in used)


async def test_a_new_person_sees_who_invites_them_to_what_and_two_steps(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "newbie@example.com", "Editor", message="<b>Hi</b>\nSee you!")
    secret = await link_of(world.sessionmaker, invite_id)
    response = await _open(client, secret)
    assert response.status_code == 200
    assert _h1(response) == "You're invited to join Company A"
    text = _text(response)
    assert (
        "Company A Admin (admin.a@example.com) invited newbie@example.com to join Company A "
        "on IXON Cloud" in text
    )  # the inviter's address: whom the reader can check, and ask
    assert "The role Editor in Company A" in text
    assert "<b>Hi</b>" in text and "&lt;b&gt;Hi&lt;/b&gt;" in response.text  # escaped
    assert "This invitation is valid until" in text and " UTC" in text
    assert "Join in two short steps" in text and "at least 8 characters" in text
    labels = {"name": "Your name", "password": "Password",
              "password_repeat": "Repeat password", "email": "E-mail address"}  # fmt: skip
    for field, label in labels.items():
        assert f'<label for="{field}">{label}</label>' in response.text
        assert f'id="{field}"' in response.text
    readonly = '<input type="email" id="email" value="newbie@example.com" readonly'
    assert readonly in response.text
    assert ">Create account and join</button>" in response.text
    assert ">Decline invitation</a>" in response.text  # to the confirmation step
    assert 'action="/portal/invites/' + secret + '/accept"' in response.text
    assert "<script" not in response.text.lower()


async def test_someone_with_an_account_logs_in_to_join(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Known")
    secret = await link_of(world.sessionmaker, await invite(api, person.email))
    response = await _open(client, secret)
    assert response.status_code == 200
    text = _text(response)
    assert '<label for="password">Password</label>' in response.text
    assert 'autocomplete="current-password"' in response.text
    assert ">Log in and join</button>" in response.text
    assert ">Decline invitation</a>" in response.text  # to the confirmation step
    assert "Forgot your password?" in text
    assert "Your name" not in text and "Repeat password" not in text


async def test_opening_the_link_changes_nothing(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "scanner@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    for _ in range(3):
        assert (await _open(client, secret)).status_code == 200
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
    assert not await _token_used(world, invite_id)
    assert await _user(world, "scanner@example.com") is None


async def test_a_new_person_creates_the_account_and_joins_from_the_page(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "joiner@example.com", "Viewer")
    secret = await link_of(world.sessionmaker, invite_id)
    page = await _open(client, secret)
    response = await _post(
        client, f"/portal/invites/{secret}/accept", page,
        name="  Joan   Joiner ", password="a good long password",
        password_repeat="a good long password",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert _h1(response) == "Welcome to Company A"
    link = '<a class="button" href="http://testserver/portal/">Go to IXON Cloud</a>'
    assert link in response.text
    cookie = next(c for c in response.headers.get_list("set-cookie") if "ixon_portal_user" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    user = await _user(world, "joiner@example.com")
    assert user is not None and user.name == "Joan Joiner"
    assert (await invite_row(world.sessionmaker, invite_id)).status == "accepted"
    login = await api.post(
        "/access-tokens", token=None, company=None, json={"expiresIn": 60},
        headers={"Authorization": _basic("joiner@example.com", "a good long password")},
    )  # fmt: skip
    assert login.status_code == 201
    again = await _open(client, secret)
    assert again.status_code == 410
    assert _h1(again) == "You have already joined Company A"
    assert "Sign in to IXON Cloud with joiner@example.com" in _text(again)


def _basic(email: str, password: str) -> str:
    from tests.helpers import basic

    return basic(email, password)


async def test_form_errors_are_shown_on_the_fields(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "typo@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    page = await _open(client, secret)
    path = f"/portal/invites/{secret}/accept"
    short = await _post(client, path, page, name="Ty", password="short", password_repeat="short")
    assert short.status_code == 400
    assert _h1(short) == "You're invited to join Company A"
    assert "Choose a password of at least 8 characters" in _text(short)
    assert 'href="#password"' in short.text and 'aria-invalid="true"' in short.text
    assert 'value="Ty"' in short.text  # what was typed stays, passwords do not
    mismatch = await _post(client, path, short, name="Ty", password="long enough 1",
                           password_repeat="long enough 2")  # fmt: skip
    assert mismatch.status_code == 400 and "The passwords do not match" in _text(mismatch)
    assert 'href="#password_repeat"' in mismatch.text
    nameless = await _post(client, path, mismatch, name="  ", password="long enough",
                           password_repeat="long enough")  # fmt: skip
    assert nameless.status_code == 400 and "Enter your name" in _text(nameless)
    assert await _user(world, "typo@example.com") is None
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"


async def test_an_existing_account_joins_with_its_password(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    person = await world.person("Member Elsewhere")
    invite_id = await invite(api, person.email)
    secret = await link_of(world.sessionmaker, invite_id)
    page = await _open(client, secret)
    path = f"/portal/invites/{secret}/accept"
    wrong = await _post(client, path, page, password="not the password")
    assert wrong.status_code == 400
    assert "The password is not correct" in _text(wrong)
    assert '<a href="#password" id="password-error">The password is not correct</a>' in wrong.text
    assert 'aria-describedby="password-error password-hint"' in wrong.text
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
    right = await _post(client, path, wrong, password=PASSWORD)
    assert right.status_code == 200 and _h1(right) == "Welcome to Company A"
    companies = await api.get("/companies", token=person.token, company=None)
    assert [c["publicId"] for c in companies.json()["data"]] == [world.a.id]


async def test_a_post_without_the_pages_token_changes_nothing(
    api: Api, world: World, client: httpx.AsyncClient, app: object
) -> None:
    invite_id = await invite(api, "csrf@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    fields = {"name": "Mallory", "password": "long enough", "password_repeat": "long enough"}
    bare = await client.post(f"/portal/invites/{secret}/accept", data=fields)
    assert bare.status_code == 400
    assert _h1(bare) == "This form has expired, reload the page"
    forged = await client.post(
        f"/portal/invites/{secret}/accept", data={**fields, "csrf_token": "forged"}
    )
    assert forged.status_code == 400
    page = await _open(client, secret)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        stolen = await other.post(
            f"/portal/invites/{secret}/accept", data={**fields, "csrf_token": _csrf(page)}
        )  # the token without this browser's cookie
    assert stolen.status_code == 400
    declined = await client.post(f"/portal/invites/{secret}/decline", data={})
    assert declined.status_code == 400
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
    assert await _user(world, "csrf@example.com") is None


async def test_declining_asks_for_confirmation_first(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    invite_id = await invite(api, "nope@example.com")
    secret = await link_of(world.sessionmaker, invite_id)
    page = await _open(client, secret)
    # The invitation page links to a confirmation step (a plain link: no JavaScript).
    assert f'href="/portal/invites/{secret}/decline"' in page.text
    confirm = await client.get(f"/portal/invites/{secret}/decline")
    assert confirm.status_code == 200
    assert _h1(confirm) == "Decline the invitation to Company A?"
    assert "the link in the e-mail stops working" in _text(confirm)
    assert f'href="/portal/invites/{secret}"' in confirm.text  # "No, go back"
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
    # A POST without the confirmation (an old page, a stray click) only asks.
    unconfirmed = await _post(client, f"/portal/invites/{secret}/decline", page)
    assert unconfirmed.status_code == 200 and _h1(unconfirmed) == _h1(confirm)
    assert (await invite_row(world.sessionmaker, invite_id)).status == "pending"
    response = await _post(client, f"/portal/invites/{secret}/decline", confirm, confirm="yes")
    assert response.status_code == 200 and _h1(response) == "You declined this invitation"
    assert (await invite_row(world.sessionmaker, invite_id)).status == "declined"
    later = await _open(client, secret)
    assert later.status_code == 410 and _h1(later) == "You declined this invitation"
    late_accept = await _post(
        client, f"/portal/invites/{secret}/accept", page,
        name="X", password="long enough", password_repeat="long enough",
    )  # fmt: skip
    assert late_accept.status_code == 410


async def test_each_dead_link_says_what_to_do(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    expired_id = await invite(api, "expired@example.com")
    expired = await link_of(world.sessionmaker, expired_id)
    await expire(world.sessionmaker, expired_id)
    response = await _open(client, expired)
    assert response.status_code == 410 and _h1(response) == "This invitation has expired"
    assert "Ask Company A Admin (admin.a@example.com) to send it again" in _text(response)

    revoked_id = await invite(api, "revoked@example.com")
    revoked = await link_of(world.sessionmaker, revoked_id)
    await api.delete(f"/invites/{revoked_id}")
    response = await _open(client, revoked)
    assert response.status_code == 410 and _h1(response) == "This invitation has been withdrawn"

    resent_id = await invite(api, "resent@example.com")
    old = await link_of(world.sessionmaker, resent_id)
    await api.post(f"/invites/{resent_id}/resend", branding="portal.ixon.cloud")
    response = await _open(client, old)
    assert response.status_code == 410 and _h1(response) == "This link has been replaced"
    new = await link_of(world.sessionmaker, resent_id)
    assert (await _open(client, new)).status_code == 200

    response = await _open(client, "made-up-link")
    assert response.status_code == 404 and _h1(response) == "This link is not valid"
    assert "IXON Cloud" in response.text  # still branded


async def test_pages_wear_the_invites_branding(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    async with world.sessionmaker() as session:
        await branding_service.create(
            session, fqdn="portal.acme.example", name="Acme Portal",
            portal_url="https://portal.acme.example", logo="https://cdn.acme.example/l.png",
        )  # fmt: skip
        await session.commit()
    response = await api.post(
        "/invites", json=[item(world.a, "acme@example.com")], branding="portal.acme.example"
    )
    invite_id = response.json()["data"]["invites"][0]["publicId"]
    secret = await link_of(world.sessionmaker, invite_id)
    [mail] = await outbox_rows(world.sessionmaker, f"invite:{invite_id}")
    assert f"https://portal.acme.example/portal/invites/{secret}" in mail.text
    assert mail.sender_name == "Acme Portal" and "on Acme Portal" in mail.subject
    page = await _open(client, secret)
    assert "Acme Portal" in _text(page) and "https://cdn.acme.example/l.png" in page.text
    done = await _post(client, f"/portal/invites/{secret}/accept", page, name="Acme User",
                       password="long enough", password_repeat="long enough")  # fmt: skip
    # No portal of its own named (`home_url`): the account portal where its pages are served.
    go_to = '<a class="button" href="https://portal.acme.example/portal/">Go to Acme Portal</a>'
    assert go_to in done.text


async def test_a_browser_signed_in_as_someone_else_is_told_and_can_sign_out(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    first = await link_of(world.sessionmaker, await invite(api, "first@example.com"))
    page = await _open(client, first)
    joined = await _post(client, f"/portal/invites/{first}/accept", page, name="First",
                         password="long enough", password_repeat="long enough")  # fmt: skip
    assert joined.status_code == 200
    second_id = await invite(api, "second@example.com")
    second = await link_of(world.sessionmaker, second_id)
    response = await _open(client, second)
    assert response.status_code == 200
    assert (
        "You are signed in as first@example.com, but this invitation is for second@example.com."
        in _text(response)
    )
    assert ">Sign out and continue</button>" in response.text
    assert "Create account and join" not in response.text
    out = await client.post(
        "/portal/sign-out", data={"csrf_token": _csrf(response), "invite": second}
    )
    assert out.status_code == 303 and out.headers["location"] == f"/portal/invites/{second}"
    assert any(
        "ixon_portal_user" in c and "Max-Age=0" in c for c in out.headers.get_list("set-cookie")
    )
    after = await _open(client, second)
    assert "You are signed in as" not in _text(after)
    assert ">Create account and join</button>" in after.text
    refused = await client.post("/portal/sign-out", data={"invite": second})
    assert refused.status_code == 400
    assert (await invite_row(world.sessionmaker, second_id)).status == "pending"


async def test_the_same_account_signed_in_sees_its_own_invite(
    api: Api, world: World, client: httpx.AsyncClient
) -> None:
    first = await link_of(world.sessionmaker, await invite(api, "twice.in@example.com"))
    page = await _open(client, first)
    await _post(client, f"/portal/invites/{first}/accept", page, name="Twice",
                password="long enough", password_repeat="long enough")  # fmt: skip
    other = await invite(api, "twice.in@example.com", company=world.b)
    response = await _open(client, await link_of(world.sessionmaker, other))
    assert "You are signed in as" not in _text(response)
    assert ">Log in and join</button>" in response.text
