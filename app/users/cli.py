"""`ixon-api users ...`: a company's users, through the same service functions as the API
(the same rules and permission checks), acting as a person of the company."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.core.commands import AsOption, CompanyOption, JsonOption, in_session, out, pages

if TYPE_CHECKING:
    from app.auth.context import AuthContext
    from app.users.models import User
    from app.users.service import CompanyUser

users_cli = typer.Typer(help="A company's users: list them, remove them.", no_args_is_help=True)
USER_FIELDS = "publicId,name,emailAddress,type,support,registeredOn,lastSeenOn,memberships"


async def company_users(session: AsyncSession, auth: AuthContext) -> list[CompanyUser]:
    from app.users import service as user_service

    return [
        u
        async for u in pages(lambda p: user_service.list_in_company(session, auth, p), USER_FIELDS)
    ]


async def remove_users(session: AsyncSession, auth: AuthContext, who: list[str]) -> list[User]:
    """Takes the users named by e-mail address or publicId out of the company (all or none)."""
    from app.core.errors import NotFound
    from app.users import service as user_service
    from app.users.models import normalize_email

    users = await company_users(session, auth)
    by_key = {u.user.public_id: u.user for u in users} | {
        normalize_email(u.user.email_address): u.user for u in users if u.user.email_address
    }
    chosen: list[User] = []
    for name in who:
        user = by_key.get(name) or by_key.get(normalize_email(name))
        if user is None:
            raise NotFound(f"{name} is not a user of this company")
        chosen.append(user)
    await user_service.remove_from_company(session, auth, [u.public_id for u in chosen])
    return chosen


@users_cli.command("list")
def users_list(
    company: CompanyOption, as_email: AsOption = None, as_json: JsonOption = False
) -> None:
    """List the people and service accounts of a company, with their roles."""
    from app.auth.acting import acting_in
    from app.users.presenters import company_user

    async def work(session: AsyncSession) -> list[CompanyUser]:
        auth = await acting_in(session, company, as_email, Permission.VIEW_USERS)
        return await company_users(session, auth)

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
    from app.auth.acting import acting_in

    async def work(session: AsyncSession) -> list[str]:
        auth = await acting_in(session, company, as_email, Permission.MANAGE_USERS)
        return [u.public_id for u in await remove_users(session, auth, users)]

    for public_id in in_session(work):
        out.print(f"removed {public_id} from {company}")
