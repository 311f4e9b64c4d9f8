"""`ixon-api token create`: a log-in as `POST /access-tokens` does it, for scripts."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from app.config import get_settings
from app.core.commands import JsonOption, in_session, read_secret

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.config import Settings

token_cli = typer.Typer(help="Access tokens for scripts.", no_args_is_help=True)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    public_id: str
    secret: str
    expires_on: datetime | None
    application_id: str
    user_id: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "publicId": self.public_id,
            "secretId": self.secret,
            "expiresOn": self.expires_on.isoformat() if self.expires_on else None,
            "applicationId": self.application_id,
            "userId": self.user_id,
        }


async def create_token(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    expires_in: int,
    application_id: str | None,
    otp: str = "",
) -> IssuedToken:
    """A log-in as `POST /access-tokens` does it: same checks, same failed-log-in limits."""
    from app.access_tokens import service as token_service
    from app.access_tokens.schemas import AccessTokenCreate
    from app.applications import service as application_service
    from app.auth.ratelimit import LoginLimiter
    from app.core.errors import BadRequest

    if application_id is not None:
        application = await application_service.get_enabled(session, application_id)
    else:
        found = await application_service.first_operator_application(session)
        if found is None:
            raise BadRequest("No application is registered: run `ixon-api application add NAME`")
        application = found
    credentials = base64.b64encode(f"{email}:{otp}:{password}".encode()).decode()
    try:
        body = AccessTokenCreate(expiresIn=expires_in)
    except ValueError:
        raise BadRequest("--expires-in must be between 60 and 5184000 seconds") from None
    limiter = LoginLimiter(settings)
    client = token_service.Client(ip=None, user_agent="ixon-api (command line)")
    try:
        new = await token_service.log_in(
            session, limiter, application, f"Basic {credentials}", body, client
        )
    finally:
        await limiter.aclose()
    return IssuedToken(
        new.token.public_id,
        new.secret,
        new.token.expires_on,
        application.public_id,
        new.token.user.public_id,
    )


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
    settings = get_settings()
    secret = password if password is not None else read_secret("Password: ")
    issued = in_session(
        lambda session: create_token(
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
