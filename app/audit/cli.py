"""`ixon-api audit purge`: the retention of the audit log."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.commands import in_session

audit_cli = typer.Typer(help="The audit log.", no_args_is_help=True)


@audit_cli.command("purge")
def purge(
    days: Annotated[
        int | None,
        typer.Option(min=1, help="Keep this many days (default: IXON_AUDIT_RETENTION_DAYS)."),
    ] = None,
) -> None:
    """Delete audit events older than the retention period (run it daily, e.g. from cron)."""
    from app.audit import service
    from app.config import get_settings

    keep = days if days is not None else get_settings().audit_retention_days

    async def work(session: AsyncSession) -> int:
        return await service.purge(session, keep)

    removed = in_session(work)
    typer.echo(f"removed {removed} audit events older than {keep} days")
