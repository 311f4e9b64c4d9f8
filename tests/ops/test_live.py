"""Two real `ixon-api serve` processes on one PostgreSQL database: nothing one process needs
lives in the other's memory. And an SDK generated from the committed OpenAPI document, used as
an integrator would, runs the seed's flow against them."""

from __future__ import annotations

import asyncio
import base64
import email
import importlib
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.policy import default as default_policy
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from app import bootstrap
from app.cli import OPENAPI_PATH
from app.db import migrate
from app.db.session import create_sessionmaker
from tests.conftest import (
    REQUIRE_POSTGRES,
    _create_postgres_database,
    _drop_postgres_database,
    _postgres_available,
)
from tests.ops.servers import IXON_API, Server, serving

pytestmark = pytest.mark.e2e

PASSWORD = "a long passphrase"
BRANDING = "portal.ixon.cloud"
LOGIN_LIMIT = 3


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@dataclass
class Live:
    a: Server
    b: Server
    application: str
    company: str
    email: str
    mail: Path
    shared_limits: bool

    def headers(self, token: str | None = None, **more: str) -> dict[str, str]:
        sent = {
            "Api-Version": "2",
            "Api-Application": self.application,
            "Api-Company": self.company,
        }
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        return sent | more

    def basic(self, email: str, password: str) -> str:
        return base64.b64encode(f"{email}::{password}".encode()).decode()

    def log_in(self, server: Server, email: str | None = None, password: str = PASSWORD) -> str:
        response = httpx.post(
            f"{server.base}/access-tokens",
            params={"fields": "secretId"},
            headers=self.headers(
                Authorization=f"Basic {self.basic(email or self.email, password)}"
            ),
            json={"expiresIn": 3600},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["secretId"])

    def link_secrets(self, to: str) -> list[str]:
        """The link secrets of the e-mails sent to ``to``, oldest first."""
        secrets = []
        for path in sorted(self.mail.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            if to in str(message["To"]):
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                found = re.search(r"/portal/invites/([A-Za-z0-9_-]+)", body.get_content())
                if found:
                    secrets.append(found.group(1))
        return secrets


async def _seed(url: str, admin: str) -> bootstrap.Bootstrapped:
    engine = create_async_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            seeded = await bootstrap.bootstrap(
                session, company="Acme", email=admin, password=PASSWORD
            )
            await session.commit()
            return seeded
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    if not asyncio.run(_postgres_available()):
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL is required for the two-process tests")
        pytest.skip("PostgreSQL is not available")
    url = asyncio.run(_create_postgres_database())
    try:
        migrate.upgrade(url)
        admin = f"admin.{uuid.uuid4().hex[:8]}@example.com"
        seeded = asyncio.run(_seed(url, admin))
        mail = tmp_path_factory.mktemp("mail")
        shared = _redis_answers()
        env = {
            "IXON_MAIL_BACKEND": "file",
            "IXON_MAIL_DIR": str(mail),
            "IXON_OUTBOX_WORKER": "true",
            "IXON_OUTBOX_POLL_INTERVAL": "0.2",
            "IXON_LOGIN_LIMIT_PER_ACCOUNT_CLIENT": f"{LOGIN_LIMIT}/5minutes",
            "IXON_LOGIN_LIMIT_PER_ADDRESS": "1000/5minutes",
            "IXON_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/0" if shared else "memory://",
        }
        with serving(url, count=2, env=env) as (a, b):
            yield Live(a, b, seeded.application_id, seeded.company_id, admin, mail, shared)
    finally:
        asyncio.run(_drop_postgres_database(url))


def test_a_token_issued_by_one_process_works_on_the_other(live: Live) -> None:
    token = live.log_in(live.a)
    roles = httpx.get(f"{live.b.base}/roles", headers=live.headers(token))
    assert roles.status_code == 200 and roles.json()["data"]
    # Revoked on B, refused on A.
    assert httpx.delete(f"{live.b.base}/access-tokens/me", headers=live.headers(token)).is_success
    assert httpx.get(f"{live.a.base}/roles", headers=live.headers(token)).status_code == 401


def test_an_invite_made_on_one_is_listed_and_resent_by_the_other(live: Live) -> None:
    token = live.log_in(live.a)
    roles = httpx.get(
        f"{live.a.base}/roles", params={"fields": "publicId,name"}, headers=live.headers(token)
    ).json()["data"]
    groups = httpx.get(
        f"{live.a.base}/groups",
        params={"fields": "publicId,isCompanyGroup"},
        headers=live.headers(token),
    ).json()["data"]
    viewer = next(r["publicId"] for r in roles if r["name"] == "Viewer")
    company_group = next(g["publicId"] for g in groups if g["isCompanyGroup"])
    invitee = f"colleague.{uuid.uuid4().hex[:6]}@example.com"
    created = httpx.post(
        f"{live.a.base}/invites",
        headers=live.headers(token, **{"Api-Branding": BRANDING}),
        json=[
            {
                "emailAddress": invitee,
                "groupRoles": [
                    {"group": {"publicId": company_group}, "role": {"publicId": viewer}}
                ],
            }
        ],
    )
    assert created.status_code == 201, created.text
    (invite,) = created.json()["data"]["invites"]

    listed = httpx.get(
        f"{live.b.base}/invites",
        params={"fields": "publicId,emailAddress,expiresOn"},
        headers=live.headers(token),
    )
    mine = [i for i in listed.json()["data"] if i["publicId"] == invite["publicId"]]
    assert mine and mine[0]["emailAddress"] == invitee
    time.sleep(1.1)  # expiry is shown in whole seconds: the renewed one must differ
    resent = httpx.post(
        f"{live.b.base}/invites/resend",
        headers=live.headers(token, **{"Api-Branding": BRANDING}),
        json=[{"publicId": invite["publicId"]}],
    )
    assert resent.status_code == 201, resent.text
    shown = httpx.get(
        f"{live.a.base}/invites/{invite['publicId']}",
        params={"fields": "expiresOn"},
        headers=live.headers(token),
    ).json()["data"]
    assert shown["expiresOn"] > mine[0]["expiresOn"]
    # The first e-mail left already (then two are sent) or was replaced by the second: either
    # way the newest one carries the link that works.
    wait_for(
        lambda: live.link_secrets(invitee)[-1:] and opens(live, live.link_secrets(invitee)[-1]),
        "the live link",
    )


def opens(live: Live, secret: str) -> bool:
    answer = httpx.get(
        f"{live.a.base}/invites/me",
        headers={"Api-Version": "2", "Api-Application": live.application,
                 "Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    return answer.status_code == 200


def test_failed_logins_are_counted_across_processes(live: Live) -> None:
    if not live.shared_limits:
        pytest.skip("Redis is not available: each process counts its own failed log-ins")
    account = f"nobody.{uuid.uuid4().hex[:8]}@example.com"
    statuses = []
    for server in (live.a, live.b, live.a, live.b):
        response = httpx.post(
            f"{server.base}/access-tokens",
            headers=live.headers(Authorization=f"Basic {live.basic(account, 'wrong')}"),
            json={"expiresIn": 3600},
        )
        statuses.append(response.status_code)
    assert statuses == [401] * LOGIN_LIMIT + [429]


def test_concurrent_wrong_passwords_on_two_processes_are_checked_at_most_the_limit(
    live: Live,
) -> None:
    """40 wrong passwords at once from one client, spread over both processes: counted in
    Redis before any is checked, so only LOGIN_LIMIT of them are; the owner, from elsewhere,
    logs in meanwhile and after."""
    if not live.shared_limits:
        pytest.skip("Redis is not available: each process counts its own failed log-ins")
    attacker = f"198.51.100.{uuid.uuid4().int % 250 + 1}"

    async def attempt(
        client: httpx.AsyncClient, base: str, password: str, ip: str
    ) -> httpx.Response:
        return await client.post(
            f"{base}/access-tokens",
            headers=live.headers(Authorization=f"Basic {live.basic(live.email, password)}",
                                 **{"X-Forwarded-For": ip}),
            json={"expiresIn": 600},
        )  # fmt: skip

    async def hammer() -> tuple[list[httpx.Response], httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            wrong = [
                attempt(client, server.base, f"guess {n}", attacker)
                for n, server in enumerate([live.a, live.b] * 20)
            ]
            owner = attempt(
                client, live.b.base, PASSWORD, f"203.0.113.{uuid.uuid4().int % 250 + 1}"
            )
            *answers, mine = await asyncio.gather(*wrong, owner)
            return answers, mine

    answers, mine = asyncio.run(hammer())
    assert mine.status_code == 201
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * LOGIN_LIMIT + [429] * (40 - LOGIN_LIMIT)
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    body = refused.json()
    assert body["status"] == "error" and body["type"] == "Error"
    assert body["data"][0]["message"].startswith("Too many failed log-ins")
    assert live.log_in(live.a)  # and from this client as ever


def wait_for(condition: Any, what: str, seconds: float = 30) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("sdk")
    config = root / "config.yaml"
    config.write_text("package_name_override: ixon_sdk\npost_hooks: []\n")
    generator = str(Path(IXON_API).with_name("openapi-python-client"))
    generated = subprocess.run(
        [generator, "generate", "--path", str(OPENAPI_PATH), "--output-path",
         str(root / "ixon_sdk"), "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output, output  # every operation and schema was understood
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("ixon_sdk")
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == "ixon_sdk" or n.startswith("ixon_sdk.")]:
            del sys.modules[name]


def sdk_module(sdk: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{sdk.__name__}.{name}")


def test_the_generated_sdk_runs_the_seed_flow(live: Live, sdk: ModuleType) -> None:
    client = sdk_module(sdk, "client")
    models = sdk_module(sdk, "models")

    def call(path: str) -> Any:
        return sdk_module(sdk, f"api.{path}")

    common = {"api_version": "2", "api_application": live.application}
    company = common | {"api_company": live.company}

    # Log in with IXON's Basic scheme (email:otp:password).
    credentials = live.basic(live.email, PASSWORD)
    with client.AuthenticatedClient(base_url=live.a.base, token=credentials, prefix="Basic") as c:
        logged_in = call("access_token_list.post_access_token_list").sync(
            client=c, body=models.AccessTokenCreate(expires_in=3600), fields=["secretId"], **common
        )
    assert isinstance(logged_in, models.EnvelopeNewAccessTokenOut), logged_in
    token = logged_in.data.secret_id

    with (
        client.AuthenticatedClient(base_url=live.a.base, token=token) as on_a,
        client.AuthenticatedClient(base_url=live.b.base, token=token) as on_b,
    ):
        roles = call("role_list.get_role_list").sync(client=on_b, **company)
        assert isinstance(roles, models.ListEnvelopeRoleOut), roles
        viewer = next(r.public_id for r in roles.data if r.name == "Viewer")
        groups = call("group_list.get_group_list").sync(client=on_a, **company)
        assert isinstance(groups, models.ListEnvelopeGroupOut), groups
        group = groups.data[0].public_id

        invitee = f"sdk.{uuid.uuid4().hex[:6]}@example.com"
        grant = models.GroupRole(
            group=models.Ref(public_id=group), role=models.Ref(public_id=viewer)
        )
        invite = models.InviteCreate(
            email_address=invitee, group_roles=[grant], message="Welcome aboard"
        )
        created = call("invite_list.post_invite_list").sync(
            client=on_a, body=[invite], api_branding=BRANDING, **company
        )
        assert isinstance(created, models.EnvelopeInviteResponseOut), created

        # The invitee opens the e-mail and makes an account with the link's secret.
        wait_for(lambda: live.link_secrets(invitee), "the invitation e-mail")
        secret = live.link_secrets(invitee)[-1]
        with client.AuthenticatedClient(base_url=live.b.base, token=secret) as link:
            account = call("user_list.post_user_list").sync(
                client=link,
                body=models.AccountCreate(name="Sdk Colleague", password=PASSWORD),
                **common,
            )
        assert isinstance(account, models.EnvelopePublicIdOut), account
        new_user = account.data.public_id

        # The seed's call as it is (default fields), then a chosen selection: the schema
        # requires no field, so the client reads whatever `fields=` returns.
        users = call("user_list.get_user_list").sync(client=on_b, **company)
        assert isinstance(users, models.ListEnvelopeUserOut), users
        assert new_user in {u.public_id for u in users.data}
        fields = ["emailAddress"]
        chosen = call("user_list.get_user_list").sync(client=on_b, fields=fields, **company)
        assert isinstance(chosen, models.ListEnvelopeUserOut), chosen
        assert invitee in {u.email_address for u in chosen.data}

        removed = call("user_list.delete_user_list").sync(
            client=on_a, body=[models.PublicIdItem(public_id=new_user)], **company
        )
        assert isinstance(removed, models.EnvelopeNoneType), removed
        after = call("user_list.get_user_list").sync(client=on_a, **company)
        assert isinstance(after, models.ListEnvelopeUserOut), after
        assert new_user not in {u.public_id for u in after.data}

        refused = call("user_list.delete_user_list").sync(
            client=on_a, body=[models.PublicIdItem(public_id="nonexistent1")], **company
        )
        assert isinstance(refused, models.ErrorEnvelope), refused  # 4xx: IXON's error envelope
        assert refused.data[0].property_name == "publicId"
