"""The `ixon-api` command: serve, migrate, bootstrap and openapi here, every domain's own
commands registered from its cli.py."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.access_tokens.cli import token_cli
from app.applications.cli import application_cli
from app.audit.cli import audit_cli
from app.brandings.cli import branding_cli
from app.companies.cli import company_cli
from app.config import get_settings
from app.core.commands import err, fail, in_session, out
from app.invites.cli import expire_invites, invite
from app.mail.cli import outbox
from app.setup_cli import public_url, show
from app.users.cli import users_cli
from app.webhooks.cli import webhook_cli

cli = typer.Typer(
    help="IXON-compatible user-management API: run it, migrate it, set it up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Each domain's commands live in its own cli.py; `--help` lists them in this order (commands
# first, then groups, each in the order registered).
cli.add_typer(application_cli, name="application")
cli.add_typer(users_cli, name="users")
cli.add_typer(token_cli, name="token")
cli.add_typer(branding_cli, name="branding")
cli.add_typer(company_cli, name="company")
cli.command("public-url")(public_url)
cli.add_typer(audit_cli, name="audit")
cli.add_typer(webhook_cli, name="webhook")
WORKER_HEALTHCHECK_SECONDS = 30
OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


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


cli.command()(outbox)
cli.command()(invite)
cli.command("expire-invites")(expire_invites)


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
