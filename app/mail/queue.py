"""The one way an e-mail leaves: rendered from its kind's templates, queued in the outbox in the
caller's transaction, sent by the outbox worker after the commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n.audience import Audience
from app.mail import outbox, renderer
from app.mail.branding import MailBranding
from app.mail.message import MailMessage


async def queue(
    session: AsyncSession,
    kind: str,
    *,
    to: str,
    context: Mapping[str, Any],
    branding: MailBranding,
    reference: str,
    audience: Audience | None = None,
    replace: bool = False,
) -> None:
    """``kind`` (app/mail/templates) with ``context``, in ``branding`` and the reader's
    language (English, UTC without ``audience``), from the branding's sender. ``reference``
    names what the e-mail is about; ``replace`` cancels its e-mails still waiting (their links
    are dead)."""
    mail = renderer.render(kind, branding, audience=audience, **context)
    message = MailMessage(
        to=to,
        subject=mail.subject,
        html=mail.html,
        text=mail.text,
        sender_address=branding.sender_address,
        sender_name=branding.sender_name,
    )
    enqueue = outbox.replace if replace else outbox.enqueue
    await enqueue(session, message, kind=kind, reference=reference)
