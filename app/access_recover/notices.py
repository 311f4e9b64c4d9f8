"""E-mails about an existing account that the mail package has no template for.

``account_exists`` goes to an address someone tried to register again; ``address_in_use`` to an
address someone asked to move another account to. Both are rendered like the mail package's
kinds (its ``base.html``/``base.txt`` and macros, autoescaped HTML, one-line subject, the
reader's language) and leave through the same outbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n.audience import Audience
from app.mail import outbox, renderer
from app.mail.branding import MailBranding
from app.mail.message import MailMessage
from app.mail.renderer import RenderedMail

TEMPLATES = Path(__file__).parent / "templates"
# The context each of our kinds needs (`name` may always be left out).
KINDS: dict[str, frozenset[str]] = {
    "account_exists": frozenset({"link", "expires_on"}),
    "address_in_use": frozenset({"address"}),
}


def render(
    kind: str, branding: MailBranding, *, audience: Audience | None = None, **context: Any
) -> RenderedMail:
    """One of our kinds, or else one of the mail package's, in ``audience``'s language."""
    if kind not in KINDS:
        return renderer.render(kind, branding, audience=audience, **context)
    audience = audience or Audience()
    env = renderer.environment(audience.language, (TEMPLATES, renderer.TEMPLATES))
    return renderer.render_kind(env, kind, branding, audience, KINDS[kind], context)


async def send(
    session: AsyncSession,
    branding: MailBranding,
    *,
    to: str,
    kind: str,
    reference: str,
    audience: Audience | None = None,
    **context: Any,
) -> None:
    """Renders ``kind`` and queues it in the caller's transaction (sent after the commit)."""
    mail = render(kind, branding, audience=audience, **context)
    message = MailMessage(
        to=to,
        subject=mail.subject,
        html=mail.html,
        text=mail.text,
        sender_address=branding.sender_address,
        sender_name=branding.sender_name,
    )
    await outbox.enqueue(session, message, kind=kind, reference=reference)
