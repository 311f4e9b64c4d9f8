"""The 2FA notices (turned on, turned off, reset by an administrator): the mail package's
kinds, rendered in the branding of `Api-Branding` and the account's language, queued in the
outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.brandings import service as branding_service
from app.config import Settings
from app.core.clock import utcnow
from app.i18n.audience import Audience
from app.mail.queue import queue
from app.users.models import User


async def notify(
    session: AsyncSession,
    settings: Settings,
    user: User,
    kind: str,
    branding_fqdn: str | None,
    **context: Any,
) -> None:
    """Queues ``kind`` to the account's address (none for an account without one)."""
    branding = await branding_service.resolve(session, settings, branding_fqdn)
    if user.email_address is None:
        return
    await queue(
        session,
        kind,
        to=user.email_address,
        context={"name": user.name, "changed_on": utcnow(), **context},
        branding=branding.mail(settings),
        reference=user.public_id,
        audience=Audience.of(user),
    )
