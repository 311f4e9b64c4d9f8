"""`ixon-api company list`: the companies in this database."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from app.core.commands import in_session, out

company_cli = typer.Typer(help="The companies in this database.", no_args_is_help=True)


@company_cli.command("list")
def company_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Every company: its publicId (the `Api-Company` value), name, administrators, users."""
    from app import bootstrap

    found = in_session(bootstrap.companies)
    if as_json:
        typer.echo(json.dumps([c.as_json() for c in found]))
        return
    table = Table("Api-Company", "name", "administrators", "users")
    for c in found:
        table.add_row(c.public_id, c.name, ", ".join(c.administrators), str(c.users))
    out.print(table if found else "no companies yet: run `ixon-api bootstrap`")
