"""The `ixon-api` command: serve, migrate, bootstrap, openapi, outbox, application."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import secrets
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.cli import audit_cli
from app.auth.permissions import Permission
from app.brandings.cli import branding_cli
from app.config import get_settings
from app.core.errors import AppError, ErrorItem
from app.setup_cli import company_cli, public_url, show, warn_if_unreachable
from app.webhooks.cli import webhook_cli

if TYPE_CHECKING:
    from app.users.service import CompanyUser

T = TypeVar("T")
cli = typer.Typer(
    help="IXON-compatible user-management API: run it, migrate it, set it up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
application_cli = typer.Typer(help="The Api-Application registry.", no_args_is_help=True)
users_cli = typer.Typer(help="A company's users: list them, remove them.", no_args_is_help=True)
token_cli = typer.Typer(help="Access tokens for scripts.", no_args_is_help=True)
cli.add_typer(application_cli, name="application")
cli.add_typer(users_cli, name="users")
cli.add_typer(token_cli, name="token")
cli.add_typer(branding_cli, name="branding")
cli.add_typer(company_cli, name="company")
cli.command("public-url")(public_url)
cli.add_typer(audit_cli, name="audit")
cli.add_typer(webhook_cli, name="webhook")
out = Console()
err = Console(stderr=True)
WORKER_HEALTHCHECK_SECONDS = 30
OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or the first line of standard input in a pipe."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction, committed if it succeeds; AppErrors become one line."""
    import app.db.models  # noqa: F401 - every mapper, so relationships resolve
    from app.audit import context as audit_context
    from app.db.session import create_engine, create_sessionmaker

    async def run() -> T:
        engine = create_engine(get_settings())
        try:
            async with create_sessionmaker(engine)() as session:
                audit_context.command_line(session)
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except AppError as error:
        raise fail("; ".join(_described(i) for i in error.items)) from None


def _described(item: ErrorItem) -> str:
    """An error item as a line: IXON's terse header texts (`Invalid value`) need their header."""
    name = item.property_name
    return f"{name}: {item.message}" if name and name not in item.message else item.message


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Number of worker processes.")] = 1,
) -> None:
    """Serve the API (uvicorn): N worker processes sharing the port, one log line a request.

    With several workers, Prometheus metrics are summed across them through
    PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless you set one; it is emptied at
    start)."""
    import uvicorn

    from app.observability import logs
    from app.observability.metrics import MULTIPROC_ENV, clear_multiprocess_dir, multiprocess_dir

    settings = get_settings()
    made: str | None = None
    if workers > 1 and multiprocess_dir() is None:
        made = tempfile.mkdtemp(prefix="ixon-metrics-")
        os.environ[MULTIPROC_ENV] = made
    chosen = multiprocess_dir()
    if chosen is not None:
        clear_multiprocess_dir(chosen)
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_config=logs.config(settings),
            access_log=False,
            # uvicorn's 5 s is less than a worker takes to import the app on a busy machine;
            # it would be killed and restarted, again and again, before it ever served.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


@cli.command()
def migrate() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    from alembic.util import CommandError

    from app.db import migrate as migrations

    try:
        migrations.upgrade(get_settings().database_url)
    except CommandError as error:  # a revision that refuses the data it found says why
        raise fail(str(error)) from None
    out.print(f"database at revision {migrations.head_revision()}")


@cli.command()
def bootstrap(
    company: Annotated[str, typer.Option(help="Name of the company to create.")] = "Demo company",
    email: Annotated[
        str, typer.Option(help="The administrator's e-mail address.")
    ] = "admin@example.com",
    password: Annotated[
        str | None, typer.Option(help="The administrator's password (random if left out).")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="The administrator's name, as invitations are signed with it (default: Ada "
            "Lovelace for the demo address, else made from the e-mail address)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object only.")] = False,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when the database has users.")
    ] = False,
    show_only: Annotated[
        bool,
        typer.Option(
            "--show", help="Create nothing: print the applications and companies there are."
        ),
    ] = False,
) -> None:
    """Create a demo application (or reuse it), a company and its administrator."""
    from app import bootstrap as setup
    from app.setup_cli import mail_destination

    if show_only:
        show(as_json)
        return
    chosen = password or secrets.token_urlsafe(12)
    person = " ".join((name or setup.name_for(email)).split())

    async def work(session: AsyncSession) -> setup.Bootstrapped | None:
        if if_empty and not await setup.is_empty(session):
            return None
        return await setup.bootstrap(
            session, company=company, email=email, password=chosen, name=person
        )

    result = in_session(work)
    if result is None:
        if not as_json:
            out.print("database has users already: nothing bootstrapped")
            out.print("(`ixon-api bootstrap --show` prints the ids again)")
        return
    if as_json:
        typer.echo(json.dumps(result.as_json()))
        return
    settings = get_settings()
    base = settings.public_url.rstrip("/")
    out.print(
        f"application  {result.application_id}\ncompany      {result.company_id}\n"
        f"administrator {person} <{result.email}> (user {result.user_id})\n"
        f"password     {chosen}\nserved at    {base}  (API, /docs, /portal/)\n"
        f"mail         {mail_destination(settings)}\n",
        highlight=False,
        soft_wrap=True,
    )
    out.print("Try it:", style="bold")
    typer.echo(
        f"curl -s '{base}/roles?fields=publicId,name' -H 'Api-Version: 2' "
        f"-H 'Api-Application: {result.application_id}' -H 'Api-Company: {result.company_id}' "
        f"-H 'Authorization: Bearer {result.access_token}'"
    )


@cli.command()
def openapi(
    path: Annotated[Path, typer.Option(help="Where to write the document.")] = OPENAPI_PATH,
) -> None:
    """Write the OpenAPI document generated from the app (openapi/openapi.json)."""
    from app.openapi_document import render

    path.write_text(render())
    out.print(f"wrote {path}")


@cli.command()
def outbox(
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then exit.")] = False,
) -> None:
    """Run only the outbox mail worker, until Ctrl-C."""
    from app.mail.runner import run_alone
    from app.observability import logs

    settings = get_settings()
    logs.configure(settings)
    if not once:
        out.print(f"outbox worker running ({settings.mail_backend}); Ctrl-C stops it")
    try:
        worker = asyncio.run(run_alone(settings, once=once))
    except KeyboardInterrupt:
        return
    out.print(f"outbox: {worker.sent_count} sent, {worker.failed_count} failed")


@application_cli.command("add")
def application_add(
    name: Annotated[str, typer.Argument(help="A name for the application.")],
) -> None:
    """Register an application; prints its Api-Application id."""
    from app.applications import service

    application = in_session(lambda session: service.add(session, name))
    typer.echo(application.public_id)


@application_cli.command("list")
def application_list() -> None:
    """List the registered applications."""
    from app.applications import service

    table = Table("Api-Application", "name", "enabled", "service account")
    for a in in_session(service.list_all):
        table.add_row(
            a.public_id, a.name, "yes" if a.enabled else "no", "yes" if a.owner_user_id else ""
        )
    out.print(table)


@application_cli.command("disable")
def application_disable(
    public_id: Annotated[str, typer.Argument(help="The Api-Application id.")],
) -> None:
    """Disable an application: every request naming it is refused from now on."""
    from app.applications import service

    in_session(lambda session: service.set_enabled(session, public_id, False))
    out.print(f"application {public_id} disabled")


@application_cli.command("enable")
def application_enable(
    public_id: Annotated[str, typer.Argument(help="The Api-Application id.")],
) -> None:
    """Enable a disabled application again."""
    from app.applications import service

    in_session(lambda session: service.set_enabled(session, public_id, True))
    out.print(f"application {public_id} enabled")


CompanyOption = Annotated[str, typer.Option("--company", help="The company's publicId.")]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Act as this person of the company (e-mail); default: its first administrator.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


@cli.command()
def invite(
    csv_file: Annotated[
        Path,
        typer.Option(
            "--csv",
            exists=True,
            dir_okay=False,
            help="UTF-8 CSV with a header row: email, group, role, message (message optional; "
            "group and role by name or publicId; an empty group is the company group), "
            "separated by commas, semicolons (Excel in NL/DE) or tabs.",
        ),
    ],
    company: CompanyOption,
    branding: Annotated[
        str | None,
        typer.Option(help="The Api-Branding domain of the e-mails; default IXON_DEFAULT_BRANDING."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    as_email: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Invite many people at once from a CSV file, as POST /invites does, row by row.

    Prints a result per row (invited, or `would invite` in a dry run, already member, already
    invited, invalid) and exits with 1 when any row is invalid. Warns when the links would
    point at a port where nothing answers. Invited rows are committed one by one: run the same file
    again after an interruption and the done rows answer `already invited`."""
    from rich.progress import Progress

    from app import invite_import as operations

    settings = get_settings()
    try:
        rows = operations.read_invite_csv(csv_file)
    except AppError as error:
        raise fail(error.items[0].message) from None
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("dry run" if dry_run else "inviting", total=len(rows))
        results = in_session(
            lambda session: operations.invite_all(
                session,
                settings,
                company_id=company,
                as_email=as_email,
                branding=branding or settings.default_branding,
                rows=rows,
                dry_run=dry_run,
                done=lambda _result: progress.advance(task),
            )
        )
    invalid = sum(r.outcome is operations.Outcome.INVALID for r in results)
    if any(r.outcome in operations.SENDS for r in results):
        links = in_session(
            lambda session: operations.links_base(
                session, settings, branding or settings.default_branding
            )
        )
        warn_if_unreachable(links, "the invitation links")
    if as_json:
        typer.echo(json.dumps([r.as_json() for r in results]))
    else:
        title = "dry run: nothing was written" if dry_run else None
        table = Table("line", "e-mail", "result", "detail", title=title)
        for r in results:
            style = "red" if r.outcome is operations.Outcome.INVALID else None
            table.add_row(str(r.row.line), r.row.email, r.outcome.value, r.detail, style=style)
        out.print(table)
        counts = Counter(r.outcome.value for r in results)
        out.print(", ".join(f"{n} {outcome}" for outcome, n in counts.items()) or "no rows")
    if invalid:
        raise typer.Exit(1)


@users_cli.command("list")
def users_list(
    company: CompanyOption, as_email: AsOption = None, as_json: JsonOption = False
) -> None:
    """List the people and service accounts of a company, with their roles."""
    from app import operations
    from app.users.presenters import company_user

    async def work(session: AsyncSession) -> list[CompanyUser]:
        auth = await operations.acting_in(session, company, as_email, Permission.VIEW_USERS)
        return await operations.company_users(session, auth)

    users = in_session(work)
    if as_json:
        typer.echo(json.dumps([company_user(u) for u in users]))
        return
    table = Table("publicId", "name", "e-mail", "type", "roles")
    for u in users:
        roles = sorted({m.role.name for m in u.memberships if m.role is not None})
        table.add_row(
            u.user.public_id, u.user.name, u.user.email_address or "", u.user.type, ", ".join(roles)
        )
    out.print(table)


@users_cli.command("remove")
def users_remove(
    users: Annotated[list[str], typer.Argument(help="E-mail addresses or publicIds.")],
    company: CompanyOption,
    as_email: AsOption = None,
) -> None:
    """Take users out of a company (their memberships there go; their accounts stay).

    All or nothing; the company always keeps an administrator."""
    from app import operations

    async def work(session: AsyncSession) -> list[str]:
        auth = await operations.acting_in(session, company, as_email, Permission.MANAGE_USERS)
        return [u.public_id for u in await operations.remove_users(session, auth, users)]

    for public_id in in_session(work):
        out.print(f"removed {public_id} from {company}")


@token_cli.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="The account's e-mail address.")],
    password: Annotated[
        str | None,
        typer.Option(
            help="The password; when left out it is asked for, or read from standard input "
            "(keeps it out of the process list)."
        ),
    ] = None,
    expires_in: Annotated[int, typer.Option(help="Lifetime in seconds (60..5184000).")] = 3600,
    application: Annotated[
        str | None, typer.Option(help="The Api-Application id; default: the first registered.")
    ] = None,
    otp: Annotated[
        str, typer.Option(help="The current code of the authenticator app, when 2FA is on.")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Log in and print a new access token (only its secret, unless --json).

    The same log-in as POST /access-tokens, with the same failed-log-in limits."""
    from app import operations

    settings = get_settings()
    secret = password if password is not None else read_secret("Password: ")
    issued = in_session(
        lambda session: operations.create_token(
            session,
            settings,
            email=email,
            password=secret,
            expires_in=expires_in,
            application_id=application,
            otp=otp,
        )
    )
    typer.echo(json.dumps(issued.as_json()) if as_json else issued.secret)


def _usage_error(exc: Exception) -> str | None:
    """The message of a usage mistake (Typer's vendored click exceptions, matched by shape)."""
    message = getattr(exc, "format_message", None)
    if not callable(message) or not isinstance(getattr(exc, "exit_code", None), int):
        return None
    ctx = getattr(exc, "ctx", None)
    hint = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
    return f"{message()}{hint}"


def _settings_error(exc: Exception) -> str | None:
    """What is wrong with the IXON_ environment variables, named as the operator sets them."""
    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    problems = [
        (f"IXON_{str(e['loc'][0]).upper()}: " if e["loc"] else "")
        + str(e["msg"]).removeprefix("Value error, ")
        for e in exc.errors()
    ]
    return "invalid settings: " + "; ".join(problems)


def main() -> None:
    """Entry point: a usage mistake or an unexpected failure is one line on stderr, never a
    traceback (nor a box)."""
    try:
        code = cli(standalone_mode=False)
    except typer.Abort:
        raise SystemExit(130) from None
    except Exception as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, as Typer does
            exc.show()  # type: ignore[attr-defined]
            raise SystemExit(2) from None
        usage = _usage_error(exc) or _settings_error(exc)
        if usage is not None:
            err.print(f"[red]error:[/red] {usage}", highlight=False, soft_wrap=True)
            raise SystemExit(getattr(exc, "exit_code", 1)) from None
        first_line = (str(exc).splitlines() or [""])[0]
        err.print(
            f"[red]error:[/red] {type(exc).__name__}: {first_line}", highlight=False, soft_wrap=True
        )
        raise SystemExit(1) from None
    raise SystemExit(code if isinstance(code, int) else 0)
