"""`ixon-api webhook ...`: a company's webhook endpoints from the command line."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

webhook_cli = typer.Typer(help="Webhook endpoints of a company.", no_args_is_help=True)

CompanyOption = Annotated[str, typer.Option("--company", help="The company's publicId.")]
EndpointArgument = Annotated[str, typer.Argument(help="The endpoint's publicId.")]


async def _company_id(session: AsyncSession, company: str) -> int:
    from app.companies.models import Company
    from app.core.errors import not_found

    found = await session.scalar(select(Company.id).where(Company.public_id == company))
    if found is None:
        raise not_found("Company", "--company")
    return found


@webhook_cli.command("list")
def list_endpoints(company: CompanyOption) -> None:
    """The company's endpoints: publicId, URL, events, state."""
    from app.core.commands import in_session
    from app.webhooks.models import WebhookEndpoint

    async def work(session: AsyncSession) -> list[WebhookEndpoint]:
        company_id = await _company_id(session, company)
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.company_id == company_id)
        return list(await session.scalars(stmt.order_by(WebhookEndpoint.id)))

    # One line each, tab-separated: readable, and for scripts (`cut -f1`).
    for e in in_session(work):
        state = "enabled" if e.enabled else f"disabled ({e.disabled_reason or 'by hand'})"
        typer.echo("\t".join((e.public_id, e.url, ",".join(e.events), state)))


@webhook_cli.command("add")
def add(
    company: CompanyOption,
    url: Annotated[str, typer.Option(help="Where to POST the events (http or https).")],
    event: Annotated[
        list[str], typer.Option(help="An event to send (repeat it); GET /webhook-event-types.")
    ],
    description: Annotated[str | None, typer.Option(help="What the endpoint is for.")] = None,
) -> None:
    """Add an endpoint; prints its publicId and signing secret (shown only now)."""
    from pydantic import ValidationError

    from app.config import get_settings
    from app.core.commands import fail, in_session
    from app.webhooks import service
    from app.webhooks.schemas import WebhookEndpointCreate

    try:
        body = WebhookEndpointCreate(url=url, events=event, description=description)
    except ValidationError as exc:
        raise fail("; ".join(str(e["msg"]) for e in exc.errors())) from None

    async def work(session: AsyncSession) -> tuple[str, str]:
        company_id = await _company_id(session, company)
        endpoint, secret = await service.add(session, company_id, get_settings(), body)
        return endpoint.public_id, secret

    public_id, secret = in_session(work)
    typer.echo(f"publicId: {public_id}\nsecret:   {secret}")


def _set_enabled(public_id: str, enabled: bool) -> None:
    from app.core.commands import in_session
    from app.core.errors import not_found
    from app.webhooks.models import WebhookEndpoint

    async def work(session: AsyncSession) -> None:
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.public_id == public_id)
        endpoint = await session.scalar(stmt)
        if endpoint is None:
            raise not_found("Webhook endpoint", "publicId")
        endpoint.enabled = enabled
        if enabled:
            endpoint.disabled_reason = None

    in_session(work)
    typer.echo(f"{public_id} {'enabled' if enabled else 'disabled'}")


@webhook_cli.command("enable")
def enable(endpoint: EndpointArgument) -> None:
    """Send events to the endpoint again (after it was disabled)."""
    _set_enabled(endpoint, True)


@webhook_cli.command("disable")
def disable(endpoint: EndpointArgument) -> None:
    """Stop sending events to the endpoint."""
    _set_enabled(endpoint, False)


@webhook_cli.command("delete")
def delete(endpoint: EndpointArgument) -> None:
    """Delete the endpoint and its delivery log."""
    from sqlalchemy import delete as delete_rows

    from app.core.commands import in_session
    from app.webhooks.models import WebhookEndpoint

    async def work(session: AsyncSession) -> int:
        result = await session.execute(
            delete_rows(WebhookEndpoint).where(WebhookEndpoint.public_id == endpoint)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    typer.echo(f"deleted {in_session(work)} endpoint(s)")
