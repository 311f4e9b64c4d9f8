"""The commands that tell a newcomer where things are: `ixon-api public-url` (which `make
run` calls to record the served port in `.env`), what `bootstrap --show` prints, and the
warning of `ixon-api invite` when its links would lead nowhere."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from dotenv import dotenv_values, set_key
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, env_file, get_settings
from app.core.commands import err, in_session, out

if TYPE_CHECKING:
    from app.bootstrap import CompanySummary

PUBLIC_URL = "IXON_PUBLIC_URL"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
PROBE_SECONDS = 1.0


def answers(url: str, timeout: float = PROBE_SECONDS) -> bool:
    """Whether something accepts a connection at ``url``'s host and port."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def warn_if_unreachable(url: str, what: str) -> None:
    """One line on stderr when nothing answers at ``url`` (the links would lead nowhere)."""
    if answers(url):
        return
    err.print(
        f"[yellow]warning:[/yellow] {what} point at {url}, where nothing answers now. Start the "
        f"server there (`make run`), or set {PUBLIC_URL} (in .env) to where it is served.",
        highlight=False,
        soft_wrap=True,
    )


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK


def record_local_port(port: int) -> str:
    """`make run`'s step: IXON_PUBLIC_URL=http://127.0.0.1:PORT in .env, so the commands link
    to the port served. A public URL of another host (behind a proxy, say) is left as it is,
    and so is one set in the environment (which wins over .env anyway)."""
    path = Path(env_file())
    wanted = f"http://127.0.0.1:{port}"
    if PUBLIC_URL in os.environ:
        return os.environ[PUBLIC_URL]
    recorded = dotenv_values(path).get(PUBLIC_URL) if path.is_file() else None
    if recorded and not _is_loopback(recorded):
        return recorded
    if recorded != wanted:
        set_key(path, PUBLIC_URL, wanted, quote_mode="never")
    return wanted


def public_url(
    port: Annotated[
        int | None,
        typer.Option(
            help="Record http://127.0.0.1:PORT in .env (what `make run` does), unless a public "
            "URL of another host is set."
        ),
    ] = None,
) -> None:
    """Print the URL the e-mail links point at (IXON_PUBLIC_URL), and whether it answers."""
    if port is not None:
        typer.echo(record_local_port(port))
        return
    url = get_settings().public_url
    state = "answers" if answers(url) else "nothing answers there now"
    out.print(f"{url}  ({state}; from {_source()})", highlight=False, soft_wrap=True)


def _source() -> str:
    if PUBLIC_URL in os.environ:
        return f"the environment's {PUBLIC_URL}"
    path = Path(env_file())
    if path.is_file() and dotenv_values(path).get(PUBLIC_URL):
        return str(path)
    return "the default"


def mail_destination(settings: Settings) -> str:
    """Where the e-mails of this configuration go, in words."""
    backend = settings.mail_backend
    if backend == "console":
        return "printed by the server process (IXON_MAIL_BACKEND=console)"
    if backend == "file":
        return f"written as .eml files to {settings.mail_dir} (IXON_MAIL_BACKEND=file)"
    if backend == "smtp":
        return f"sent through {settings.smtp_host}:{settings.smtp_port} (IXON_MAIL_BACKEND=smtp)"
    return f"handed to the {backend!r} mail backend"


async def _overview(
    session: AsyncSession,
) -> tuple[list[tuple[str, str]], list[CompanySummary]]:
    from app import bootstrap
    from app.applications import service as application_service

    applications = [
        (a.public_id, a.name)
        for a in await application_service.list_all(session)
        if a.enabled and a.owner_user_id is None
    ]
    return applications, await bootstrap.companies(session)


def show(as_json: bool) -> None:
    """`bootstrap --show`: the applications and companies there are, and where things are."""
    applications, summaries = in_session(_overview)
    settings = get_settings()
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "applications": [{"applicationId": i, "name": n} for i, n in applications],
                    "companies": [c.as_json() for c in summaries],
                    "publicUrl": settings.public_url,
                }
            )
        )
        return
    for public_id, name in applications:
        out.print(f"application  {public_id}  ({name})", highlight=False)
    for c in summaries:
        admins = ", ".join(c.administrators) or "no administrator"
        out.print(
            f"company      {c.public_id}  {c.name}: {admins}", highlight=False, soft_wrap=True
        )
    out.print(f"served at    {settings.public_url}", highlight=False, soft_wrap=True)
    out.print(f"mail         {mail_destination(settings)}", highlight=False, soft_wrap=True)
    out.print(
        "A password is shown once, when it is made: `ixon-api token create --email E` logs in; "
        f"a forgotten one is reset from {settings.public_url.rstrip('/')}/portal/.",
        highlight=False,
    )
