"""`ixon-api branding ...`: operators' own white-label domains."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.commands import in_session, out

branding_cli = typer.Typer(
    help="Brandings (white labels) chosen by Api-Branding.", no_args_is_help=True
)


@branding_cli.command("add")
def add(
    fqdn: Annotated[str, typer.Option(help="The domain clients send as Api-Branding.")],
    name: Annotated[str, typer.Option(help="The product name e-mails and pages show.")],
    portal_url: Annotated[
        str, typer.Option(help="Base URL of the portal: invite links point there.")
    ],
    sender_address: Annotated[
        str | None, typer.Option(help="From address of the e-mails (default: IXON_MAIL_FROM).")
    ] = None,
    sender_name: Annotated[
        str | None, typer.Option(help="From name of the e-mails (default: the name).")
    ] = None,
    logo: Annotated[str | None, typer.Option(help="URL of the logo (https://...).")] = None,
    primary_color: Annotated[str | None, typer.Option(help="Main colour, e.g. #0B5394.")] = None,
    primary_text_color: Annotated[
        str | None, typer.Option(help="Text colour on the main colour, e.g. #FFFFFF.")
    ] = None,
    home_url: Annotated[
        str | None,
        typer.Option(
            help='Your own portal, where "Go to <name>" leads after joining (default: the '
            "account portal at <portal-url>/portal/)."
        ),
    ] = None,
) -> None:
    """Add a branding; prints its publicId."""
    from app.brandings import service

    async def work(session: AsyncSession) -> str:
        branding = await service.create(
            session,
            fqdn=fqdn,
            name=name,
            portal_url=portal_url,
            sender_address=sender_address,
            sender_name=sender_name,
            logo=logo,
            primary_color=primary_color,
            primary_text_color=primary_text_color,
            home_url=home_url,
        )
        return branding.public_id

    typer.echo(in_session(work))


@branding_cli.command("list")
def list_() -> None:
    """List the brandings, the built-in default included."""
    from app.brandings import service
    from app.config import get_settings

    settings = get_settings()

    async def work(session: AsyncSession) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = []
        for view in await service.views(session, settings):
            mail = view.mail(settings)
            rows.append(
                (
                    view.public_id,
                    view.fqdn,
                    view.product_name,
                    view.portal_url(settings),
                    f"{mail.sender_name} <{mail.sender_address}>",
                    "built-in" if view.row is None else "",
                )
            )
        return rows

    table = Table()
    for header in ("publicId", "fqdn (Api-Branding)", "name", "portal URL", "sender", ""):
        table.add_column(header, overflow="fold")  # a narrow terminal wraps, hides nothing
    for row in in_session(work):
        table.add_row(*row)
    out.print(table)
