"""`ixon-api outbox`: the outbox mail worker on its own."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from app.config import get_settings
from app.core.commands import out


def outbox(
    once: Annotated[bool, typer.Option("--once", help="Send what is due now, then exit.")] = False,
) -> None:
    """Run only the outbox mail worker, until Ctrl-C."""
    from app.mail.runner import run_alone
    from app.observability import logs

    settings = get_settings()
    logs.configure(settings)
    if not once:
        out.print(f"outbox worker running ({settings.mail_backend}); Ctrl-C stops it")
    try:
        worker = asyncio.run(run_alone(settings, once=once))
    except KeyboardInterrupt:
        return
    out.print(f"outbox: {worker.sent_count} sent, {worker.failed_count} failed")
