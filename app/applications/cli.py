"""`ixon-api application ...`: the Api-Application registry."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from app.core.commands import in_session, out

application_cli = typer.Typer(help="The Api-Application registry.", no_args_is_help=True)


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
