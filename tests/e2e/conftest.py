"""Real-browser end-to-end tests: what a person does after an invite, registration or
password-reset e-mail, in Chromium, against the service running as an operator runs it.

The harness, per database backend: a fresh database, `ixon-api migrate`, `ixon-api bootstrap
--json` (company "Acme Machines" and its administrator), then `ixon-api serve` on a free port of
127.0.0.1 with the `file` mail backend and the outbox worker, so every e-mail lands as an .eml
file that `Mailbox` opens the way a person opens their inbox. `LiveServer.beta()` bootstraps a
second company when a test needs one. SQLite always (`live`); PostgreSQL too for the tests that
take `live_any`, when it answers (required when CI=true or IXON_REQUIRE_POSTGRES=1).

Chromium is Debian's (/usr/bin/chromium, or IXON_E2E_CHROMIUM; `playwright install` is not
needed), driven by Playwright. Screenshots go to test-artifacts/e2e/ (git-ignored;
IXON_E2E_ARTIFACTS moves them). Every wait is bounded (`STEP` seconds at most), and every
process started here is stopped at the end of the session, also when start-up or a test fails.
"""

from __future__ import annotations

import asyncio
import base64
import email
import json
import os
import re
import secrets
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from tests.conftest import (
    POSTGRES_ADMIN_URL,
    REQUIRE_POSTGRES,
    _create_postgres_database,
    _drop_postgres_database,
    _postgres_available,
)

STEP = 15.0  # seconds: the longest any single wait (page, e-mail, API call) may take
IXON_API = str(Path(sys.executable).parent / "ixon-api")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("IXON_E2E_ARTIFACTS") or ROOT / "test-artifacts" / "e2e")
CHROMIUM = os.environ.get("IXON_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BRANDING = "portal.ixon.cloud"
PRODUCT = "IXON Cloud"  # the built-in default branding's product name
PASSWORD = "correct horse battery staple"
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}

expect.set_options(timeout=STEP * 1000)
SCREENSHOTS: list[Path] = []
FAILED = pytest.StashKey[bool]()


@dataclass(frozen=True)
class Admin:
    """A company created by `ixon-api bootstrap`, and its administrator."""

    application_id: str
    company_id: str
    company_name: str
    user_id: str
    name: str
    email: str
    password: str
    token: str


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    link: str


class Mailbox:
    """The `file` mail backend's folder, read like an inbox: one .eml per message."""

    def __init__(self, directory: Path, portal: str) -> None:
        self.directory = directory
        self.portal = portal
        self._parsed: dict[str, EmailMessage] = {}
        self._taken: set[str] = set()

    def _messages(self) -> list[tuple[str, EmailMessage]]:
        # The backend writes aside and renames, so every *.eml is complete.
        for path in self.directory.glob("*.eml"):
            if path.name not in self._parsed:
                parsed = email.message_from_bytes(path.read_bytes(), policy=default_policy)
                assert isinstance(parsed, EmailMessage)
                self._parsed[path.name] = parsed
        return sorted(self._parsed.items())

    def _link(self, message: EmailMessage, kind: str) -> str | None:
        body = message.get_body(preferencelist=("plain",))
        assert body is not None, f"no text part in {message['Subject']!r}"
        text = body.get_content()
        found = re.search(rf"{re.escape(self.portal)}/portal/{kind}/[^\s<>\"']+", text)
        return found.group(0).rstrip(".,;)") if found else None

    def _find(self, to: str, kind: str) -> Mail | None:
        for name, message in reversed(self._messages()):
            recipient = parseaddr(str(message["To"]))[1].lower()
            if name in self._taken or recipient != to.lower():
                continue
            link = self._link(message, kind)
            if link is not None:
                self._taken.add(name)
                text = message.get_body(preferencelist=("plain",))
                assert text is not None
                return Mail(to, str(message["Subject"]), text.get_content(), link)
        return None

    async def receive(self, to: str, kind: str) -> Mail:
        """The newest e-mail not received before, to ``to``, with a /portal/{kind}/ link."""
        try:
            async with asyncio.timeout(STEP):
                while True:
                    mail = self._find(to, kind)
                    if mail is not None:
                        return mail
                    await asyncio.sleep(0.1)
        except TimeoutError:
            seen = [f"{m['To']}: {m['Subject']}" for _, m in self._messages()]
            raise AssertionError(
                f"no e-mail to {to} with a /portal/{kind}/ link within {STEP:.0f}s; "
                f"the mailbox holds {seen}"
            ) from None


@dataclass
class LiveServer:
    backend: str
    url: str
    database_url: str
    application_id: str
    acme: Admin
    mailbox: Mailbox
    log: Path
    env: dict[str, str]
    root: Path
    _beta: Admin | None = None

    async def beta(self) -> Admin:
        """A second company, "Beta Robotics", and its administrator: `ixon-api bootstrap` run
        again, as an operator adds a company (only on the servers whose tests need it)."""
        if self._beta is None:
            beta = await _bootstrap(self.env, self.root, "Beta Robotics", "admin.beta@example.com")
            assert beta.application_id == self.application_id
            self._beta = await _name_admin(self.url, beta, "Grace Hopper")
        return self._beta

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace")


def unique_address(label: str) -> str:
    return f"{label}.{uuid.uuid4().hex[:10]}@example.com"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _environment(database_url: str, mail_dir: Path, public_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IXON_")}
    env.update(
        PYTHONUNBUFFERED="1",
        IXON_DATABASE_URL=database_url,
        IXON_SECRET_KEY=secrets.token_urlsafe(32),
        IXON_PUBLIC_URL=public_url,
        IXON_MAIL_BACKEND="file",
        IXON_MAIL_DIR=str(mail_dir),
        IXON_MAIL_FROM="IXON Cloud <no-reply@example.com>",
        IXON_OUTBOX_WORKER="true",
        IXON_OUTBOX_POLL_INTERVAL="0.1",
        IXON_OUTBOX_RETRY_BASE_SECONDS="1",
        IXON_RATE_LIMIT_STORAGE="memory://",
    )
    return env


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _ixon(env: dict[str, str], cwd: Path, *args: str) -> str:
    """Runs one `ixon-api` command to completion (a minute at most); its stdout."""
    process = await asyncio.create_subprocess_exec(
        IXON_API,
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(60):
            out, err = await process.communicate()
    finally:
        await _stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"ixon-api {args[0]} failed ({process.returncode}):\n{err.decode()}")
    return out.decode()


async def _bootstrap(env: dict[str, str], cwd: Path, company: str, address: str) -> Admin:
    out = await _ixon(
        env,
        cwd,
        "bootstrap",
        "--company",
        company,
        "--email",
        address,
        "--password",
        PASSWORD,
        "--json",
    )
    made = json.loads(out)
    return Admin(
        application_id=made["applicationId"],
        company_id=made["companyId"],
        company_name=company,
        user_id=made["userId"],
        name="",
        email=made["email"],
        password=PASSWORD,
        token=made["accessToken"],
    )


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]


async def _wait_until_serving(process: asyncio.subprocess.Process, url: str, log: Path) -> None:
    """Until the server answers (90 s at most: a loaded 2-core machine can take over 45 s);
    its log in the error if it dies or hangs."""
    async with httpx.AsyncClient(timeout=2) as http:
        try:
            async with asyncio.timeout(90):
                while True:
                    if process.returncode is not None:
                        raise RuntimeError(
                            f"ixon-api serve exited with {process.returncode}:\n{_tail(log)}"
                        )
                    try:
                        if (await http.get(f"{url}/readyz")).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise RuntimeError(f"ixon-api serve did not answer in 90 s:\n{_tail(log)}") from None


@asynccontextmanager
async def _serving(
    database_url: str, mail_dir: Path, root: Path
) -> AsyncIterator[tuple[str, dict[str, str], Path]]:
    """`ixon-api serve` on a free port of 127.0.0.1 (another one if something took the port
    between the probe and the bind): its URL, environment and log; stopped on the way out."""
    log = root / "server.log"
    with log.open("ab") as sink:
        for attempt in range(1, 4):
            url = f"http://127.0.0.1:{(port := _free_port())}"
            env = _environment(database_url, mail_dir, url)
            start = sink.tell()
            process = await asyncio.create_subprocess_exec(
                IXON_API,
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                env=env,
                cwd=root,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=sink,
                stderr=asyncio.subprocess.STDOUT,
            )
            try:
                await _wait_until_serving(process, url, log)
                break
            except RuntimeError:
                await _stop(process)
                with log.open("rb") as written:
                    written.seek(start)
                    port_taken = b"error while attempting to bind" in written.read()
                if attempt == 3 or not port_taken:
                    raise
        try:
            yield url, env, log
        finally:
            await _stop(process)


async def _name_admin(url: str, admin: Admin, name: str) -> Admin:
    """The administrator names themselves (`PATCH /users/me`): the inviter pages show it."""
    async with httpx.AsyncClient(base_url=url, timeout=STEP) as http:
        response = await http.patch(
            "/users/me",
            json={"name": name},
            headers={
                "Api-Version": "2",
                "Api-Application": admin.application_id,
                "Authorization": f"Bearer {admin.token}",
            },
        )
    assert response.status_code == 200, response.text
    return replace(admin, name=name)


@asynccontextmanager
async def live_server(backend: str, root: Path) -> AsyncIterator[LiveServer]:
    """Migrated, bootstrapped and serving; stopped (and its database dropped) on the way out."""
    async with AsyncExitStack() as stack:
        if backend == "sqlite":
            database_url = f"sqlite+aiosqlite:///{root / 'ixon.db'}"
        else:
            database_url = await _create_postgres_database()
            stack.push_async_callback(_drop_postgres_database, database_url)
        mail_dir = root / "mail"
        mail_dir.mkdir()
        setup = _environment(database_url, mail_dir, "http://127.0.0.1")
        await _ixon(setup, root, "migrate")
        acme = await _bootstrap(setup, root, "Acme Machines", "admin.acme@example.com")
        url, env, log = await stack.enter_async_context(_serving(database_url, mail_dir, root))
        yield LiveServer(
            backend=backend,
            url=url,
            database_url=database_url,
            application_id=acme.application_id,
            acme=await _name_admin(url, acme, "Ada Lovelace"),
            mailbox=Mailbox(mail_dir, url),
            log=log,
            env=env,
            root=root,
        )


class Api:
    """The API calls of IXON's "Manage users" guide, for the tests' administrators."""

    def __init__(self, server: LiveServer, http: httpx.AsyncClient) -> None:
        self.server = server
        self.http = http
        self._ids: dict[str, tuple[dict[str, str], dict[str, str]]] = {}

    def headers(
        self, token: str | None = None, company: str | None = None, branding: bool = False
    ) -> dict[str, str]:
        headers = {"Api-Version": "2", "Api-Application": self.server.application_id}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if company is not None:
            headers["Api-Company"] = company
        if branding:
            headers["Api-Branding"] = BRANDING
        return headers

    async def as_admin(self, admin: Admin, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = self.headers(admin.token, admin.company_id, kwargs.pop("branding", False))
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def login(self, address: str, password: str) -> httpx.Response:
        """`POST /access-tokens` with IXON's Basic scheme (`email:otp:password`, no 2FA)."""
        basic = base64.b64encode(f"{address}::{password}".encode()).decode()
        return await self.http.post(
            "/access-tokens",
            params={"fields": "secretId"},
            headers=self.headers() | {"Authorization": f"Basic {basic}"},
            json={"expiresIn": 3600},
        )

    async def token(self, address: str, password: str) -> str:
        response = await self.login(address, password)
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["secretId"])

    async def roles_and_company_group(self, admin: Admin) -> tuple[dict[str, str], dict[str, str]]:
        """Role ids by name, and the company group (`publicId`, `name`)."""
        if admin.company_id not in self._ids:
            roles = await self.as_admin(admin, "GET", "/roles", params={"fields": "publicId,name"})
            groups = await self.as_admin(
                admin, "GET", "/groups", params={"fields": "publicId,name,isCompanyGroup"}
            )
            assert roles.status_code == 200 and groups.status_code == 200, (roles, groups)
            company_group = next(g for g in groups.json()["data"] if g["isCompanyGroup"])
            by_name = {r["name"]: r["publicId"] for r in roles.json()["data"]}
            self._ids[admin.company_id] = (by_name, company_group)
        return self._ids[admin.company_id]

    async def invite(
        self, admin: Admin, address: str, *, role: str = "Viewer", message: str | None = None
    ) -> str:
        """`POST /invites` with IXON's documented body; the invite's publicId."""
        roles, group = await self.roles_and_company_group(admin)
        item: dict[str, Any] = {
            "groupRoles": [
                {"group": {"publicId": group["publicId"]}, "role": {"publicId": roles[role]}}
            ],
            "emailAddress": address,
        }
        if message is not None:
            item["message"] = message
        response = await self.as_admin(admin, "POST", "/invites", branding=True, json=[item])
        assert response.status_code in (200, 201), response.text
        return str(response.json()["data"]["invites"][0]["publicId"])

    async def invite_status(self, admin: Admin, invite_id: str) -> str:
        """`GET /invites/{publicId}`'s status: pending, accepted, declined, revoked, expired."""
        response = await self.as_admin(
            admin, "GET", f"/invites/{invite_id}", params={"fields": "status"}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["data"]["status"])

    async def user_addresses(self, admin: Admin) -> set[str]:
        """The e-mail addresses `GET /users` lists for the admin's company."""
        response = await self.as_admin(
            admin, "GET", "/users", params={"fields": "emailAddress", "page-size": "4000"}
        )
        assert response.status_code == 200, response.text
        return {u["emailAddress"].lower() for u in response.json()["data"]}

    async def company_names(self, token: str) -> set[str]:
        """The companies `GET /companies` lists for the holder of ``token``."""
        response = await self.http.get(
            "/companies", params={"fields": "publicId,name"}, headers=self.headers(token)
        )
        assert response.status_code == 200, response.text
        return {c["name"] for c in response.json()["data"]}


async def expire_invite(server: LiveServer, invite_id: str) -> None:
    """Moves an invite's expiry (and its link's) into the past, as if a week went by."""
    from sqlalchemy import update

    from app.action_tokens.models import ActionToken
    from app.config import Settings
    from app.core.clock import utcnow
    from app.db.session import create_engine
    from app.invites.models import Invite

    past = utcnow() - timedelta(days=1)
    engine = create_engine(Settings(database_url=server.database_url))
    try:
        async with engine.begin() as connection:
            await connection.execute(
                update(Invite).where(Invite.public_id == invite_id).values(expires_on=past)
            )
            await connection.execute(
                update(ActionToken)
                .where(ActionToken.kind == "invite", ActionToken.reference == invite_id)
                .values(expires_on=past)
            )
    finally:
        await engine.dispose()


_UNNAMED_CONTROL = re.compile(
    r"^\s*- (textbox|checkbox|radio|combobox|spinbutton|searchbox|listbox|slider|switch)"
    r"(\s*\[[^\]]*\])?:?\s*$"
)


async def unlabelled_controls(page: Page) -> list[str]:
    """Form controls without an accessible name, as the browser's accessibility tree has them."""
    missing: list[str] = []
    for form in await page.locator("form").all():
        snapshot = await form.aria_snapshot()
        missing += [line.strip() for line in snapshot.splitlines() if _UNNAMED_CONTROL.match(line)]
    return missing


async def visit(page: Page, url: str, status: int | None = 200) -> None:
    """Opens ``url`` like a click in an e-mail does; fails at once on an unexpected status."""
    response = await page.goto(url)
    assert response is not None, url
    if status is not None and response.status != status:
        body = (await response.text())[:600]
        raise AssertionError(f"GET {url}: expected {status}, got {response.status}: {body}")


async def screenshot(server: LiveServer, page: Page, name: str) -> Path:
    """A full-page PNG under test-artifacts/e2e/, named after the backend and ``name``."""
    path = ARTIFACTS / f"{server.backend}-{name}.png"
    await page.screenshot(path=path, full_page=True)
    SCREENSHOTS.append(path)
    return path


@pytest.fixture(scope="package")
async def live(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """The service on SQLite."""
    async with live_server("sqlite", tmp_path_factory.mktemp("live-sqlite")) as server:
        yield server


@pytest.fixture(scope="package")
async def live_postgres(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    """The service on PostgreSQL (required when CI=true or IXON_REQUIRE_POSTGRES=1)."""
    if not await _postgres_available():
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but does not answer at {POSTGRES_ADMIN_URL}")
        pytest.skip("PostgreSQL is not available")
    async with live_server("postgres", tmp_path_factory.mktemp("live-postgres")) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgres"])
def live_any(request: pytest.FixtureRequest) -> LiveServer:
    """The service on each backend; the SQLite one is the same server as `live`."""
    name = "live" if request.param == "sqlite" else "live_postgres"
    server: LiveServer = request.getfixturevalue(name)
    return server


@pytest.fixture(autouse=True)
def _no_server_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test when the server logged a traceback while it ran (a 500 in disguise)."""
    servers: list[LiveServer] = [
        request.getfixturevalue(name)
        for name in ("live_any", "live")
        if name in request.fixturenames
    ]
    offsets = [(server, server.log_size()) for server in servers]
    yield
    for server, offset in offsets:
        logged = server.log_since(offset)
        assert "Traceback" not in logged, f"the {server.backend} server failed:\n{logged}"


@pytest.fixture
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    """`Api` for the test's server (`live_any` when the test takes it, else `live`)."""
    name = "live_any" if "live_any" in request.fixturenames else "live"
    server: LiveServer = request.getfixturevalue(name)
    async with httpx.AsyncClient(base_url=server.url, timeout=STEP) as http:
        yield Api(server, http)


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=STEP * 2000
        )
        try:
            yield browser
        finally:
            await browser.close()


NewContext = Callable[..., Awaitable[BrowserContext]]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SCREENSHOTS:
        terminalreporter.write_line(f"e2e: {len(SCREENSHOTS)} screenshot(s) in {ARTIFACTS}")


async def _capture_failure(request: pytest.FixtureRequest, contexts: list[BrowserContext]) -> None:
    """What each tab showed when the test failed, next to the other screenshots."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
    for c, context in enumerate(contexts):
        for t, tab in enumerate(context.pages):
            path = ARTIFACTS / f"FAILED-{name}-{c}{t}.png"
            try:
                await tab.screenshot(path=path, full_page=True, timeout=5000)
            except Exception:  # noqa: S112 - best effort: the test's own failure is what counts
                continue
            SCREENSHOTS.append(path)


@pytest.fixture
async def new_context(
    browser: Browser, request: pytest.FixtureRequest
) -> AsyncIterator[NewContext]:
    """Opens browser contexts (desktop unless told otherwise), all closed after the test; when
    the test fails, each tab is captured as test-artifacts/e2e/FAILED-<test>-*.png first."""
    opened: list[BrowserContext] = []

    async def open_context(**options: Any) -> BrowserContext:
        context = await browser.new_context(locale="en-US", **(DESKTOP | options))
        context.set_default_timeout(STEP * 1000)
        context.set_default_navigation_timeout(STEP * 1000)
        opened.append(context)
        return context

    yield open_context
    if request.node.stash.get(FAILED, False):
        await _capture_failure(request, opened)
    for context in opened:
        await context.close()


@pytest.fixture
async def page(new_context: NewContext) -> Page:
    """A desktop browser tab."""
    return await (await new_context()).new_page()
