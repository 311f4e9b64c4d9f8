"""`ixon-api invite --csv`: many invites from a spreadsheet (app/invites/csv_import.py);
`ixon-api expire-invites`: close those past their expiry now (app/invites/expiry.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.core.commands import AsOption, CompanyOption, JsonOption, err, fail, in_session, out
from app.core.errors import AppError


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

    from app.invites import csv_import as operations
    from app.setup_cli import warn_if_unreachable

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


def expire_invites(as_json: JsonOption = False) -> None:
    """Close the invites whose expiry passed (announcing `invite.expired` to webhooks).

    The outbox worker does this every minute while it runs; this is the same sweep, once
    (after IXON_INVITE_EXPIRED_GRACE, as the worker's)."""
    from app.invites.expiry import expire_batch

    grace = get_settings().invite_expired_grace

    async def work(session: AsyncSession) -> int:
        total = 0
        while closed := await expire_batch(session, grace):
            total += closed
            await session.commit()
        return total

    closed = in_session(work)
    if as_json:
        typer.echo(json.dumps({"closed": closed}))
    else:
        out.print(f"{closed} expired invite(s) closed")
