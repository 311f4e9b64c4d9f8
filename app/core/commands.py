"""What every `ixon-api` command shares: one transaction a command, an error as one line, the
consoles, and the options of the company-scoped commands."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import get_settings
from app.core.errors import AppError, ErrorItem

if TYPE_CHECKING:
    from app.core.querying import ListParams

T = TypeVar("T")
out = Console()
err = Console(stderr=True)

CompanyOption = Annotated[str, typer.Option("--company", help="The company's publicId.")]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Act as this person of the company (e-mail); default: its first administrator.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only.")]


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


async def pages(
    fetch: Callable[[ListParams], Awaitable[tuple[list[T], str | None]]],
    fields: str | None = None,
) -> AsyncIterator[T]:
    """Every row of a list service, a page at a time."""
    from app.core.querying import MAX_PAGE_SIZE, ListParams, Page, parse_fields

    after: str | None = None
    while True:
        params = ListParams(
            fields=parse_fields([fields] if fields else None), page=Page(MAX_PAGE_SIZE, after)
        )
        rows, after = await fetch(params)
        for row in rows:
            yield row
        if after is None:
            return
